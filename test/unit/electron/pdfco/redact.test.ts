import { describe, expect, it } from 'vitest'
import { errorFromResponse, errorFromTransport } from '../../../../electron/pdfco/errors.ts'
import { redact, redactHeaders, redactUrl, registerSecret, REDACTED } from '../../../../electron/pdfco/redact.ts'

const KEY = 'sk_live_ABCDEF123456@example.com_9f8e'

describe('redaction', () => {
  registerSecret(KEY)
  it('removes a registered key, raw and URL-encoded, from text', () => {
    expect(redact(`key=${KEY} and again ${KEY}`)).toBe(`key=${REDACTED} and again ${REDACTED}`)
    expect(redact(`q=${encodeURIComponent(KEY)}`)).not.toContain(encodeURIComponent(KEY))
    expect(redact('nothing secret')).toBe('nothing secret')
  })
  it('removes secret query values from URLs whatever their value', () => {
    const url = 'https://api.pdf.co/v1/x?x-api-key=other-secret&name=a.pdf&X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA%2F1'
    const r = redactUrl(url)
    expect(r).not.toContain('other-secret')
    expect(r).not.toContain('deadbeef')
    expect(r).not.toContain('AKIA')
    expect(r).toContain('name=a.pdf')
  })
  it('redacts header values by name', () => {
    expect(redactHeaders({ 'x-api-key': 'whatever', 'X-API-KEY': 'w2', accept: 'application/json' })).toEqual({
      'x-api-key': REDACTED,
      'X-API-KEY': REDACTED,
      accept: 'application/json',
    })
  })
  it('errors built from answers or transport failures that echo the key never contain it', () => {
    const e1 = errorFromResponse('convert to png', 401, { error: true, message: `Invalid key ${KEY}` })
    const e2 = errorFromTransport('job/check', { kind: 'network', code: 'ECONNRESET', message: `reset for ${KEY}`, maybeDelivered: true })
    for (const e of [e1, e2]) {
      const serialized = JSON.stringify({ ...e, message: e.message, stack: e.stack, dto: e.toDto() })
      expect(serialized).not.toContain(KEY)
    }
  })
})
