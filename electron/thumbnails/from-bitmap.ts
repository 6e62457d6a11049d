/**
 * Page thumbnails made by the engines from the image they already hold, so the thumbnail service
 * never decodes the written file a second time for the grid:
 * - {@link thumbnailFromRgba}: the local engine's rendered bitmap (raw RGBA), before or while it
 *   encodes the full-size file;
 * - {@link thumbnailFromImageFile}: a downloaded page (PDF.co), decoded with shrink-on-load where
 *   the format allows it (JPEG, WebP: libvips decodes at 1/2, 1/4 or 1/8 size directly).
 *
 * Both give the PNG the service would make itself (same width rule: never enlarged; same PNG
 * settings), as a {@link PageThumbnail} for the engine's `page-written` event.
 */
import { loadSharp } from '../util/load-sharp.ts'
import type { PageThumbnail } from '../engines/types.ts'

/** Largest input the thumbnail makers accept, in pixels (sharp's default, 16383 × 16383). */
const MAX_INPUT_PIXELS = 268_402_689

/** A raw bitmap: 4 bytes per pixel, R G B A, rows top to bottom without padding (stride = width × 4). */
export interface RgbaBitmap {
  readonly data: Uint8Array
  /** Pixels. */
  readonly width: number
  /** Pixels. */
  readonly height: number
  /** True when the colour channels are premultiplied by alpha (canvas memory); default false. */
  readonly premultiplied?: boolean
}

/** PNG settings shared with the thumbnail service. */
export const THUMB_PNG_OPTIONS = { compressionLevel: 6 } as const

/**
 * Makes a PNG thumbnail `widthPx` wide (never enlarged) from a raw RGBA bitmap.
 *
 * Cost: one resize of the bitmap in memory (no decode); about 5-15 ms for an A4 page at 150 DPI.
 *
 * @param widthPx a width from THUMB_WIDTHS (the grid's: GRID_THUMB_WIDTH).
 * @throws RangeError when `data` is not `width × height × 4` bytes or a size is not a positive integer.
 */
export async function thumbnailFromRgba(bitmap: RgbaBitmap, widthPx: number): Promise<PageThumbnail> {
  const { data, width, height, premultiplied = false } = bitmap
  for (const [name, value] of [['width', width], ['height', height], ['widthPx', widthPx]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`thumbnail: ${name} must be a positive integer, got ${value}`)
  }
  if (data.byteLength !== width * height * 4) {
    throw new RangeError(`thumbnail: expected ${width * height * 4} bytes of RGBA for ${width}×${height}, got ${data.byteLength}`)
  }
  const sharp = await loadSharp()
  const png = await sharp(data, { raw: { width, height, channels: 4, premultiplied }, limitInputPixels: MAX_INPUT_PIXELS })
    .resize({ width: widthPx, withoutEnlargement: true })
    .png(THUMB_PNG_OPTIONS)
    .toBuffer()
  return { widthPx, png }
}

/**
 * Makes a PNG thumbnail `widthPx` wide (never enlarged) from an image file the caller just wrote
 * or downloaded (PNG, JPG, WebP, TIFF: its first page), decoding JPEG and WebP with shrink-on-load.
 *
 * @throws sharp's error for an unreadable or corrupt image (callers treat a thumbnail as optional).
 */
export async function thumbnailFromImageFile(filePath: string, widthPx: number): Promise<PageThumbnail> {
  const sharp = await loadSharp()
  const png = await sharp(filePath, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'none' })
    .resize({ width: widthPx, withoutEnlargement: true })
    .png(THUMB_PNG_OPTIONS)
    .toBuffer()
  return { widthPx, png }
}
