/**
 * The local conversion engine: PDF pages → images with pdf.js + @napi-rs/canvas + sharp, offline,
 * off the main thread (issue 4 §1). Same events, naming and output rules as the PDF.co engine
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
 *    `page-written`. pdf.js warnings of a page arrive as `warning` events with its page number.
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
import { mkdir, open, readFile, stat, writeFile, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { AppError, CancelledError, FileError, InputError, toErrorDto } from '../../errors.ts'
import { PageSequencer } from '../page-sequencer.ts'
import { resolveRequestPages } from '../request-pages.ts'
import type {
  ConversionEngine,
  ConversionEvent,
  ConversionOutcome,
  ConversionRequest,
  ConversionStage,
  ConvertOptions,
  WrittenFile,
} from '../types.ts'
import { commitTempFile, removeQuietly, tempFileName, writeError } from '../../files/atomic-write.ts'
import { multiPageFileName, outputFileName } from '../../files/output-names.ts'
import { TiffFileWriter } from '../../render/tiff.ts'
import type { EncodeSettings } from './encode.ts'
import { resolveLocalOptions, type LocalConversionRequest, type LocalRenderOptions, type ResolvedLocalOptions } from './options.ts'
import { DEFAULT_MAX_PAGE_PIXELS, limitsForFormat, MAX_CANVAS_SIDE_PX, oversizeWarning, planPage, type PagePlan, type PixelLimits } from './page-plan.ts'
import { checkOfflineEngine } from './startup-check.ts'
import { PixelBudget } from './pixel-budget.ts'
import type { WorkerCalls, WorkerCallType } from './protocol.ts'
import { RenderWorkerPool, resolveRenderWorkerEntry, type WorkerLease } from './worker-pool.ts'

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
   * thumbnails (issue 4 §3). The worker keeps the PDF open, so consecutive pages of one file
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
  })
  const startup = checkOfflineEngine()
  const limits: PixelLimits = {
    maxPagePixels: Math.max(1, options.maxPagePixels ?? DEFAULT_MAX_PAGE_PIXELS),
    maxSidePx: MAX_CANVAS_SIDE_PX,
  }
  const budget = new PixelBudget(options.pixelBudget ?? limits.maxPagePixels)
  const pageTimeoutMs = options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS
  const now = options.now ?? Date.now

  async function convert(request: LocalConversionRequest, convertOptions: ConvertOptions = {}): Promise<ConversionOutcome> {
    const startedMs = now()
    const emit = (event: ConversionEvent): void => {
      try {
        convertOptions.onEvent?.(event)
      } catch {
        // A listener's bug must not break the conversion.
      }
    }
    const stage = (s: ConversionStage): void => emit({ type: 'stage', stage: s, atMs: now() })

    const controller = new AbortController()
    const outer = convertOptions.signal
    const onOuterAbort = (): void => controller.abort()
    if (outer?.aborted) controller.abort()
    outer?.addEventListener('abort', onOuterAbort, { once: true })
    const signal = controller.signal

    const temps = new Set<string>()
    const leases = new Set<WorkerLease>()
    let tiffHandle: FileHandle | undefined
    let firstFailure: unknown
    const failAll = (err: unknown): void => {
      firstFailure ??= err
      controller.abort()
    }

    const call = <K extends WorkerCallType>(
      lease: WorkerLease,
      type: K,
      payload: WorkerCalls[K]['request'],
      timeout?: CallTimeout,
    ): Promise<WorkerCalls[K]['reply']> => callWorker(lease, type, payload, signal, () => leases.delete(lease), timeout)

    const acquire = async (priority: 'first' | 'extra', until: AbortSignal = signal): Promise<WorkerLease> => {
      const lease = await pool.acquire(priority, until)
      leases.add(lease)
      return lease
    }
    // The worker keeps the PDF open for the next conversion or page image of the same file.
    const giveBack = async (lease: WorkerLease): Promise<void> => {
      if (!leases.delete(lease)) return
      lease.release()
    }

    try {
      if (signal.aborted) throw new CancelledError()
      stage('inspecting')
      const settings = resolveLocalOptions(request.format, options.defaults, request.local)
      if (startup.fatal !== undefined) throw new AppError('internal', startup.fatal)
      if (startup.warning !== undefined) emit({ type: 'warning', message: startup.warning })
      const openPayload: WorkerCalls['open']['request'] = {
        sourcePath: request.sourcePath,
        ...(request.password === undefined || request.password === '' ? {} : { password: request.password }),
      }
      const fileLimits = limitsForFormat(limits, settings.multiPageTiff ? 'tiff' : settings.format)
      // Start the other workers now: their start-up overlaps opening and measuring the PDF.
      pool.prestart(pool.size)
      const firstLease = await acquire('first')
      const opened = await call(firstLease, 'open', openPayload)
      for (const message of opened.warnings) emit({ type: 'warning', message })
      const pages = resolveRequestPages(request, opened.pageCount)
      const measured = await call(firstLease, 'measure', { pages })
      const plans = measured.geometries.map((g) => planPage(g, settings.resolution, fileLimits))
      emit({ type: 'inspected', pageCount: opened.pageCount, pagesTotal: pages.length })
      for (const message of measured.warnings) emit({ type: 'warning', message })
      for (const plan of plans) {
        const message = oversizeWarning(plan, fileLimits)
        if (message !== undefined) emit({ type: 'warning', page: plan.page, message })
      }
      await mkdir(request.outputDir, { recursive: true }).catch((err: unknown) => {
        throw writeError(err, request.outputDir)
      })

      stage('converting')
      const outputDir = request.outputDir
      const overwrite = request.overwrite === true
      const multiTiff = settings.multiPageTiff
      const files: WrittenFile[] = []
      let pagesDone = 0

      // Multi-page TIFF: one temp file that pages are appended to, in order.
      const tiffName = multiTiff ? multiPageFileName(request.sourcePath, pages, opened.pageCount, 'tiff') : ''
      let tiffWriter: TiffFileWriter | undefined
      let tiffTemp = ''
      if (multiTiff) {
        tiffTemp = path.join(outputDir, tempFileName(tiffName))
        temps.add(tiffTemp)
        tiffHandle = await open(tiffTemp, 'wx').catch((err: unknown) => {
          throw writeError(err, tiffTemp)
        })
        tiffWriter = new TiffFileWriter(tiffHandle)
      }

      const sequencer = new PageSequencer<WrittenFile | number>({
        order: pages,
        commit: async (page, tempPath) => {
          if (tiffWriter !== undefined) {
            const bytes = await readFile(tempPath)
            await tiffWriter.addPage(bytes).catch((err: unknown) => {
              throw writeError(err, tiffTemp)
            })
            temps.delete(tempPath)
            await removeQuietly(tempPath)
            return page
          }
          const name = outputFileName(request.sourcePath, page, opened.pageCount, request.format)
          const { size } = await stat(tempPath)
          const finalPath = await commitTempFile(tempPath, outputDir, name, { overwrite })
          temps.delete(tempPath)
          return { page, path: finalPath, sizeBytes: size }
        },
        onCommitted: (value) => {
          if (typeof value === 'number') return
          files.push(value)
          pagesDone++
          emit({ type: 'page-written', page: value.page, path: value.path, sizeBytes: value.sizeBytes, pagesDone, pagesTotal: pages.length })
        },
        onFailure: failAll,
      })

      const queue: PagePlan[] = [...plans]
      // Aborted once the last page is taken: lanes still waiting for a worker stop waiting.
      const allTaken = new AbortController()
      const untilAllTaken = AbortSignal.any([signal, allTaken.signal])
      const encodeFor = (plan: PagePlan): EncodeSettings => encodeSettings(settings, plan.dpi)
      const renderOne = async (lease: WorkerLease, plan: PagePlan): Promise<void> => {
        const pixels = plan.widthPx * plan.heightPx
        await budget.acquire(pixels, signal)
        let result: WorkerCalls['render']['reply']
        try {
          result = await call(lease, 'render', { plan, encode: encodeFor(plan) }, {
            ms: pageTimeoutMs,
            error: () =>
              new FileError('file/damaged', `Page ${plan.page} was still rendering after ${Math.round(pageTimeoutMs / 1000)} s; stopped`),
          })
        } finally {
          budget.release(pixels)
        }
        for (const w of result.warnings) emit({ type: 'warning', page: plan.page, message: w.message, ...(w.details === undefined ? {} : { details: w.details }) })
        const name = multiTiff
          ? outputFileName(request.sourcePath, plan.page, opened.pageCount, 'tiff')
          : outputFileName(request.sourcePath, plan.page, opened.pageCount, request.format)
        const temp = path.join(outputDir, tempFileName(name))
        temps.add(temp)
        await writeFile(temp, result.data, { flag: 'wx' }).catch((err: unknown) => {
          throw writeError(err, temp)
        })
        sequencer.add(plan.page, temp)
      }

      /** Renders pages from the shared list until it is empty; extra lanes yield to waiting conversions. */
      const runLane = async (initial: WorkerLease | undefined, priority: 'first' | 'extra'): Promise<void> => {
        let lease = initial
        let isOpen = initial !== undefined
        try {
          while (queue.length > 0 && !signal.aborted) {
            if (lease !== undefined && priority === 'extra' && pool.hasFirstWaiters) {
              await giveBack(lease)
              lease = undefined
            }
            if (lease === undefined) {
              try {
                lease = await acquire(priority, untilAllTaken)
              } catch (err) {
                if (allTaken.signal.aborted && !signal.aborted) break
                throw err
              }
              isOpen = false
              if (queue.length === 0) break
            }
            if (!isOpen) {
              await call(lease, 'open', openPayload)
              isOpen = true
            }
            const plan = queue.shift()
            if (plan === undefined) break
            if (queue.length === 0) allTaken.abort()
            await renderOne(lease, plan)
          }
        } catch (err) {
          failAll(err)
          throw err
        } finally {
          if (lease !== undefined) await giveBack(lease)
        }
      }

      const lanes = [runLane(firstLease, 'first')]
      for (let i = 1; i < Math.min(pool.size, plans.length); i++) lanes.push(runLane(undefined, 'extra'))
      const settled = await Promise.allSettled(lanes)
      await sequencer.settled().catch((err: unknown) => failAll(err))
      if (firstFailure === undefined) {
        const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
        if (rejected !== undefined) firstFailure = rejected.reason
      }
      if (firstFailure !== undefined) throw outer?.aborted ? new CancelledError() : firstFailure
      if (outer?.aborted) throw new CancelledError()
      if (!sequencer.isComplete) throw new AppError('internal', 'Some pages were never rendered')

      if (tiffWriter !== undefined && tiffHandle !== undefined) {
        await tiffWriter.finish().catch((err: unknown) => {
          throw writeError(err, tiffTemp)
        })
        await tiffHandle.close()
        tiffHandle = undefined
        const { size } = await stat(tiffTemp)
        const finalPath = await commitTempFile(tiffTemp, outputDir, tiffName, { overwrite })
        temps.delete(tiffTemp)
        const first = pages[0] ?? 1
        files.push({ page: first, path: finalPath, sizeBytes: size, pageCount: pages.length })
        pagesDone = pages.length
        emit({ type: 'page-written', page: first, path: finalPath, sizeBytes: size, pagesDone, pagesTotal: pages.length })
      }

      stage('done')
      return { engine: 'local', sourcePath: request.sourcePath, pageCount: opened.pageCount, files, elapsedMs: now() - startedMs }
    } catch (err) {
      controller.abort()
      await Promise.all([...leases].map((lease) => giveBack(lease)))
      await tiffHandle?.close().catch(() => undefined)
      await Promise.all([...temps].map((t) => removeQuietly(t)))
      const cancelled = outer?.aborted === true || err instanceof CancelledError
      const error = cancelled ? new CancelledError() : err
      stage(cancelled ? 'cancelled' : 'failed')
      emit({ type: 'failed', error: toErrorDto(error) })
      throw error instanceof Error ? error : new Error(String(error))
    } finally {
      outer?.removeEventListener('abort', onOuterAbort)
    }
  }

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

  return { kind: 'local', problem: startup.fatal ?? startup.warning, convert, renderPageImage, close: () => pool.close() }
}

/** A page-render deadline and the error to fail with. */
interface CallTimeout {
  readonly ms: number
  readonly error: () => AppError
}

/**
 * One worker call that ends early on abort (CancelledError) or timeout (the given error): the
 * worker is then terminated (`lease.discard()`, after `onDiscard`), since it may be stuck.
 */
function callWorker<K extends WorkerCallType>(
  lease: WorkerLease,
  type: K,
  payload: WorkerCalls[K]['request'],
  signal: AbortSignal | undefined,
  onDiscard: () => void,
  timeout?: CallTimeout,
): Promise<WorkerCalls[K]['reply']> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new CancelledError())
      return
    }
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const finish = (): boolean => {
      if (settled) return false
      settled = true
      signal?.removeEventListener('abort', onAbort)
      clearTimeout(timer)
      return true
    }
    const stop = (err: AppError): void => {
      if (!finish()) return
      onDiscard()
      void lease.discard()
      reject(err)
    }
    const onAbort = (): void => stop(new CancelledError())
    signal?.addEventListener('abort', onAbort, { once: true })
    if (timeout !== undefined && timeout.ms > 0) timer = setTimeout(() => stop(timeout.error()), timeout.ms)
    lease.worker.call(type, payload).then(
      (value) => {
        if (finish()) resolve(value)
      },
      (err: unknown) => {
        if (finish()) reject(err)
      },
    )
  })
}

/** Encoder settings of one page. */
function encodeSettings(settings: ResolvedLocalOptions, dpi: number): EncodeSettings {
  return {
    format: settings.multiPageTiff ? 'tiff' : settings.format,
    color: settings.color,
    background: settings.background,
    quality: settings.quality,
    dpi,
  }
}
