/**
 * Facts about a file on disk that several modules need: whether it looks like a PDF (by content,
 * not by name) and its SHA-256. Node-only (reads the file system); pure rules live in shared/.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'

/**
 * How many bytes may precede `%PDF-`: PDF 32000-1 §7.5.2 puts the header first, but readers
 * accept up to 1024 bytes of leading garbage, and so do we.
 */
export const PDF_HEADER_SEARCH_BYTES = 1024

const MAGIC = '%PDF-'

/** True when `%PDF-` starts within the first {@link PDF_HEADER_SEARCH_BYTES} bytes of `bytes`. */
export function hasPdfMagic(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PDF_HEADER_SEARCH_BYTES + MAGIC.length))
  return head.indexOf(MAGIC, 0, 'latin1') >= 0
}

/**
 * Reads the head of a file and tells whether it is a PDF by content ({@link hasPdfMagic}).
 *
 * @throws the file system's error (ENOENT, EACCES, EISDIR…) when the file cannot be opened or read.
 */
export async function fileHasPdfMagic(filePath: string): Promise<boolean> {
  const handle = await open(filePath, 'r')
  try {
    const head = Buffer.alloc(PDF_HEADER_SEARCH_BYTES + MAGIC.length)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return hasPdfMagic(head.subarray(0, bytesRead))
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/**
 * Hex SHA-256 of a file, streamed (constant memory whatever the size).
 *
 * @throws the file system's error when the file cannot be read.
 */
export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
