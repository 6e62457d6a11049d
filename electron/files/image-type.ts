/**
 * Image type detection from magic bytes, used to check that a downloaded page really is the
 * requested format before it is published.
 *
 * Signatures: PNG `89 50 4E 47 0D 0A 1A 0A` (PNG spec §5.2); JPEG `FF D8 FF` (JFIF/EXIF SOI);
 * WebP `RIFF....WEBP` (RFC 9649 §2.5); TIFF `II*\0` / `MM\0*` (TIFF 6.0 §2; BigTIFF `II+\0`/`MM\0+`).
 */
import { open } from 'node:fs/promises'
import type { OutputFormat } from '../shared/formats.ts'

/** Bytes needed by {@link detectImageType}. */
export const MAGIC_BYTES = 12

/** The format whose signature starts `head`, or null. */
export function detectImageType(head: Uint8Array): OutputFormat | null {
  const b = (i: number): number => head[i] ?? -1
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) return 'png'
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpg'
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp'
  if (b(0) === 0x49 && b(1) === 0x49 && (b(2) === 0x2a || b(2) === 0x2b) && b(3) === 0x00) return 'tiff'
  if (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0x00 && (b(3) === 0x2a || b(3) === 0x2b)) return 'tiff'
  return null
}

/** Reads the first bytes of a file and detects its image type. */
export async function detectFileImageType(filePath: string): Promise<OutputFormat | null> {
  const handle = await open(filePath, 'r')
  try {
    const head = Buffer.alloc(MAGIC_BYTES)
    const { bytesRead } = await handle.read(head, 0, MAGIC_BYTES, 0)
    return detectImageType(head.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
}

/** Short printable description of the first bytes, for error messages. */
export function describeHead(head: Uint8Array): string {
  const text = Buffer.from(head.subarray(0, 8)).toString('latin1').replace(/[^\x20-\x7e]/g, '.')
  return `"${text}"`
}

function ascii(head: Uint8Array, from: number, to: number): string {
  return Buffer.from(head.subarray(from, to)).toString('latin1')
}
