import { describe, expect, it } from 'vitest'
import { detectImageType } from '../../../../electron/files/image-type.ts'

const b = (...xs: Array<number | string>): Uint8Array =>
  Buffer.concat(xs.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from([x]))))

describe('detectImageType', () => {
  it('recognises each output format by its magic bytes', () => {
    expect(detectImageType(b(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a))).toBe('png')
    expect(detectImageType(b(0xff, 0xd8, 0xff, 0xe0))).toBe('jpg')
    expect(detectImageType(b('RIFF', 0, 0, 0, 0, 'WEBP'))).toBe('webp')
    expect(detectImageType(b('II*', 0))).toBe('tiff')
    expect(detectImageType(b('MM', 0, '*'))).toBe('tiff')
  })
  it('rejects other content', () => {
    expect(detectImageType(b('<?xml version'))).toBeNull()
    expect(detectImageType(b('RIFF', 0, 0, 0, 0, 'WAVE'))).toBeNull()
    expect(detectImageType(b('["https://'))).toBeNull()
    expect(detectImageType(new Uint8Array())).toBeNull()
  })
})
