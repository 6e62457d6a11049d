import { describe, expect, it } from 'vitest'
import { ERROR_CODES, type ErrorCode } from '../../../electron/shared/error-codes.ts'
import { errorText } from '../../../renderer/lib/error-text.ts'

const dto = (code: ErrorCode, message = 'detail from main') => ({ code, message, retryable: false })

describe('errorText', () => {
  it('has words for every error code', () => {
    for (const code of ERROR_CODES) {
      const text = errorText(dto(code))
      expect(text.length, code).toBeGreaterThan(5)
      expect(text, code).not.toContain('undefined')
    }
  })

  it('says what happened, specifically', () => {
    expect(errorText(dto('file/not-pdf'))).toMatch(/not a PDF/i)
    // The code decides, not the message: an empty file says so whatever main's wording.
    expect(errorText(dto('file/empty', 'x.pdf has no bytes'))).toBe('The file is empty (0 bytes).')
    expect(errorText(dto('file/not-pdf', 'x.pdf is empty'))).toMatch(/^Not a PDF/)
    expect(errorText(dto('file/wrong-password'))).toMatch(/wrong password/i)
    expect(errorText(dto('file/exists'))).toMatch(/already added/i)
    expect(errorText(dto('pdfco/unauthorized'))).toMatch(/API key/)
    expect(errorText(dto('pdfco/no-credits'))).toMatch(/credits/)
    expect(errorText(dto('pdfco/job-failed'))).toMatch(/failed on PDF\.co/)
  })

  it('keeps the detail where the detail is the point', () => {
    expect(errorText(dto('input/page-range', 'page 9 is past the end'))).toContain('page 9 is past the end')
    expect(errorText(dto('pdfco/bad-request', 'bad "url"'))).toContain('bad "url"')
  })

  it('throws on a code the contract does not know (assertNever)', () => {
    expect(() => errorText(dto('nope/never' as ErrorCode))).toThrow(/Unexpected error code/)
  })
})
