/**
 * The local conversion engine: PDF pages → images with PDFium (WebAssembly, `render/pdfium-*.ts`)
 * and sharp, offline, in worker threads (`render-worker.ts`; the run itself is `conversion.ts`). Same events, naming and output rules as the PDF.co engine
 * (`engines/pdfco/engine.ts`), so the CLI, the queue and the GUI treat both alike.
 *
 * Pipeline of one PDF:
 * 1. `stage: inspecting`: options are validated (InputError 'input/invalid' before anything
 *    opens); a worker opens the PDF (FileError 'file/not-pdf' | 'file/password-required' |
 *    'file/wrong-password' | 'file/damaged' …, as `inspectPdf`), the page selection is resolved
 *    (InputError 'input/page-range'), and every selected page's size is measured and planned
 *    (`page-plan.ts`): a page over the pixel limit is rendered at a lower, stated DPI and a
 *    `warning` names it. Then `inspected`.
 * 2. `stage: converting`: up to `workers` threads each open the PDF once and take the next page
 *    from a shared list, one page at a time (a pixel budget keeps huge pages from running side by
 *    side). Each encoded page is written by this thread to a temp file in the output folder and
 *    published in page order (`engines/page-sequencer.ts`) under `<name>-<page>.<ext>` with
 *    the ` (2)` collision rule (`files/output-names.ts`, `files/atomic-write.ts`); then
 *    `page-written`. Warnings of a page (a substituted font; grouped technical messages of the
 *    renderer under `details`) arrive as `warning` events with its page number; warnings about the
 *    whole file (an XFA form, missing fallback fonts) without one.
 *    Multi-page TIFF (`multiPageTiff`): pages are appended in order to one temp TIFF
 *    (`render/tiff.ts` `TiffFileWriter`), published at the end as `<name>.tif` (PDF.co's name).
 * 3. `stage: done`, or on failure `stage: failed` + `failed`; on abort `stage: cancelled` +
 *    `failed` (code 'cancelled'). The workers of a cancelled or failed conversion are terminated,
 *    its temp files removed; pages already published stay (complete files).
 *
 * Bad files never affect other conversions: each runs on its own workers, a worker that crashes
 * is replaced, and every error is caught per conversion.
 *
 * `renderPageImage` renders one page at an exact width on the same workers (page-picker
 * thumbnails). Workers keep the last PDF open, so repeated work on one file skips re-parsing it.
 */
import { availableParallelism } from 'node:os'
import { AppError, FileError, InputError } from '../../errors.ts'
import type { ConversionEngine, ConversionOutcome, ConversionRequest, ConvertOptions } from '../types.ts'
import { callWorker, LocalConversion, type ConversionDeps } from './conversion.ts'
import type { LocalConversionRequest, LocalRenderOptions } from './options.ts'
import { DEFAULT_MAX_PAGE_PIXELS, limitsForFormat, MAX_CANVAS_SIDE_PX, planPage, type PixelLimits } from './page-plan.ts'
import { PixelBudget } from './pixel-budget.ts'
import type { WorkerCalls, WorkerCallType } from './protocol.ts'
import { lendRenderPool } from '../../render/inspect.ts'
import { checkOfflineEngine } from './startup-check.ts'
import { RenderWorkerPool, resolveRenderWorkerEntry } from './worker-pool.ts'

export type { LocalConversionRequest, LocalRenderOptions } from './options.ts'

/** Options of {@link createLocalEngine}. */
export interface LocalEngineOptions {
  /** Render threads. Default and maximum: the number of CPUs (a larger value is lowered to it). */
  readonly workers?: number | undefined
  /** WASM memory cap of each worker's PDFium in bytes; a page needing more fails its file. Default 512 MiB. */
  readonly maxWorkerMemoryBytes?: number | undefined
  /** Process RSS past which the longest-busy worker is stopped (backstop). Default 2 GiB; 0 = off. */
  readonly maxProcessRssBytes?: number | undefined
  /** Render options used when a request's `local` does not set them (e.g. the app's settings). */
  readonly defaults?: LocalRenderOptions | undefined
  /** Most pixels of one page; larger pages are rendered at a lower DPI with a warning. Default 40 MP. */
  readonly maxPagePixels?: number | undefined
  /** Most pixels rendered at once across all workers. Default: `maxPagePixels`. */
  readonly pixelBudget?: number | undefined
  /** A page still rendering after this long fails the conversion ('file/damaged'). Default 120 s; 0 = never. */
  readonly pageTimeoutMs?: number | undefined
  /** Idle workers end after this long. Default 30 s; 0 = keep until `close()`. */
  readonly idleTimeoutMs?: number | undefined
  /** Worker script override (path or URL); see `worker-pool.ts` `resolveRenderWorkerEntry`. */
  readonly workerEntry?: string | URL | undefined
  readonly now?: (() => number) | undefined
}

/** One page as an image, e.g. a page-picker thumbnail ({@link LocalEngine.renderPageImage}). */
export interface PageImageRequest {
  readonly sourcePath: string
  readonly password?: string | undefined
  /** 1-based page number. */
  readonly page: number
  /** Exact width of the image in pixels (1-4096); the height follows the page. */
  readonly widthPx: number
  /** Default 'png'. */
  readonly format?: 'png' | 'jpg' | 'webp' | undefined
}

/** An encoded page image. */
export interface PageImage {
  readonly data: Buffer
  readonly widthPx: number
  readonly heightPx: number
  /** Plain-words warnings raised while drawing the page. */
  readonly warnings: readonly string[]
}

/** Widest page image {@link LocalEngine.renderPageImage} makes. */
export const MAX_PAGE_IMAGE_WIDTH_PX = 4096

/** The local engine: a {@link ConversionEngine} of kind 'local' that owns worker threads. */
export interface LocalEngine extends ConversionEngine {
  readonly kind: 'local'
  /**
   * A plain-words problem found at creation (PDFium's WASM or the fallback fonts missing), or
   * undefined when the engine is complete. Without the WASM every conversion fails with it.
   */
  readonly problem: string | undefined
  /**
   * Converts one PDF; the request may carry `local` render options ({@link LocalConversionRequest}).
   * See the module comment for events and errors.
   */
  convert(request: ConversionRequest | LocalConversionRequest, options?: ConvertOptions): Promise<ConversionOutcome>
  /**
   * Renders one page to an image of an exact width on a render worker, for page-picker
   * thumbnails. The worker keeps the PDF open, so consecutive pages of one file
   * are cheap. Waits for a free worker like a conversion does (fair with running conversions).
   *
   * @throws InputError 'input/invalid' (width), 'input/page-range' (no such page); FileError
   *   file/* as `convert`; CancelledError when `signal` aborts.
   */
  renderPageImage(request: PageImageRequest, signal?: AbortSignal): Promise<PageImage>
  /** Terminates the workers; later calls fail with AppError 'internal'. Idempotent. */
  close(): Promise<void>
}

const DEFAULT_PAGE_TIMEOUT_MS = 120_000
const DEFAULT_MAX_PROCESS_RSS_BYTES = 2 * 1024 * 1024 * 1024

/**
 * Creates the local engine (see the module comment). Workers start on first use.
 *
 * `convert` throws AppErrors: InputError 'input/invalid' (options), 'input/page-range'; FileError
 * file/* (source PDF, output folder); AppError 'internal' (a worker crashed); CancelledError.
 * Before throwing it emits `stage: failed|cancelled` and `failed`.
 */
export function createLocalEngine(options: LocalEngineOptions = {}): LocalEngine {
  const cpus = Math.max(1, availableParallelism())
  const workers = Math.min(cpus, Math.max(1, Math.floor(options.workers ?? cpus)))
  const pool = new RenderWorkerPool({
    size: workers,
    entry: resolveRenderWorkerEntry(options.workerEntry),
    idleTimeoutMs: options.idleTimeoutMs,
    maxWorkerMemoryBytes: options.maxWorkerMemoryBytes,
    maxProcessRssBytes: options.maxProcessRssBytes ?? DEFAULT_MAX_PROCESS_RSS_BYTES,
    preloadEncoder: true,
  })
  const startup = checkOfflineEngine()
  // Page counts of files being added are read on these workers too (see `render/inspect.ts`).
  const returnPool = lendRenderPool(pool)
  const limits: PixelLimits = {
    maxPagePixels: Math.max(1, options.maxPagePixels ?? DEFAULT_MAX_PAGE_PIXELS),
    maxSidePx: MAX_CANVAS_SIDE_PX,
  }
  const budget = new PixelBudget(options.pixelBudget ?? limits.maxPagePixels)
  const pageTimeoutMs = options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS
  const now = options.now ?? Date.now

  const deps: ConversionDeps = { pool, budget, limits, pageTimeoutMs, now, defaults: options.defaults, startup }
  const convert = (request: LocalConversionRequest, convertOptions: ConvertOptions = {}): Promise<ConversionOutcome> =>
    new LocalConversion(deps, request, convertOptions).run()

  async function renderPageImage(request: PageImageRequest, signal?: AbortSignal): Promise<PageImage> {
    const { page, widthPx } = request
    if (!Number.isInteger(widthPx) || widthPx < 1 || widthPx > MAX_PAGE_IMAGE_WIDTH_PX) {
      throw new InputError('input/invalid', `Image width must be a whole number of pixels from 1 to ${MAX_PAGE_IMAGE_WIDTH_PX} (got ${widthPx})`)
    }
    if (!Number.isInteger(page) || page < 1) throw new InputError('input/page-range', `${page} is not a page number: pages are counted from 1`)
    const lease = await pool.acquire('first', signal)
    let discarded = false
    const call = <K extends WorkerCallType>(type: K, payload: WorkerCalls[K]['request']): Promise<WorkerCalls[K]['reply']> =>
      callWorker(lease, type, payload, signal, () => (discarded = true), {
        ms: pageTimeoutMs,
        error: () => new FileError('file/damaged', `Page ${page} was still rendering after ${Math.round(pageTimeoutMs / 1000)} s; stopped`),
      })
    try {
      if (startup.fatal !== undefined) throw new AppError('internal', startup.fatal)
      const opened = await call('open', {
        sourcePath: request.sourcePath,
        ...(request.password === undefined || request.password === '' ? {} : { password: request.password }),
      })
      if (page > opened.pageCount) {
        throw new InputError('input/page-range', `Page ${page} is past the end: this PDF has ${opened.pageCount} page${opened.pageCount === 1 ? '' : 's'}`)
      }
      const { geometries } = await call('measure', { pages: [page] })
      const geometry = geometries[0]
      if (geometry === undefined) throw new AppError('internal', `Page ${page} was not measured`)
      const format = request.format ?? 'png'
      const plan = planPage(geometry, { kind: 'width', widthPx }, limitsForFormat(limits, format))
      const pixels = plan.widthPx * plan.heightPx
      await budget.acquire(pixels, signal)
      try {
        const result = await call('render', { plan, encode: { format, color: 'color', background: 'white', quality: 80, dpi: plan.dpi } })
        return { data: Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength), widthPx: plan.widthPx, heightPx: plan.heightPx, warnings: result.warnings.map((w) => w.message) }
      } finally {
        budget.release(pixels)
      }
    } finally {
      if (!discarded) lease.release()
    }
  }

  const close = async (): Promise<void> => {
    returnPool()
    await pool.close()
  }
  return { kind: 'local', problem: startup.fatal ?? startup.warning, convert, renderPageImage, close }
}
