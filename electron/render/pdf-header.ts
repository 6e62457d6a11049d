/**
 * The cheap checks before a PDF is parsed: the file exists, is readable and starts like a PDF.
 */
import { open } from 'node:fs/promises'
import { FileError } from '../errors.ts'

/** How many leading bytes may precede `%PDF-` (PDF 32000-1 §7.5.2; readers accept up to 1024). */
const HEADER_SEARCH_BYTES = 1024

/**
 * Throws 'file/not-found' / 'file/unreadable' / 'file/not-pdf' unless the file starts (within
 * 1024 bytes) with `%PDF-`.
 */
export async function checkPdfHeader(path: string): Promise<void> {
  let handle: import('node:fs/promises').FileHandle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    throw mapFsError(err, path)
  }
  try {
    const head = Buffer.alloc(HEADER_SEARCH_BYTES + 5)
    const { bytesRead } = await handle.read(head, 0, head.length, 0).catch((err: unknown) => {
      throw mapFsError(err, path)
    })
    if (bytesRead === 0) throw new FileError('file/not-pdf', `${path} is empty (0 bytes), not a PDF`)
    if (head.subarray(0, bytesRead).indexOf('%PDF-', 0, 'latin1') < 0) {
      throw new FileError('file/not-pdf', `${path} is not a PDF (no %PDF- header)`)
    }
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/** Maps a file-system error to FileError 'file/not-found' or 'file/unreadable'. */
export function mapFsError(err: unknown, path: string): FileError {
  const code = (err as { code?: unknown })?.code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileError('file/not-found', `File not found: ${path}`, { cause: err })
  return new FileError('file/unreadable', `Cannot read ${path}: ${errorMessage(err)}`, { cause: err })
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
