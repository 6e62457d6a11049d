import { describe, expect, it } from 'vitest'
import { InputError } from '../../../../../electron/errors.ts'
import { resolveLocalOptions, validateLocalRenderOptions } from '../../../../../electron/engines/local/options.ts'

function invalid(fn: () => unknown): InputError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).code).toBe('input/invalid')
    return err as InputError
  }
  throw new Error('expected an InputError')
}

describe('local render options', () => {
  it('defaults: 150 DPI, quality 90, colour, white, no multi-page TIFF', () => {
    expect(resolveLocalOptions('png', undefined, undefined)).toEqual({
      format: 'png',
      resolution: { kind: 'dpi', dpi: 150 },
      quality: 90,
      color: 'color',
      background: 'white',
      multiPageTiff: false,
    })
  })

  it('names the option and the value in messages', () => {
    expect(invalid(() => validateLocalRenderOptions({ dpi: 700 })).message).toBe(
      'Local render option "dpi" must be between 72 and 600 (got 700)',
    )
    expect(invalid(() => validateLocalRenderOptions({ dpi: 71.9 })).message).toContain('"dpi" must be between 72 and 600')
    expect(invalid(() => validateLocalRenderOptions({ dpi: '150' })).message).toBe('Local render option "dpi" must be a number (got "150")')
    expect(invalid(() => validateLocalRenderOptions({ quality: 0 })).message).toContain('"quality" must be between 1 and 100 (got 0)')
    expect(invalid(() => validateLocalRenderOptions({ quality: 50.5 })).message).toContain('"quality" must be a whole number')
    expect(invalid(() => validateLocalRenderOptions({ scaleToPx: 8 })).message).toContain('"scaleToPx" must be between 16 and 16384 px')
    expect(invalid(() => validateLocalRenderOptions({ color: 'sepia' })).message).toContain('"color" must be "color", "gray" or "bw"')
    expect(invalid(() => validateLocalRenderOptions({ background: 'black' })).message).toContain('"background" must be "white" or "transparent"')
    expect(invalid(() => validateLocalRenderOptions({ dpi: 150, zoom: 2 })).message).toBe('Unknown local render option: zoom')
    expect(invalid(() => validateLocalRenderOptions('150')).message).toContain('must be an object')
  })

  it('dpi and scaleToPx exclude each other in one object', () => {
    expect(invalid(() => validateLocalRenderOptions({ dpi: 150, scaleToPx: 1000 })).message).toContain('either "dpi" or "scaleToPx"')
  })

  it('accepts fractional DPI and treats undefined fields as absent', () => {
    expect(validateLocalRenderOptions({ dpi: 96.5, scaleToPx: undefined })).toEqual({ dpi: 96.5 })
  })

  it('a request setting the resolution replaces both default resolution fields', () => {
    const fromDefaults = resolveLocalOptions('png', { scaleToPx: 800, quality: 70, color: 'gray' }, undefined)
    expect(fromDefaults.resolution).toEqual({ kind: 'scale-to', longSidePx: 800 })
    const overridden = resolveLocalOptions('jpg', { scaleToPx: 800, quality: 70, color: 'gray' }, { dpi: 300 })
    expect(overridden).toMatchObject({ resolution: { kind: 'dpi', dpi: 300 }, quality: 70, color: 'gray' })
    expect(resolveLocalOptions('png', { dpi: 300 }, { scaleToPx: 512 }).resolution).toEqual({ kind: 'scale-to', longSidePx: 512 })
  })

  it('transparent background needs PNG or WebP', () => {
    expect(resolveLocalOptions('webp', undefined, { background: 'transparent' }).background).toBe('transparent')
    expect(invalid(() => resolveLocalOptions('jpg', undefined, { background: 'transparent' })).message).toContain('needs PNG or WebP')
    expect(invalid(() => resolveLocalOptions('tiff', { background: 'transparent' }, undefined)).message).toContain('TIFF is always on white')
  })

  it('multiPageTiff: TIFF only; a default for other formats is ignored, a request asking for it is an error', () => {
    expect(resolveLocalOptions('tiff', undefined, { multiPageTiff: true }).multiPageTiff).toBe(true)
    expect(resolveLocalOptions('png', { multiPageTiff: true }, undefined).multiPageTiff).toBe(false)
    expect(invalid(() => resolveLocalOptions('png', undefined, { multiPageTiff: true })).message).toContain('TIFF output only')
  })
})
