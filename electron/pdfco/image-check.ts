/**
 * Full integrity check of a downloaded page image, before it may be renamed into place: a server
 * (or a proxy) can send half an image with a matching Content-Length, or just its signature, and
 * the magic bytes alone would pass.
 *
 * - PNG: every chunk is walked and its CRC-32 checked; IHDR first, at least one IDAT, and IEND
 *   present (PNG spec, ISO/IEC 15948 §5.3-5.6, §11.2).
 * - JPEG: SOI at the start and EOI (`FF D9`) at the end, trailing zero padding allowed
 *   (ITU-T T.81 §B.2.1).
 * - WebP: the RIFF size field matches the file size (RFC 9649 §2.5-2.6).
 * - TIFF: a TIFF has no end marker, so every IFD is walked and each strip or tile it points to
 *   must lie inside the file (TIFF 6.0 §2, tags 273/279 and 324/325), then every page is decoded
 *   with sharp (loaded on first use), which catches corrupt compressed data.
 */
import { readFile } from 'node:fs/promises'
import zlib from 'node:zlib'
import { detectImageType } from '../files/image-type.ts'
import type { OutputFormat } from '../shared/formats.ts'

/** The outcome of {@link checkImageFile}: `problem` says what is wrong, in words. */
export type ImageCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string }

const PNG_SIGNATURE_BYTES = 8

/**
 * Checks that the file at `filePath` is a complete image of `format` (see the module comment).
 * Never throws for bad content; a read error is reported as a problem too.
 */
export async function checkImageFile(filePath: string, format: OutputFormat): Promise<ImageCheck> {
  if (format === 'tiff') return checkTiff(filePath)
  let bytes: Buffer
  try {
    bytes = await readFile(filePath)
  } catch (err) {
    return { ok: false, problem: `it could not be read back (${err instanceof Error ? err.message : String(err)})` }
  }
  return checkImageBytes(bytes, format)
}

/** {@link checkImageFile} for bytes in memory (PNG, JPEG, WebP; TIFF: signature only). */
export function checkImageBytes(bytes: Uint8Array, format: OutputFormat): ImageCheck {
  const actual = detectImageType(bytes.subarray(0, 12))
  if (actual !== format) return { ok: false, problem: `it is not a ${format.toUpperCase()} image` }
  switch (format) {
    case 'png':
      return checkPng(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    case 'jpg':
      return checkJpeg(bytes)
    case 'webp':
      return checkWebp(bytes)
    case 'tiff':
      return { ok: true }
  }
}

function checkPng(buf: Buffer): ImageCheck {
  let offset = PNG_SIGNATURE_BYTES
  let sawIdat = false
  let first = true
  while (offset + 12 <= buf.length) {
    const length = buf.readUInt32BE(offset)
    const type = buf.toString('latin1', offset + 4, offset + 8)
    const end = offset + 12 + length
    if (end > buf.length) return { ok: false, problem: `the PNG is truncated inside its ${type} chunk (${buf.length} bytes)` }
    if (first && type !== 'IHDR') return { ok: false, problem: 'the PNG does not start with an IHDR chunk' }
    first = false
    const crc = zlib.crc32(buf.subarray(offset + 4, offset + 8 + length))
    if (crc !== buf.readUInt32BE(offset + 8 + length)) return { ok: false, problem: `the PNG's ${type} chunk fails its CRC check` }
    if (type === 'IDAT') sawIdat = true
    if (type === 'IEND') return sawIdat ? { ok: true } : { ok: false, problem: 'the PNG has no image data (no IDAT chunk)' }
    offset = end
  }
  return { ok: false, problem: `the PNG is truncated: no IEND chunk after ${buf.length} bytes` }
}

function checkJpeg(bytes: Uint8Array): ImageCheck {
  let end = bytes.length
  while (end > 2 && bytes[end - 1] === 0x00) end--
  if (end < 4 || bytes[end - 2] !== 0xff || bytes[end - 1] !== 0xd9) {
    return { ok: false, problem: `the JPEG is truncated: no end-of-image marker after ${bytes.length} bytes` }
  }
  return { ok: true }
}

function checkWebp(bytes: Uint8Array): ImageCheck {
  if (bytes.length < 20) return { ok: false, problem: `the WebP is truncated (${bytes.length} bytes)` }
  const riffSize = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(4)
  const expected = riffSize + 8 + (riffSize % 2)
  if (bytes.length < riffSize + 8) return { ok: false, problem: `the WebP is truncated: ${bytes.length} of ${riffSize + 8} bytes` }
  if (bytes.length > expected) return { ok: false, problem: `the WebP has ${bytes.length - expected} bytes after its end` }
  return { ok: true }
}

async function checkTiff(filePath: string): Promise<ImageCheck> {
  let bytes: Buffer
  try {
    bytes = await readFile(filePath)
  } catch (err) {
    return { ok: false, problem: `it could not be read back (${err instanceof Error ? err.message : String(err)})` }
  }
  if (detectImageType(bytes.subarray(0, 12)) !== 'tiff') return { ok: false, problem: 'it is not a TIFF image' }
  const extents = checkTiffExtents(bytes)
  if (!extents.ok) return extents
  const { default: sharp } = await import('sharp')
  try {
    const meta = await sharp(filePath).metadata()
    if (meta.format !== 'tiff') return { ok: false, problem: 'it is not a TIFF image' }
    const pages = meta.pages ?? 1
    for (let page = 0; page < pages; page++) {
      await sharp(filePath, { page, failOn: 'truncated', limitInputPixels: false }).raw().toBuffer()
    }
    return { ok: true }
  } catch (err) {
    return { ok: false, problem: `the TIFF cannot be decoded (${err instanceof Error ? err.message : String(err)})` }
  }
}

/** Bytes per value of each TIFF field type (TIFF 6.0 §2; 16 = LONG8 of BigTIFF). */
const TIFF_TYPE_BYTES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8 }
const STRIP_OR_TILE = new Map([
  [273, 279], // StripOffsets → StripByteCounts
  [324, 325], // TileOffsets → TileByteCounts
])

/** Walks the IFDs of a classic TIFF: every field value and every strip or tile must lie inside the file (BigTIFF: skipped). */
function checkTiffExtents(buf: Buffer): ImageCheck {
  const little = buf[0] === 0x49
  const u16 = (at: number): number => (little ? buf.readUInt16LE(at) : buf.readUInt16BE(at))
  const u32 = (at: number): number => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at))
  if (u16(2) !== 42) return { ok: true }
  const truncated = (what: string): ImageCheck => ({ ok: false, problem: `the TIFF is truncated: ${what} past its end (${buf.length} bytes)` })
  const seen = new Set<number>()
  for (let ifd = u32(4); ifd !== 0; ) {
    if (seen.has(ifd)) return { ok: false, problem: 'the TIFF has a loop in its directory chain' }
    seen.add(ifd)
    if (ifd + 2 > buf.length) return truncated('an image directory')
    const count = u16(ifd)
    const end = ifd + 2 + count * 12
    if (end + 4 > buf.length) return truncated('an image directory')
    const values = new Map<number, number[]>()
    for (let i = 0; i < count; i++) {
      const entry = ifd + 2 + i * 12
      const tag = u16(entry)
      const size = TIFF_TYPE_BYTES[u16(entry + 2)]
      const n = u32(entry + 4)
      if (size === undefined) continue
      const at = n * size <= 4 ? entry + 8 : u32(entry + 8)
      if (at + n * size > buf.length) return truncated(`the value of tag ${tag}`)
      if (!STRIP_OR_TILE.has(tag) && ![...STRIP_OR_TILE.values()].includes(tag)) continue
      values.set(tag, Array.from({ length: n }, (_, k) => (size === 2 ? u16(at + k * 2) : size === 4 ? u32(at + k * 4) : Number(little ? buf.readBigUInt64LE(at + k * 8) : buf.readBigUInt64BE(at + k * 8)))))
    }
    for (const [offsetsTag, countsTag] of STRIP_OR_TILE) {
      const offsets = values.get(offsetsTag) ?? []
      const counts = values.get(countsTag) ?? []
      for (let k = 0; k < offsets.length; k++) if ((offsets[k] ?? 0) + (counts[k] ?? 0) > buf.length) return truncated('image data')
    }
    ifd = u32(end)
  }
  return { ok: true }
}
