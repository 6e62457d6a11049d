/**
 * A fallback page count without the PDF renderer, for when PDFium's WASM cannot load (a broken
 * install): the PDF.co engine still needs a page count before uploading. The page tree's root is
 * the `/Type /Pages` dictionary with the largest `/Count` (PDF 32000-1 §7.7.3.2); it is searched in
 * the file and in Flate-compressed object streams. Encryption is the trailer's `/Encrypt` entry.
 * No password check is possible here: PDF.co checks it.
 */
import { open } from 'node:fs/promises'
import { FileError } from '../errors.ts'
import { objectStreamObjects } from './pdfium-user-unit.ts'

/** Files larger than this are read only in part (their first and last 32 MiB). */
const WHOLE_READ_BYTES = 64 * 1024 * 1024
const PART_BYTES = 32 * 1024 * 1024

/**
 * Page count and encryption flag read from the file's text.
 *
 * @throws FileError 'file/damaged' when no page tree root is found.
 */
export async function scanPageCount(path: string): Promise<{ pageCount: number; encrypted: boolean }> {
  const handle = await open(path, 'r')
  let bytes: Buffer
  try {
    const { size } = await handle.stat()
    if (size <= WHOLE_READ_BYTES) {
      bytes = Buffer.alloc(size)
      await handle.read(bytes, 0, size, 0)
    } else {
      const head = Buffer.alloc(PART_BYTES)
      const tail = Buffer.alloc(PART_BYTES)
      await handle.read(head, 0, PART_BYTES, 0)
      await handle.read(tail, 0, PART_BYTES, size - PART_BYTES)
      bytes = Buffer.concat([head, tail])
    }
  } finally {
    await handle.close()
  }
  const text = bytes.toString('latin1')
  const dicts = [text, ...(text.includes('/ObjStm') ? objectStreamObjects(text, bytes).values() : [])]
  let pageCount = 0
  for (const chunk of dicts) {
    const re = /\/Type\s*\/Pages\b[^]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/gu
    for (let m = re.exec(chunk); m !== null; m = re.exec(chunk)) pageCount = Math.max(pageCount, Number(m[1] ?? m[2] ?? 0))
  }
  if (pageCount === 0) throw new FileError('file/damaged', `${path}: the page count cannot be read without the PDF renderer`)
  return { pageCount, encrypted: /\/Encrypt\s+\d+\s+\d+\s+R/u.test(text) }
}
