/**
 * Local PDF inspection: page count, encryption and displayed page sizes, read with pdf.js before
 * anything is uploaded (issue 2 §4). Never renders.
 */
import { open } from 'node:fs/promises'
import { CancelledError, FileError } from '../errors.ts'
import { collectPdfjsWarnings, openPdfjsDocument, type OpenedPdfjs } from './pdfjs.ts'

/** One page's displayed geometry. */
export interface PdfPageInfo {
  /** 1-based page number. */
  readonly page: number
  /** Width in points of the CropBox after /Rotate and /UserUnit, i.e. the displayed size. */
  readonly widthPt: number
  /** Height in points of the CropBox after /Rotate and /UserUnit, i.e. the displayed size. */
  readonly heightPt: number
  /** The page's /Rotate, normalised to 0, 90, 180 or 270. */
  readonly rotate: number
}

/** What {@link inspectPdf} learns about a PDF. */
export interface PdfInfo {
  readonly pageCount: number
  /** True when the trailer has an /Encrypt dictionary (even if it opens without a password). */
  readonly encrypted: boolean
  /** Page geometry in page order; may be limited to the first `maxPages`. */
  readonly pages: readonly PdfPageInfo[]
}

/** How many leading bytes may precede `%PDF-` (PDF 32000-1 §7.5.2; readers accept up to 1024). */
const HEADER_SEARCH_BYTES = 1024

/**
 * Reads a PDF locally with pdf.js: page count, encryption flag and page sizes.
 *
 * The file is read lazily for big PDFs (see `openPdfjsDocument`); the pdf.js document is always
 * destroyed before returning.
 *
 * @throws FileError 'file/not-found', 'file/not-pdf' (no `%PDF-` header within the first 1024
 *   bytes), 'file/unreadable', 'file/password-required' (needs a password, none given),
 *   'file/wrong-password', 'file/damaged' (pdf.js cannot open it); CancelledError on abort.
 */
export async function inspectPdf(
  path: string,
  options?: { password?: string; maxPages?: number /* default all */; signal?: AbortSignal },
): Promise<PdfInfo> {
  const signal = options?.signal
  throwIfAborted(signal)
  await checkPdfHeader(path)
  throwIfAborted(signal)

  let opened: OpenedPdfjs | undefined
  const onAbort = (): void => void opened?.close()
  signal?.addEventListener('abort', onAbort, { once: true })
  // pdf.js' recoverable-problem warnings are not this function's output: keep them off stderr.
  const warnings = collectPdfjsWarnings()
  try {
    try {
      opened = await openPdfjsDocument(path, options?.password === undefined ? {} : { password: options.password })
    } catch (err) {
      throwIfAborted(signal)
      throw mapPdfjsOpenError(err, path, (options?.password ?? '') !== '')
    }
    throwIfAborted(signal)
    const { doc } = opened
    const pageCount = doc.numPages
    let encrypted = false
    try {
      const meta = await doc.getMetadata()
      encrypted = typeof (meta.info as { EncryptFilterName?: unknown }).EncryptFilterName === 'string'
    } catch {
      // Metadata is optional; a PDF that needed a password is encrypted anyway.
      encrypted = (options?.password ?? '') !== ''
    }
    const limit = Math.min(pageCount, options?.maxPages ?? pageCount)
    const pages: PdfPageInfo[] = []
    for (let n = 1; n <= limit; n++) {
      throwIfAborted(signal)
      try {
        const page = await doc.getPage(n)
        const viewport = page.getViewport({ scale: 1 })
        pages.push({ page: n, widthPt: viewport.width, heightPt: viewport.height, rotate: normaliseRotate(page.rotate) })
        page.cleanup()
      } catch (err) {
        throwIfAborted(signal)
        throw new FileError('file/damaged', `Page ${n} of ${path} cannot be read: ${errorMessage(err)}`, { cause: err })
      }
    }
    return { pageCount, encrypted, pages }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    await opened?.close()
    warnings.stop()
  }
}

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

/**
 * Maps an error thrown while pdf.js opens a document to a FileError (see {@link inspectPdf}).
 *
 * pdf.js signals passwords with `name === 'PasswordException'` and `code` 1 (needed) / 2 (wrong).
 */
export function mapPdfjsOpenError(err: unknown, path: string, passwordGiven: boolean): FileError {
  if (err instanceof FileError) return err
  const e = err as { name?: unknown; code?: unknown }
  if (e?.name === 'PasswordException') {
    if (e.code === 2 || (e.code === 1 && passwordGiven)) {
      return new FileError('file/wrong-password', `Wrong password for ${path}`, { cause: err })
    }
    return new FileError('file/password-required', `${path} is password-protected: a password is needed`, { cause: err })
  }
  if (typeof e?.code === 'string') return mapFsError(err, path)
  return new FileError('file/damaged', `${path} is damaged and cannot be opened: ${errorMessage(err)}`, { cause: err })
}

function mapFsError(err: unknown, path: string): FileError {
  const code = (err as { code?: unknown })?.code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileError('file/not-found', `File not found: ${path}`, { cause: err })
  return new FileError('file/unreadable', `Cannot read ${path}: ${errorMessage(err)}`, { cause: err })
}

function normaliseRotate(rotate: number): number {
  return (((Math.round(rotate / 90) * 90) % 360) + 360) % 360
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError()
}
