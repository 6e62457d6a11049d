/**
 * The PDF.co conversion engine: one PDF → page images through PDF.co async jobs.
 *
 * Pipeline: inspect locally (page count, password: nothing is uploaded for a PDF that cannot be
 * opened or a bad page range) → check the output folder is writable → upload once through a
 * presigned URL (`upload.ts`) → split the selected pages into chunks submitted as parallel async
 * jobs on the same uploaded file (`chunk-runner.ts`) → poll each job on a model of its duration
 * (`job-timing.ts`, `pdfco/jobs.ts`) → read its result list → download every page with bounded
 * concurrency into a temp file in the output folder, fully verified (`pdfco/image-check.ts`) →
 * publish in page order (`publisher.ts`) under `<name>-<page>.<ext>`, never overwriting unless
 * asked. Resume (a checkpoint) goes through one narrow interface (`resume-plan.ts`).
 *
 * Decisions:
 * - Chunks: `chunkSize` selected pages per job (default 10), at most `parallelJobs` jobs at once
 *   (default 3: with polling at ≥ 1 s per job that stays under PDF.co's 2 req/s free-plan limit in
 *   steady state; bursts beyond it are absorbed by the client's 429 backoff). A chunk hands its
 *   slot on when its job is expected to end (`slot-pool.ts`), so the next one is submitted then.
 * - A failed chunk is retried alone, once by default (`chunkAttempts` = 2), and only for its pages
 *   not downloaded yet, when the failure may be transient: job failed without a specific code,
 *   aborted, unknown, a bad/expired result link, a corrupt image after its download retries,
 *   server or network errors that outlived the request retries. Not retried: password/damaged/
 *   page-range/credits/key errors, rate limiting that outlived its budget, an image over its size
 *   cap, and the job or download deadline (waiting twice as long helps nobody).
 * - TIFF: PDF.co returns one multi-page TIFF per job (PDF.co's TIFF conversion). Merging TIFFs would
 *   need a TIFF writer for mixed page sizes, so TIFF uses a single job for all selected pages and
 *   writes one file: `<name>.tif` (all pages), `<name>-02.tif` (one page), `<name>-02-04.tif`.
 *   With `multiPageTiff: false` that one file is split here into one TIFF per page
 *   (`tiff-split.ts`), named and committed like the pages of any other format (`<name>-01.tif` …).
 * - Cancel (signal): every in-flight request is aborted, temp files are removed, nothing partial
 *   is left; pages already published stay (they are complete files), pages downloaded but still
 *   waiting for their turn in page order are not published any more. Jobs already submitted keep
 *   running at PDF.co (there is no cancel endpoint); their output is never fetched.
 * - On failure the same cleanup runs; pages published before the failure stay.
 * - `creditsUsed` sums the `credits` PDF.co reports in its answers (upload, job checks); PDF.co's
 *   job/check does not report the conversion's own page credits (§3), so this is a lower bound.
 */
import { CancelledError, PdfCoError } from '../../errors.ts'
import { sourceStem } from '../../files/output-names.ts'
import { createPdfCoClient, type PdfCoClient } from '../../pdfco/client.ts'
import { DEFAULT_JOB_DEADLINE_MS, type PollSchedule } from '../../pdfco/jobs.ts'
import { DEFAULT_PDFCO_BASE_URL } from '../../shared/pdfco.ts'
import { resolveRequestPages } from '../request-pages.ts'
import { openRun, type RunContext } from '../run-context.ts'
import type { ConversionEngine, ConversionOutcome, ConversionRequest, ConvertOptions } from '../types.ts'
import { runChunk, type ChunkContext } from './chunk-runner.ts'
import { createJobTiming, processJobTiming } from './job-timing.ts'
import { saveTimingPrior, seedProcessTiming } from './timing-prior.ts'
import { createPublisher, ensureWritableOutput, pageImageCapBytes, type Publisher } from './publisher.ts'
import { openResumeSession, planWorkUnits, type ResumeSession, type WorkUnit } from './resume-plan.ts'
import { createSlotPool } from './slot-pool.ts'
import { createUploadSlot, fingerprintOf, uploadSource } from './upload.ts'

/** Options of {@link createPdfCoEngine}. */
export interface PdfCoEngineOptions {
  /** A ready client (tests, the app's shared client); else one is made from apiKey/baseUrl. */
  readonly client?: PdfCoClient | undefined
  readonly apiKey: string
  readonly baseUrl?: string | undefined
  /** Selected pages per async job. Default 10. */
  readonly chunkSize?: number | undefined
  /** Jobs running at once per conversion. Default 3. */
  readonly parallelJobs?: number | undefined
  /** Page downloads at once per conversion. Default 4. */
  readonly downloadConcurrency?: number | undefined
  /** Deadline of one job, in ms. Default 30 min. */
  readonly jobDeadlineMs?: number | undefined
  /** Poll schedule overrides (see `pdfco/jobs.ts`). */
  readonly pollSchedule?: Partial<PollSchedule> | undefined
  /** Attempts per chunk, the first included. Default 2. */
  readonly chunkAttempts?: number | undefined
  /** `expiration` of output links, minutes. Default: PDF.co's (60). */
  readonly expirationMinutes?: number | undefined
  /** Upload content type: 'application/pdf' (default) or 'application/octet-stream'. */
  readonly uploadContentType?: 'application/pdf' | 'application/octet-stream' | undefined
  readonly now?: (() => number) | undefined
  /**
   * File where job timings are kept between runs (`timing-prior.ts`): read before the first job
   * of the process, written after each conversion. Default: none (every process starts fresh).
   */
  readonly timingFile?: string | undefined
}

/** Settings of one engine, defaults applied. */
interface EngineSettings {
  readonly client: PdfCoClient
  readonly now: () => number
  readonly chunkSize: number
  readonly parallelJobs: number
  readonly downloadConcurrency: number
  readonly chunkAttempts: number
  readonly jobDeadlineMs: number
  readonly contentType: 'application/pdf' | 'application/octet-stream'
  readonly pollSchedule: Partial<PollSchedule> | undefined
  readonly expirationMinutes: number | undefined
  /** The saved timings: their file and the address they belong to. */
  readonly timingPrior: { readonly file: string; readonly baseUrl: string } | undefined
}

/**
 * Creates the PDF.co engine (see the module comment for the pipeline and its decisions).
 *
 * `convert` throws AppErrors: FileError (file/*) and InputError ('input/page-range') before any
 * upload; FileError 'file/write-failed' | 'file/no-space' for the output (a read-only folder also
 * before any upload); PdfCoError (pdfco/*); CancelledError on abort. Before throwing it emits
 * `stage: failed|cancelled` and `failed`.
 */
export function createPdfCoEngine(options: PdfCoEngineOptions): ConversionEngine {
  let client = options.client
  const settings = (): EngineSettings => {
    client ??= createPdfCoClient({ apiKey: options.apiKey, ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }) })
    return {
      client,
      now: options.now ?? Date.now,
      chunkSize: Math.max(1, options.chunkSize ?? 10),
      parallelJobs: Math.max(1, options.parallelJobs ?? 3),
      downloadConcurrency: Math.max(1, options.downloadConcurrency ?? 4),
      chunkAttempts: Math.max(1, options.chunkAttempts ?? 2),
      jobDeadlineMs: options.jobDeadlineMs ?? DEFAULT_JOB_DEADLINE_MS,
      contentType: options.uploadContentType ?? 'application/pdf',
      pollSchedule: options.pollSchedule,
      expirationMinutes: options.expirationMinutes,
      timingPrior: options.timingFile === undefined ? undefined : { file: options.timingFile, baseUrl: options.baseUrl ?? DEFAULT_PDFCO_BASE_URL },
    }
  }
  settings() // the client exists from the start (it registers the key for redaction)
  return { kind: 'pdfco', convert: (request, convertOptions = {}) => convert(settings(), request, convertOptions) }
}

async function convert(s: EngineSettings, request: ConversionRequest, convertOptions: ConvertOptions): Promise<ConversionOutcome> {
  const run = openRun(convertOptions, s.now)
  let publisher: Publisher | undefined
  const seeded = s.timingPrior === undefined ? undefined : seedProcessTiming(s.timingPrior.file, s.timingPrior.baseUrl, s.now())
  try {
    run.throwIfAborted()
    const prepared = await prepare(s, run, request, convertOptions)
    await seeded
    const credits = createCreditCounter()
    let firstFailure: unknown
    const failAll = (err: unknown): void => {
      firstFailure ??= err
      run.abort()
    }
    publisher = createPublisher({
      client: s.client,
      run,
      sourcePath: request.sourcePath,
      outputDir: request.outputDir,
      format: request.format,
      splitTiff: splitsTiff(request),
      overwrite: request.overwrite === true,
      outputBatch: request.outputBatch,
      pages: prepared.pages,
      pageCount: prepared.pageCount,
      session: prepared.session,
      downloadConcurrency: s.downloadConcurrency,
      maxImageBytes: prepared.maxImageBytes,
      onFailure: failAll,
      thumbnailWidthPx: request.thumbnailWidthPx,
    })
    const ctx = chunkContext(s, run, request, prepared, publisher, credits)
    if (prepared.units.some((u) => u.reuse === undefined)) await ctx.upload.url()
    if (prepared.units.length > 0) run.stage('converting')
    const settled = await runUnits(ctx, prepared.units, s.parallelJobs, failAll)
    await publisher.settled().catch((err: unknown) => failAll(err))
    firstFailure ??= settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason
    if (firstFailure !== undefined) throw firstFailure
    if (run.cancelledByCaller) throw new CancelledError()
    if (!publisher.isComplete) throw new PdfCoError('pdfco/bad-response', 'Some pages were never delivered', { retryable: true })
    run.stage('done')
    return {
      engine: 'pdfco',
      sourcePath: request.sourcePath,
      pageCount: prepared.pageCount,
      files: publisher.files,
      elapsedMs: s.now() - run.startedMs,
      ...credits.outcome(),
    }
  } catch (err) {
    const p = publisher
    throw await run.fail(err, async () => p?.removeTemps())
  } finally {
    run.close()
    const measured = processJobTiming.snapshot()
    if (s.timingPrior !== undefined && measured !== undefined) await saveTimingPrior(s.timingPrior.file, s.timingPrior.baseUrl, measured, s.now())
  }
}

/** True when a TIFF conversion asks for one file per page (PDF.co's one multi-page file is split). */
function splitsTiff(request: ConversionRequest): boolean {
  return request.format === 'tiff' && request.multiPageTiff === false
}

/** What the conversion knows before any PDF.co work. */
interface Prepared {
  readonly pageCount: number
  readonly pages: readonly number[]
  readonly session: ResumeSession
  readonly units: readonly WorkUnit[]
  readonly maxImageBytes: number
  readonly uploadName: string
  readonly source: Awaited<ReturnType<typeof fingerprintOf>>
}

/** Inspects the PDF, resolves pages, checks the output folder, opens the resume session, plans the chunks. */
async function prepare(s: EngineSettings, run: RunContext, request: ConversionRequest, convertOptions: ConvertOptions): Promise<Prepared> {
  run.stage('inspecting')
  // pdf.js is loaded on the first conversion, not when the engine module is.
  const { inspectPdf } = await import('../../render/inspect.ts')
  const info = await inspectPdf(request.sourcePath, {
    ...(request.password === undefined || request.password === '' ? {} : { password: request.password }),
    maxPages: 1,
    signal: run.signal,
  })
  const pages = resolveRequestPages(request, info.pageCount)
  const source = await fingerprintOf(request.sourcePath)
  run.emit({ type: 'inspected', pageCount: info.pageCount, pagesTotal: pages.length })
  await ensureWritableOutput(request.outputDir)
  const session = await openResumeSession({
    checkpoint: convertOptions.checkpoint,
    source,
    format: request.format,
    splitTiff: splitsTiff(request),
    pages,
    pageCount: info.pageCount,
    outputDir: request.outputDir,
    jobDeadlineMs: s.jobDeadlineMs,
    now: s.now,
    emit: run.emit,
  })
  const first = info.pages[0]
  return {
    pageCount: info.pageCount,
    pages,
    session,
    units: planWorkUnits(pages, request.format, session, s.chunkSize, splitsTiff(request)),
    maxImageBytes: pageImageCapBytes(first?.widthPt, first?.heightPt),
    uploadName: `${sourceStem(request.sourcePath)}.pdf`,
    source,
  }
}

function chunkContext(
  s: EngineSettings,
  run: RunContext,
  request: ConversionRequest,
  prepared: Prepared,
  publisher: Publisher,
  credits: ReturnType<typeof createCreditCounter>,
): ChunkContext {
  const { session } = prepared
  const addCredits = credits.add
  const upload = createUploadSlot(session.recordedUpload, s.now, async () => {
    run.stage('uploading')
    const presigned = await uploadSource({
      client: s.client,
      sourcePath: request.sourcePath,
      name: prepared.uploadName,
      contentType: s.contentType,
      source: prepared.source,
      signal: run.signal,
      now: s.now,
      addCredits,
      onProgress: (bytesSent, bytesTotal) => run.emit({ type: 'upload-progress', bytesSent, bytesTotal }),
    })
    await session.recordUpload({ url: presigned.url, uploadedAtMs: s.now() })
    return presigned.url
  })
  return {
    client: s.client,
    run,
    format: request.format,
    stem: sourceStem(request.sourcePath),
    password: request.password,
    session,
    upload,
    timing: createJobTiming(processJobTiming),
    jobDeadlineMs: s.jobDeadlineMs,
    chunkAttempts: s.chunkAttempts,
    pollSchedule: s.pollSchedule,
    expirationMinutes: s.expirationMinutes,
    addCredits,
    addChargedPages: credits.addPages,
    downloaded: publisher.downloaded,
    download: (jobPages, links) => publisher.download(jobPages, links),
  }
}

/** Runs every unit on the job slots; a unit's failure aborts the others (through `failAll`). */
function runUnits(ctx: ChunkContext, units: readonly WorkUnit[], parallelJobs: number, failAll: (err: unknown) => void): Promise<PromiseSettledResult<void>[]> {
  const slots = createSlotPool(parallelJobs)
  return Promise.allSettled(
    units.map(async (unit, i) => {
      const slot = await slots.acquire()
      try {
        ctx.run.throwIfAborted()
        await runChunk(ctx, unit, slot, i < parallelJobs ? i / parallelJobs : 0)
      } catch (err) {
        failAll(err)
        throw err
      } finally {
        slot.release()
      }
    }),
  )
}

/**
 * Sums the credits PDF.co reports and follows the balance it reports with them: `outcome()` has
 * `creditsUsed` when any was reported, `remainingCredits` (the last reported balance) and
 * `balanceBeforeCredits` (the first reported balance plus that answer's credits) when known.
 */
function createCreditCounter(): {
  add(c: number | undefined, remaining?: number): void
  addPages(pages: number): void
  outcome(): { creditsUsed?: number; remainingCredits?: number; balanceBeforeCredits?: number; pagesCharged?: number }
} {
  let pagesCharged = 0
  let used = 0
  let known = false
  let remaining: number | undefined
  let before: number | undefined
  return {
    add(c, rem) {
      const credits = c !== undefined && Number.isFinite(c) ? c : undefined
      if (credits !== undefined) {
        used += credits
        known = true
      }
      if (rem !== undefined && Number.isFinite(rem)) {
        before ??= rem + (credits ?? 0)
        remaining = rem
      }
    },
    addPages(pages) {
      pagesCharged += pages
    },
    outcome: () => ({
      ...(known ? { creditsUsed: used, pagesCharged } : {}),
      ...(remaining === undefined ? {} : { remainingCredits: remaining }),
      ...(before === undefined ? {} : { balanceBeforeCredits: before }),
    }),
  }
}
