/**
 * One conversion of the local engine (see `local-engine.ts` for the pipeline and its events):
 * inspect (options, open, measure, plan), render pages on up to `pool.size` workers in parallel
 * lanes, publish them in page order, and clean up on failure or cancel.
 */
import { open, readFile, stat, writeFile, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { AppError, CancelledError, FileError, toErrorDto } from '../../errors.ts'
import { commitTempFile, removeQuietly, tempFileName, writeError } from '../../files/atomic-write.ts'
import { multiPageFileName, outputFileName } from '../../files/output-names.ts'
import { TiffFileWriter } from '../../render/tiff.ts'
import { PageSequencer } from '../page-sequencer.ts'
import { resolveRequestPages } from '../request-pages.ts'
import type { ConversionEvent, ConversionOutcome, ConversionStage, ConvertOptions, PageThumbnail, WrittenFile } from '../types.ts'
import type { EncodeSettings } from './encode.ts'
import { resolveLocalOptions, type LocalConversionRequest, type LocalRenderOptions, type ResolvedLocalOptions } from './options.ts'
import { limitsForFormat, oversizeWarning, planPage, type PagePlan, type PixelLimits } from './page-plan.ts'
import type { PixelBudget } from './pixel-budget.ts'
import type { WorkerCalls, WorkerCallType } from './protocol.ts'
import type { OfflineEngineCheck } from './startup-check.ts'
import type { RenderWorkerPool, WorkerLease } from './worker-pool.ts'
import { createOutputFolder } from '../../files/output-folder.ts'

/** What a conversion shares with its engine. */
export interface ConversionDeps {
  readonly pool: RenderWorkerPool
  readonly budget: PixelBudget
  readonly limits: PixelLimits
  readonly pageTimeoutMs: number
  readonly now: () => number
  readonly defaults: LocalRenderOptions | undefined
  readonly startup: OfflineEngineCheck
}

/** A page-render deadline and the error to fail with. */
export interface CallTimeout {
  readonly ms: number
  readonly error: () => AppError
}

/** What inspection learnt, for the rendering stage. */
interface Inspected {
  readonly settings: ResolvedLocalOptions
  readonly openPayload: WorkerCalls['open']['request']
  readonly pageCount: number
  readonly pages: readonly number[]
  readonly plans: readonly PagePlan[]
  readonly firstLease: WorkerLease
}

/** The multi-page TIFF being written, if any. */
interface TiffTarget {
  readonly name: string
  readonly temp: string
  readonly writer: TiffFileWriter
}

/** See the module comment. One instance per `convert` call. */
export class LocalConversion {
  readonly #deps: ConversionDeps
  readonly #request: LocalConversionRequest
  readonly #options: ConvertOptions
  readonly #controller = new AbortController()
  readonly #temps = new Set<string>()
  readonly #leases = new Set<WorkerLease>()
  readonly #files: WrittenFile[] = []
  /** Thumbnails of rendered pages (when the request asks for them) until their page is announced. */
  readonly #thumbnails = new Map<number, Uint8Array>()
  #tiffHandle: FileHandle | undefined
  #firstFailure: unknown
  #pagesDone = 0

  constructor(deps: ConversionDeps, request: LocalConversionRequest, options: ConvertOptions) {
    this.#deps = deps
    this.#request = request
    this.#options = options
  }

  /** Runs the conversion; see `LocalEngine.convert` for events and errors. */
  async run(): Promise<ConversionOutcome> {
    const startedMs = this.#deps.now()
    const outer = this.#options.signal
    const onOuterAbort = (): void => this.#controller.abort()
    if (outer?.aborted) this.#controller.abort()
    outer?.addEventListener('abort', onOuterAbort, { once: true })
    try {
      if (this.#signal.aborted) throw new CancelledError()
      this.#stage('inspecting')
      const inspected = await this.#inspect()
      this.#stage('converting')
      await this.#renderAll(inspected)
      this.#stage('done')
      const { sourcePath } = this.#request
      return { engine: 'local', sourcePath, pageCount: inspected.pageCount, files: this.#files, elapsedMs: this.#deps.now() - startedMs }
    } catch (err) {
      throw await this.#fail(err)
    } finally {
      outer?.removeEventListener('abort', onOuterAbort)
    }
  }

  get #signal(): AbortSignal {
    return this.#controller.signal
  }

  #emit(event: ConversionEvent): void {
    try {
      this.#options.onEvent?.(event)
    } catch {
      // A listener's bug must not break the conversion.
    }
  }

  #stage(stage: ConversionStage): void {
    this.#emit({ type: 'stage', stage, atMs: this.#deps.now() })
  }

  #failAll(err: unknown): void {
    this.#firstFailure ??= err
    this.#controller.abort()
  }

  #call<K extends WorkerCallType>(lease: WorkerLease, type: K, payload: WorkerCalls[K]['request'], timeout?: CallTimeout): Promise<WorkerCalls[K]['reply']> {
    return callWorker(lease, type, payload, this.#signal, () => this.#leases.delete(lease), timeout)
  }

  async #acquire(priority: 'first' | 'extra', until: AbortSignal = this.#signal): Promise<WorkerLease> {
    const lease = await this.#deps.pool.acquire(priority, until)
    this.#leases.add(lease)
    return lease
  }

  /** Gives a worker back; it keeps the PDF open for the next conversion or page image of the same file. */
  #giveBack(lease: WorkerLease): void {
    if (this.#leases.delete(lease)) lease.release()
  }

  /** Options, open, measure, plan (warnings for lowered pages), output folder. */
  async #inspect(): Promise<Inspected> {
    const { pool, startup, limits } = this.#deps
    const request = this.#request
    const settings = resolveLocalOptions(request.format, this.#deps.defaults, request.local)
    if (startup.fatal !== undefined) throw new AppError('internal', startup.fatal)
    if (startup.warning !== undefined) this.#emit({ type: 'warning', message: startup.warning })
    const openPayload: WorkerCalls['open']['request'] = {
      sourcePath: request.sourcePath,
      ...(request.password === undefined || request.password === '' ? {} : { password: request.password }),
    }
    const fileLimits = limitsForFormat(limits, settings.multiPageTiff ? 'tiff' : settings.format)
    // Start the other workers now: their start-up overlaps opening and measuring the PDF.
    pool.prestart(pool.size)
    const firstLease = await this.#acquire('first')
    const opened = await this.#call(firstLease, 'open', openPayload)
    for (const message of opened.warnings) this.#emit({ type: 'warning', message })
    const pages = resolveRequestPages(request, opened.pageCount)
    const measured = await this.#call(firstLease, 'measure', { pages })
    const plans = measured.geometries.map((g) => planPage(g, settings.resolution, fileLimits))
    this.#emit({ type: 'inspected', pageCount: opened.pageCount, pagesTotal: pages.length })
    for (const message of measured.warnings) this.#emit({ type: 'warning', message })
    for (const plan of plans) {
      const message = oversizeWarning(plan, fileLimits)
      if (message !== undefined) this.#emit({ type: 'warning', page: plan.page, message })
    }
    await createOutputFolder(request.outputDir).catch((err: unknown) => {
      throw writeError(err, request.outputDir)
    })
    return { settings, openPayload, pageCount: opened.pageCount, pages, plans, firstLease }
  }

  /** Renders every planned page on parallel lanes and publishes them in order. */
  async #renderAll(inspected: Inspected): Promise<void> {
    const tiff = inspected.settings.multiPageTiff ? await this.#openTiff(inspected) : undefined
    const sequencer = this.#sequencer(inspected, tiff)
    const queue: PagePlan[] = [...inspected.plans]
    // Aborted once the last page is taken: lanes still waiting for a worker stop waiting.
    const allTaken = new AbortController()
    const lane: Lane = { inspected, queue, allTaken, until: AbortSignal.any([this.#signal, allTaken.signal]), sequencer }
    const lanes = [this.#runLane(lane, inspected.firstLease, 'first')]
    for (let i = 1; i < Math.min(this.#deps.pool.size, inspected.plans.length); i++) lanes.push(this.#runLane(lane, undefined, 'extra'))
    const settled = await Promise.allSettled(lanes)
    await sequencer.settled().catch((err: unknown) => this.#failAll(err))
    if (this.#firstFailure === undefined) {
      const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (rejected !== undefined) this.#firstFailure = rejected.reason
    }
    const outerAborted = this.#options.signal?.aborted === true
    if (this.#firstFailure !== undefined) throw outerAborted ? new CancelledError() : this.#firstFailure
    if (outerAborted) throw new CancelledError()
    if (!sequencer.isComplete) throw new AppError('internal', 'Some pages were never rendered')
    if (tiff !== undefined) await this.#finishTiff(tiff, inspected.pages)
  }

  async #openTiff(inspected: Inspected): Promise<TiffTarget> {
    const name = multiPageFileName(this.#request.sourcePath, inspected.pages, inspected.pageCount, 'tiff')
    const temp = path.join(this.#request.outputDir, tempFileName(name))
    this.#temps.add(temp)
    this.#tiffHandle = await open(temp, 'wx').catch((err: unknown) => {
      throw writeError(err, temp)
    })
    return { name, temp, writer: new TiffFileWriter(this.#tiffHandle) }
  }

  #sequencer(inspected: Inspected, tiff: TiffTarget | undefined): PageSequencer<WrittenFile | number> {
    const request = this.#request
    return new PageSequencer<WrittenFile | number>({
      order: inspected.pages,
      commit: async (page, tempPath) => {
        if (tiff !== undefined) {
          const bytes = await readFile(tempPath)
          await tiff.writer.addPage(bytes).catch((err: unknown) => {
            throw writeError(err, tiff.temp)
          })
          this.#temps.delete(tempPath)
          await removeQuietly(tempPath)
          return page
        }
        const name = outputFileName(request.sourcePath, page, inspected.pageCount, request.format)
        const { size } = await stat(tempPath)
        const finalPath = await commitTempFile(tempPath, request.outputDir, name, request)
        this.#temps.delete(tempPath)
        return { page, path: finalPath, sizeBytes: size }
      },
      onCommitted: (value) => {
        if (typeof value === 'number') return
        this.#files.push(value)
        this.#pagesDone++
        const thumbnail = this.#takeThumbnail(value.page)
        this.#emit({ type: 'page-written', page: value.page, path: value.path, sizeBytes: value.sizeBytes, pagesDone: this.#pagesDone, pagesTotal: inspected.pages.length, ...(thumbnail && { thumbnail }) })
      },
      onFailure: (err) => this.#failAll(err),
    })
  }

  /** Renders pages from the shared list until it is empty; extra lanes yield to waiting conversions. */
  async #runLane(lane: Lane, initial: WorkerLease | undefined, priority: 'first' | 'extra'): Promise<void> {
    let lease = initial
    let isOpen = initial !== undefined
    try {
      while (lane.queue.length > 0 && !this.#signal.aborted) {
        if (lease !== undefined && priority === 'extra' && this.#deps.pool.hasFirstWaiters) {
          this.#giveBack(lease)
          lease = undefined
        }
        if (lease === undefined) {
          try {
            lease = await this.#acquire(priority, lane.until)
          } catch (err) {
            if (lane.allTaken.signal.aborted && !this.#signal.aborted) break
            throw err
          }
          isOpen = false
          if (lane.queue.length === 0) break
        }
        if (!isOpen) {
          await this.#call(lease, 'open', lane.inspected.openPayload)
          isOpen = true
        }
        const plan = lane.queue.shift()
        if (plan === undefined) break
        if (lane.queue.length === 0) lane.allTaken.abort()
        await this.#renderOne(lane, lease, plan)
      }
    } catch (err) {
      this.#failAll(err)
      throw err
    } finally {
      if (lease !== undefined) this.#giveBack(lease)
    }
  }

  async #renderOne(lane: Lane, lease: WorkerLease, plan: PagePlan): Promise<void> {
    const { budget, pageTimeoutMs } = this.#deps
    const { settings, pageCount } = lane.inspected
    const pixels = plan.widthPx * plan.heightPx
    await budget.acquire(pixels, this.#signal)
    let result: WorkerCalls['render']['reply']
    try {
      const thumbnailWidthPx = this.#request.thumbnailWidthPx
      result = await this.#call(lease, 'render', { plan, encode: encodeSettings(settings, plan.dpi), thumbnailWidthPx }, {
        ms: pageTimeoutMs,
        error: () => new FileError('file/damaged', `Page ${plan.page} was still rendering after ${Math.round(pageTimeoutMs / 1000)} s; stopped`),
      })
    } finally {
      budget.release(pixels)
    }
    for (const w of result.warnings) {
      this.#emit({ type: 'warning', page: plan.page, message: w.message, ...(w.details === undefined ? {} : { details: w.details }) })
    }
    const name = outputFileName(this.#request.sourcePath, plan.page, pageCount, settings.multiPageTiff ? 'tiff' : this.#request.format)
    const temp = path.join(this.#request.outputDir, tempFileName(name))
    this.#temps.add(temp)
    await writeFile(temp, result.data, { flag: 'wx' }).catch((err: unknown) => {
      throw writeError(err, temp)
    })
    if (result.thumbnail !== undefined) this.#thumbnails.set(plan.page, result.thumbnail)
    lane.sequencer.add(plan.page, temp)
  }

  async #finishTiff(tiff: TiffTarget, pages: readonly number[]): Promise<void> {
    await tiff.writer.finish().catch((err: unknown) => {
      throw writeError(err, tiff.temp)
    })
    await this.#tiffHandle?.close()
    this.#tiffHandle = undefined
    const { size } = await stat(tiff.temp)
    const finalPath = await commitTempFile(tiff.temp, this.#request.outputDir, tiff.name, this.#request)
    this.#temps.delete(tiff.temp)
    const first = pages[0] ?? 1
    this.#files.push({ page: first, path: finalPath, sizeBytes: size, pageCount: pages.length })
    this.#pagesDone = pages.length
    const thumbnail = this.#takeThumbnail(first)
    this.#thumbnails.clear()
    this.#emit({ type: 'page-written', page: first, path: finalPath, sizeBytes: size, pagesDone: this.#pagesDone, pagesTotal: pages.length, ...(thumbnail && { thumbnail }) })
  }

  /** The page's thumbnail for its `page-written` event, if one was made (the grid's width). */
  #takeThumbnail(page: number): PageThumbnail | undefined {
    const png = this.#thumbnails.get(page)
    const widthPx = this.#request.thumbnailWidthPx
    this.#thumbnails.delete(page)
    return png === undefined || widthPx === undefined ? undefined : { widthPx, png }
  }

  /** Cleans up after a failure or cancel; emits the final events; returns the error to throw. */
  async #fail(err: unknown): Promise<Error> {
    this.#controller.abort()
    for (const lease of [...this.#leases]) this.#giveBack(lease)
    await this.#tiffHandle?.close().catch(() => undefined)
    await Promise.all([...this.#temps].map((t) => removeQuietly(t)))
    const cancelled = this.#options.signal?.aborted === true || err instanceof CancelledError
    const error = cancelled ? new CancelledError() : err
    this.#stage(cancelled ? 'cancelled' : 'failed')
    this.#emit({ type: 'failed', error: toErrorDto(error) })
    return error instanceof Error ? error : new Error(String(error))
  }
}

/** State shared by the lanes of one conversion. */
interface Lane {
  readonly inspected: Inspected
  readonly queue: PagePlan[]
  readonly allTaken: AbortController
  readonly until: AbortSignal
  readonly sequencer: PageSequencer<WrittenFile | number>
}

/**
 * One worker call that ends early on abort (CancelledError) or timeout (the given error): the
 * worker is then terminated (`lease.discard()`, after `onDiscard`), since it may be stuck.
 */
export function callWorker<K extends WorkerCallType>(
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
