/**
 * Local PDF inspection: page count, encryption and displayed page sizes, read with PDFium before
 * anything is uploaded or converted. Never renders.
 *
 * Runs on a render worker thread (the same worker script as the local engine), never on the
 * calling thread: a hostile PDF cannot block or crash the main process, and nothing here depends on
 * a native module (the WASM build of PDFium only). A local engine lends its worker pool
 * ({@link lendRenderPool}), so that inspecting a file warms the worker that will draw its page
 * thumbnails (with the PDF already open); without one, a private one-worker pool is kept for a
 * short while ({@link INSPECT_IDLE_MS}) so that adding many files in a row does not start a
 * thread for each.
 *
 * When PDFium's WASM is missing (a broken install), the page count is read from the file's text
 * instead (`page-count-scan.ts`), so that the PDF.co engine keeps working.
 */
import { CancelledError } from '../errors.ts'
import { RenderWorkerPool, resolveRenderWorkerEntry, type WorkerLease } from '../engines/local/worker-pool.ts'
import { checkOfflineEngine } from '../engines/local/startup-check.ts'
import { scanPageCount } from './page-count-scan.ts'
import { checkPdfHeader } from './pdf-header.ts'

export { checkPdfHeader } from './pdf-header.ts'

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

/** An idle inspection worker ends after this long, in ms. */
export const INSPECT_IDLE_MS = 10_000

let pool: RenderWorkerPool | undefined
const lent: RenderWorkerPool[] = []

/**
 * Lets inspections run on `shared` (a local engine's pool; the most recently lent one wins) until
 * the returned function is called.
 */
export function lendRenderPool(shared: RenderWorkerPool): () => void {
  lent.push(shared)
  return () => {
    const at = lent.lastIndexOf(shared)
    if (at >= 0) lent.splice(at, 1)
  }
}

function inspectPool(): RenderWorkerPool {
  const shared = lent.at(-1)
  if (shared !== undefined) return shared
  pool ??= new RenderWorkerPool({ size: 1, entry: resolveRenderWorkerEntry(), idleTimeoutMs: INSPECT_IDLE_MS })
  return pool
}

/**
 * Reads a PDF locally with PDFium on a worker thread: page count, encryption flag and page sizes.
 *
 * @throws FileError 'file/not-found', 'file/not-pdf' (no `%PDF-` header within the first 1024
 *   bytes), 'file/unreadable', 'file/password-required' (needs a password, none given),
 *   'file/wrong-password', 'file/damaged' (PDFium cannot open it); AppError 'internal' when the
 *   PDF renderer cannot start; CancelledError on abort.
 */
export async function inspectPdf(
  path: string,
  options?: { password?: string; maxPages?: number /* default all */; signal?: AbortSignal },
): Promise<PdfInfo> {
  const signal = options?.signal
  throwIfAborted(signal)
  await checkPdfHeader(path)
  throwIfAborted(signal)
  if (checkOfflineEngine().fatal !== undefined) return { ...(await scanPageCount(path)), pages: [] }
  const lease = await inspectPool().acquire('first', signal)
  let done = false
  const onAbort = (): void => {
    if (done) return
    done = true
    void lease.discard()
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const info = await inspectOn(lease, path, options?.password, options?.maxPages)
    throwIfAborted(signal)
    return info
  } catch (err) {
    throwIfAborted(signal)
    throw err
  } finally {
    signal?.removeEventListener('abort', onAbort)
    // The worker keeps the PDF open: the page picker's thumbnails of this file come next.
    if (!done) {
      done = true
      lease.release()
    }
  }
}

async function inspectOn(lease: WorkerLease, path: string, password: string | undefined, maxPages: number | undefined): Promise<PdfInfo> {
  const opened = await lease.worker.call('open', { sourcePath: path, ...(password === undefined || password === '' ? {} : { password }) })
  const { pages } = await lease.worker.call('inspect', { maxPages: Math.min(opened.pageCount, maxPages ?? opened.pageCount) })
  return { pageCount: opened.pageCount, encrypted: opened.encrypted, pages }
}

/** Ends the inspection worker (tests, app shutdown). Later calls start a new one. */
export async function closeInspector(): Promise<void> {
  const current = pool
  pool = undefined
  await current?.close()
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError()
}
