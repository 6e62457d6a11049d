import { describe, expect, it } from 'vitest'
import { PdfCoError } from '../../../../electron/errors.ts'
import {
  classifyCode,
  errorFromJobStatus,
  errorFromLink,
  errorFromResponse,
  errorFromTransport,
  isErrorAnswer,
  pdfCoCodeOf,
} from '../../../../electron/pdfco/errors.ts'

describe('PDF.co error mapping', () => {
  it('treats non-2xx and 200 + error:true alike', () => {
    expect(isErrorAnswer(401, {})).toBe(true)
    expect(isErrorAnswer(200, { error: true })).toBe(true)
    expect(isErrorAnswer(200, { error: false, status: 200 })).toBe(false)
    const a = errorFromResponse('convert to png', 401, { error: true, status: 401, message: 'bad key' })
    const b = errorFromResponse('convert to png', 200, { error: true, status: 401, message: 'bad key' })
    expect(a.code).toBe('pdfco/unauthorized')
    expect(b.code).toBe('pdfco/unauthorized')
    expect(b.httpStatus).toBe(200)
    expect(b.pdfcoCode).toBe(401)
  })
  it('reads errorCode before status', () => {
    expect(pdfCoCodeOf(400, { status: 400, errorCode: 441 })).toBe(441)
    expect(pdfCoCodeOf(200, { status: '442' })).toBe(442)
    expect(pdfCoCodeOf(500, 'gateway')).toBe(500)
    expect(pdfCoCodeOf(200, { status: 200, error: true })).toBeUndefined()
    expect(errorFromResponse('x', 400, { error: true, status: 400, errorCode: 441, message: 'Invalid password' }).code).toBe('pdfco/password')
  })
  it('maps every documented code to its kind and retryability', () => {
    const cases: Array<[number, string, string, boolean]> = [
      [401, '', 'pdfco/unauthorized', false],
      [402, '', 'pdfco/no-credits', false],
      [403, 'Not enough credits', 'pdfco/no-credits', false],
      [403, 'Access to input URL forbidden', 'pdfco/bad-request', false],
      [429, '', 'pdfco/rate-limited', true],
      [441, '', 'pdfco/password', false],
      [442, '', 'pdfco/damaged-input', false],
      [449, '', 'pdfco/page-range', false],
      [450, '', 'pdfco/page-range', false],
      [408, '', 'pdfco/timeout', false],
      [445, '', 'pdfco/timeout', false],
      [500, '', 'pdfco/server', true],
      [503, '', 'pdfco/server', true],
      [400, '', 'pdfco/bad-request', false],
      [444, '', 'pdfco/bad-request', false],
    ]
    for (const [code, message, kind, retryable] of cases) {
      expect(classifyCode(code, message), `${code} ${message}`).toEqual({ code: kind, retryable })
    }
  })
  it('an error without any code is a bad request; messages carry status and PDF.co text', () => {
    const e = errorFromResponse('convert to jpg', 200, { error: true, message: 'Something odd' })
    expect(e.code).toBe('pdfco/bad-request')
    expect(e.message).toContain('Something odd')
    expect(e.message).toContain('HTTP 200')
    const html = errorFromResponse('job/check', 502, '<html>Bad Gateway</html>')
    expect(html.code).toBe('pdfco/server')
    expect(html.retryable).toBe(true)
    expect(html.message).toContain('Bad Gateway')
  })
  it('job states become specific errors with PDF.co message', () => {
    const failed = errorFromJobStatus('J1', 'failed', { status: 'failed', message: 'Render crashed' })
    expect(failed).toBeInstanceOf(PdfCoError)
    expect(failed.code).toBe('pdfco/job-failed')
    expect(failed.message).toContain('Render crashed')
    expect(errorFromJobStatus('J1', 'failed', { message: 'Invalid password', errorCode: 441 }).code).toBe('pdfco/password')
    expect(errorFromJobStatus('J1', 'failed', { message: 'x', errorCode: 442 }).code).toBe('pdfco/damaged-input')
    expect(errorFromJobStatus('J1', 'failed', { message: 'x', errorCode: 500 }).code).toBe('pdfco/job-failed')
    expect(errorFromJobStatus('J1', 'aborted', { message: 'stopped' }).code).toBe('pdfco/job-aborted')
    expect(errorFromJobStatus('J1', 'unknown', {}).code).toBe('pdfco/job-unknown')
  })
  it('transport failures and links', () => {
    expect(errorFromTransport('upload', { kind: 'timeout', code: 'ETIMEDOUT', message: 'no data', maybeDelivered: true }).code).toBe('pdfco/timeout')
    const n = errorFromTransport('upload', { kind: 'network', code: 'ECONNRESET', message: 'socket hang up', maybeDelivered: true })
    expect(n.code).toBe('pdfco/network')
    expect(n.message).toContain('ECONNRESET')
    const expired = errorFromLink('result', 403, 'https://s3.example/ID/p.png?X-Amz-Signature=abc')
    expect(expired.code).toBe('pdfco/bad-response')
    expect(expired.message).toContain('expired')
    expect(expired.message).not.toContain('abc')
    expect(errorFromLink('result', 503, 'https://s3.example/x').code).toBe('pdfco/server')
  })
})
