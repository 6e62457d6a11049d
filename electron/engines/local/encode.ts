/**
 * Encoding of rendered pages with sharp (libvips): PNG, JPG, WebP or TIFF, in colour, greyscale
 * or black-and-white, on white or transparent.
 *
 * Input is raw RGBA: PDFium's bitmap read in place from its WebAssembly memory (straight alpha,
 * `premultiplied: false`), or premultiplied pixels from other sources.
 *
 * Output channels: colour PNG/JPG/TIFF are RGB (RGBA when transparent; all-grey pages as grey, below); greyscale PNG/JPG/TIFF
 * are one grey channel (grey + alpha when transparent); black-and-white is thresholded at 50 %
 * grey and written as a 1-bit black/white palette PNG, a 1-bit CCITT G4 TIFF, or an 8-bit grey JPG
 * holding only 0 and 255 before compression. WebP has no grey mode: grey pixels stored as RGB.
 *
 * PNG speed: zlib level 6 without adaptive filtering (sharp's default level). See
 * `bench/RESULTS.md` (local engine) for the measured trade-off against levels 3 and 9.
 *
 * Colour pages whose pixels are all grey (R = G = B: most text pages) are written as greyscale
 * PNG/TIFF: the same pixels, a third of the raw data, so smaller files and faster compression
 * (lossless; {@link isAllGrey}).
 */
import { loadSharp } from '../../util/load-sharp.ts'
import type { OutputFormat } from '../../shared/formats.ts'
import type { BackgroundMode, ColorMode } from './options.ts'

/** zlib level of PNG output (0-9). */
export const PNG_COMPRESSION_LEVEL = 6

/** Raw pixels of one page. */
export interface RawPixels {
  /** RGBA, 8 bits per channel, row-major, `widthPx * heightPx * 4` bytes. */
  readonly data: Uint8Array
  readonly widthPx: number
  readonly heightPx: number
  /** True when colour values are premultiplied by alpha (canvas memory). */
  readonly premultiplied: boolean
}

/** How to encode. */
export interface EncodeSettings {
  readonly format: OutputFormat
  readonly color: ColorMode
  /** 'transparent' is honoured for PNG and WebP only; others are flattened onto white. */
  readonly background: BackgroundMode
  /** JPG/WebP quality 1-100. */
  readonly quality: number
  /** Written as the image's resolution (PNG pHYs, JPEG JFIF, TIFF tags). */
  readonly dpi: number
}

/**
 * Encodes raw page pixels (see the module comment for the channel layout of each mode).
 *
 * @throws Error from sharp for impossible input (wrong buffer length); callers map it.
 */
export async function encodePixels(raw: RawPixels, settings: EncodeSettings): Promise<Buffer> {
  const sharp = await loadSharp()
  const { format, color } = settings
  const transparent = settings.background === 'transparent' && (format === 'png' || format === 'webp') && color !== 'bw'
  const input = Buffer.isBuffer(raw.data) ? raw.data : Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength)
  // An opaque page (rendered on white) has alpha 255 everywhere, where premultiplied and straight
  // colour are the same. Declaring it premultiplied would make libvips un-premultiply into 32-bit
  // float samples, which the TIFF writer keeps (unreadable for most viewers): only a page rendered
  // on a transparent background is premultiplied for real.
  const premultiplied = raw.premultiplied && settings.background === 'transparent'
  let img = sharp(input, {
    raw: { width: raw.widthPx, height: raw.heightPx, channels: 4, premultiplied },
    limitInputPixels: false,
  })
  if (!transparent) img = img.flatten({ background: '#ffffff' })
  const storeGrey = color === 'color' && !transparent && (format === 'png' || format === 'tiff') && isAllGrey(input)
  if (color === 'gray' || storeGrey) img = img.grayscale().toColourspace('b-w')
  else if (color === 'bw') img = img.threshold(128).toColourspace('b-w')
  img = img.withDensity(settings.dpi)
  const quality = Math.min(100, Math.max(1, Math.round(settings.quality)))
  switch (format) {
    case 'png':
      return color === 'bw'
        ? img.png({ palette: true, colours: 2, dither: 0 }).toBuffer()
        : img.png({ compressionLevel: PNG_COMPRESSION_LEVEL, adaptiveFiltering: false }).toBuffer()
    case 'jpg':
      return img.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer()
    case 'webp':
      return img.webp({ quality, alphaQuality: 100, effort: 2 }).toBuffer()
    case 'tiff':
      // libvips keeps un-premultiplied pixels as 32-bit float, which the TIFF writer would store
      // as is: bring them back to 8-bit samples first.
      if (premultiplied && color === 'color') {
        const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
        img = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).withDensity(settings.dpi)
      }
      return color === 'bw'
        ? img.tiff({ compression: 'ccittfax4', bitdepth: 1, xres: settings.dpi / 25.4, yres: settings.dpi / 25.4 }).toBuffer()
        : img
            .tiff({ compression: 'lzw', predictor: 'horizontal', xres: settings.dpi / 25.4, yres: settings.dpi / 25.4 })
            .toBuffer()
  }
}

/**
 * True when every pixel of RGBA memory has R = G = B (alpha is ignored: grey flattened onto white
 * stays grey). Stops at the first coloured pixel; about 2 ms per megapixel when grey.
 */
export function isAllGrey(rgba: Uint8Array): boolean {
  if (rgba.byteOffset % 4 !== 0 || rgba.byteLength % 4 !== 0) {
    for (let i = 0; i + 2 < rgba.length; i += 4) if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false
    return true
  }
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.byteLength / 4)
  // Little- or big-endian alike: the three colour bytes are the low 24 or high 24 bits.
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
  for (let i = 0; i < words.length; i++) {
    const v = words[i] ?? 0
    const rgb = littleEndian ? v & 0xffffff : v >>> 8
    if (((rgb ^ (rgb >>> 8)) & 0xffff) !== 0) return false
  }
  return true
}
