import sharp, { type Metadata, type Stats } from 'sharp'
import { describe, expect, it } from 'vitest'
import { encodePixels, type EncodeSettings } from '../../../../../electron/engines/local/encode.ts'

/** 40x20 premultiplied RGBA: left half transparent, right half opaque dark blue, one white column. */
function pixels(): { data: Buffer; widthPx: number; heightPx: number; premultiplied: boolean } {
  const widthPx = 40
  const heightPx = 20
  const data = Buffer.alloc(widthPx * heightPx * 4)
  for (let y = 0; y < heightPx; y++) {
    for (let x = 20; x < widthPx; x++) {
      const i = (y * widthPx + x) * 4
      const white = x === 39
      data[i] = white ? 255 : 20
      data[i + 1] = white ? 255 : 40
      data[i + 2] = white ? 255 : 120
      data[i + 3] = 255
    }
  }
  return { data, widthPx, heightPx, premultiplied: true }
}

/** Tag 259 (Compression) of the first IFD of a little- or big-endian classic TIFF (TIFF 6.0 §8). */
function tiffCompression(tiff: Buffer): number | undefined {
  const le = tiff.toString('latin1', 0, 2) === 'II'
  const u16 = (at: number): number => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const ifd = le ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4)
  for (let i = 0; i < u16(ifd); i++) {
    const entry = ifd + 2 + i * 12
    if (u16(entry) === 259) return u16(entry + 8)
  }
  return undefined
}

const base: EncodeSettings = { format: 'png', color: 'color', background: 'white', quality: 90, dpi: 150 }

async function meta(settings: Partial<EncodeSettings>): Promise<{ m: Metadata; s: Stats; raw: Buffer }> {
  const out = await encodePixels(pixels(), { ...base, ...settings })
  const img = sharp(out)
  return { m: await img.metadata(), s: await img.stats(), raw: await sharp(out).raw().toBuffer() }
}

describe('encodePixels', () => {
  it('a colour page whose pixels are all grey is stored as greyscale PNG and TIFF, pixel for pixel', async () => {
    const widthPx = 30
    const heightPx = 10
    const data = Buffer.alloc(widthPx * heightPx * 4)
    for (let i = 0; i < widthPx * heightPx; i++) data.fill(i % 256, i * 4, i * 4 + 3).writeUInt8(255, i * 4 + 3)
    for (const format of ['png', 'tiff'] as const) {
      const out = await encodePixels({ data, widthPx, heightPx, premultiplied: false }, { ...base, format })
      expect((await sharp(out).metadata()).channels, format).toBe(1)
      const grey = await sharp(out).extractChannel(0).raw().toBuffer()
      expect([...grey], format).toEqual(Array.from({ length: widthPx * heightPx }, (_, i) => i % 256))
    }
    // One coloured pixel keeps the page RGB.
    data[1] = 7
    expect((await sharp(await encodePixels({ data, widthPx, heightPx, premultiplied: false }, base)).metadata()).channels).toBe(3)
  })

  it('colour PNG on white: RGB, transparent parts white, density stored', async () => {
    const { m, raw } = await meta({})
    expect(m).toMatchObject({ format: 'png', channels: 3, width: 40, height: 20, density: 150, hasAlpha: false })
    expect([...raw.subarray(0, 3)]).toEqual([255, 255, 255])
    expect([...raw.subarray(30 * 3, 30 * 3 + 3)]).toEqual([20, 40, 120])
  })

  it('transparent PNG and WebP keep alpha; JPG and TIFF never do', async () => {
    const png = await meta({ background: 'transparent' })
    expect(png.m).toMatchObject({ channels: 4, hasAlpha: true })
    expect(png.raw[3]).toBe(0)
    expect(png.raw[30 * 4 + 3]).toBe(255)
    expect((await meta({ format: 'webp', background: 'transparent' })).m.hasAlpha).toBe(true)
    const jpg = await meta({ format: 'jpg', background: 'transparent' })
    expect(jpg.m).toMatchObject({ format: 'jpeg', channels: 3, hasAlpha: false })
    expect(jpg.raw[0]).toBeGreaterThan(245) // white, never black
    expect((await meta({ format: 'tiff', background: 'transparent' })).m).toMatchObject({ channels: 3, hasAlpha: false })
  })

  it('colour TIFF has 8-bit samples, on white and from a transparent canvas (never 32-bit float)', async () => {
    for (const background of ['white', 'transparent'] as const) {
      const { m, raw } = await meta({ format: 'tiff', background })
      expect(m).toMatchObject({ format: 'tiff', channels: 3, depth: 'uchar' })
      expect([...raw.subarray(0, 3)]).toEqual([255, 255, 255])
      expect([...raw.subarray(30 * 3, 30 * 3 + 3)]).toEqual([20, 40, 120])
    }
  })

  it('greyscale is one channel for PNG, JPG and TIFF (two with alpha)', async () => {
    for (const format of ['png', 'jpg', 'tiff'] as const) {
      const { m } = await meta({ format, color: 'gray' })
      expect(m.channels, format).toBe(1)
      expect(m.space, format).toBe('b-w')
    }
    expect((await meta({ color: 'gray', background: 'transparent' })).m).toMatchObject({ channels: 2, hasAlpha: true })
  })

  it('black-and-white: 1-bit palette PNG and 1-bit G4 TIFF, only black and white', async () => {
    const png = await meta({ color: 'bw' })
    expect(png.m).toMatchObject({ isPalette: true, bitsPerSample: 1, hasAlpha: false })
    expect(new Set(png.raw)).toEqual(new Set([0, 255]))
    const tiff = await meta({ format: 'tiff', color: 'bw' })
    expect(tiff.m).toMatchObject({ channels: 1, bitsPerSample: 1 })
    expect(tiffCompression(await encodePixels(pixels(), { ...base, format: 'tiff', color: 'bw' }))).toBe(4) // CCITT G4
    expect(new Set(tiff.raw)).toEqual(new Set([0, 255]))
    expect((await meta({ format: 'jpg', color: 'bw' })).m.channels).toBe(1)
  })

  it('JPG quality changes the size', async () => {
    const big = pixels()
    const small = await encodePixels(big, { ...base, format: 'jpg', quality: 10 })
    const large = await encodePixels(big, { ...base, format: 'jpg', quality: 100 })
    expect(small.length).toBeLessThan(large.length)
  })
})
