/**
 * The PDF.co conversion engine: one PDF → page images through PDF.co async jobs (issue 2 §3).
 *
 * Pipeline: inspect locally (page count, password: nothing is uploaded for a PDF that cannot be
 * opened or a bad page range) → upload once through a presigned URL → split the selected pages
 * into chunks submitted as parallel async jobs on the same uploaded file → poll each job
 * (`pdfco/jobs.ts`) → read its result list → download every page with bounded concurrency,
 * streaming into a temp file in the output folder, checking its magic bytes → publish in page
 * order (`page-sequencer.ts`) under `<name>-<page>.<ext>` (`files/output-names.ts`), never
 * overwriting unless asked.
 *
 * Decisions:
 * - Chunks: `chunkSize` selected pages per job (default 10), at most `parallelJobs` jobs at once
 *   (default 3: with polling at ≥ 1 s per job that stays under PDF.co's 2 req/s free-plan limit in
 *   steady state; bursts beyond it are absorbed by the client's 429 backoff).
 * - A failed chunk is retried alone, once by default (`chunkAttempts` = 2), and only for its pages
 *   not downloaded yet, when the failure may be transient: job failed without a specific code,
 *   aborted, unknown, a bad/expired result link, server or network errors that outlived the
 *   request retries. Not retried: password/damaged/page-range/credits/key errors, rate limiting
 *   that outlived its budget, and the job deadline (waiting twice as long helps nobody).
 * - TIFF: PDF.co returns one multi-page TIFF per job (`pdfco-api.md` §2.5). Merging TIFFs would
 *   need a TIFF writer for mixed page sizes, so TIFF uses a single job for all selected pages and
 *   writes one file: `<name>.tif` (all pages), `<name>-02.tif` (one page), `<name>-02-04.tif`.
 * - Cancel (signal): every in-flight request is aborted, temp files are removed, nothing partial
 *   is left; pages already published stay (they are complete files). Jobs already submitted keep
 *   running at PDF.co (there is no cancel endpoint); their output is never fetched.
 * - On failure the same cleanup runs; pages published before the failure stay.
 * - Upload: `application/pdf` by default; a PUT refused with 403 (expired or refused signature)
 *   is retried once with a fresh presigned URL; transient failures are retried by the client.
 * - `creditsUsed` sums the `credits` PDF.co reports in its answers (upload, job checks); PDF.co's
 *   job/check does not report the conversion's own page credits (§3), so this is a lower bound.
 */
import { mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import { AppError, CancelledError, FileError, PdfCoError, toErrorDto } from '../../errors.ts'
import { commitTempFile, removeQuietly, tempFileName, writeError } from '../../files/atomic-write.ts'
import { multiPageFileName, outputFileName, sourceStem } from '../../files/output-names.ts'
import { createPdfCoClient, type JobCheckResult, type PdfCoClient, type PresignedUpload } from '../../pdfco/client.ts'
import { DEFAULT_JOB_DEADLINE_MS, pollJob, type PollSchedule } from '../../pdfco/jobs.ts'
import { inspectPdf } from '../../render/inspect.ts'
import type { FileProgress, JobProgress, SourceFingerprint } from '../../journal/progress.ts'
import { findKeptPages, isJobReusable, LINK_SAFETY_MARGIN_MS, parseValidTill, sha256File, UPLOAD_REUSE_MS } from '../../journal/resume.ts'
import type { ErrorCode } from '../../shared/error-codes.ts'
import { FORMAT_EXTENSION } from '../../shared/formats.ts'
import { toPdfCoPages } from '../../shared/page-range.ts'
import { PageSequencer } from '../page-sequencer.ts'
import { chunkPages, resolveRequestPages } from '../request-pages.ts'
import type {
  ConversionEngine,
  ConversionEvent,
  ConversionOutcome,
  ConversionRequest,
  ConversionStage,
  ConvertOptions,
  WrittenFile,
} from '../types.ts'

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
}

const DEFAULT_CHUNK_SIZE = 10
const DEFAULT_PARALLEL_JOBS = 3
const DEFAULT_DOWNLOAD_CONCURRENCY = 4

/** Kinds after which a chunk is submitted again (see the module comment). */
const CHUNK_RETRY_CODES = new Set<ErrorCode>([
  'pdfco/job-failed',
  'pdfco/job-aborted',
  'pdfco/job-unknown',
  'pdfco/bad-response',
  'pdfco/server',
  'pdfco/network',
])

/**
 * Creates the PDF.co engine (see the module comment for the pipeline and its decisions).
 *
 * `convert` throws AppErrors: FileError (file/*) and InputError ('input/page-range') before any
 * upload; PdfCoError (pdfco/*); FileError 'file/write-failed' | 'file/no-space' for the output;
 * CancelledError on abort. Before throwing it emits `stage: failed|cancelled` and `failed`.
 */
export function createPdfCoEngine(options: PdfCoEngineOptions): ConversionEngine {
  const client =
    options.client ?? createPdfCoClient({ apiKey: options.apiKey, ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }) })
  const now = options.now ?? Date.now
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE)
  const parallelJobs = Math.max(1, options.parallelJobs ?? DEFAULT_PARALLEL_JOBS)
  const downloadConcurrency = Math.max(1, options.downloadConcurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY)
  const chunkAttempts = Math.max(1, options.chunkAttempts ?? 2)
  const jobDeadlineMs = options.jobDeadlineMs ?? DEFAULT_JOB_DEADLINE_MS
  const contentType = options.uploadContentType ?? 'application/pdf'

  /**
   * get-presigned-url + PUT. A PUT refused with 403 (link expired, e.g. after a long wait, or
   * signature refused) is tried once more with a fresh presigned URL; transient failures are
   * already retried by the client.
   */
  async function uploadOnce(
    sourcePath: string,
    name: string,
    outerSignal: AbortSignal,
    addCredits: (c: number | undefined) => void,
    onProgress: (bytesSent: number, bytesTotal: number) => void,
    source: SourceFingerprint,
  ): Promise<PresignedUpload> {
    // The PDF must stay as it was inspected while it uploads: a file that grows, shrinks or goes
    // away mid-stream would send a mix of versions (or stall a request with a short body).
    const watch = new AbortController()
    const onOuterAbort = (): void => watch.abort()
    outerSignal.addEventListener('abort', onOuterAbort, { once: true })
    let changed: FileError | undefined
    const check = async (): Promise<void> => {
      changed ??= await sourceChange(sourcePath, source)
      if (changed !== undefined) watch.abort()
    }
    const timer = setInterval(() => void check(), SOURCE_WATCH_INTERVAL_MS)
    const signal = watch.signal
    try {
      await check()
      if (changed !== undefined) throw changed
      for (let attempt = 1; ; attempt++) {
        const presigned = await client.getPresignedUrl({ name, contentType, signal })
        addCredits(presigned.credits)
        try {
          await putFile(presigned, signal)
          await check()
          if (changed !== undefined) throw changed
          return presigned
        } catch (err) {
          // A failed PUT may be the change itself (a grown file sends more bytes than announced).
          if (!outerSignal.aborted) await check()
          if (changed !== undefined && !outerSignal.aborted) throw changed
          if (attempt >= 2 || !(err instanceof PdfCoError) || err.httpStatus !== 403) throw err
        }
      }
    } catch (err) {
      if (!outerSignal.aborted) await check()
      if (changed !== undefined && !outerSignal.aborted) throw changed
      throw err
    } finally {
      clearInterval(timer)
      outerSignal.removeEventListener('abort', onOuterAbort)
    }

    async function putFile(presigned: PresignedUpload, signal: AbortSignal): Promise<void> {
      let lastProgressMs = 0
      await client.uploadFile({
        presignedUrl: presigned.presignedUrl,
        path: sourcePath,
        contentType,
        signal,
        onProgress: (bytesSent, bytesTotal) => {
          const t = now()
          if (bytesSent === bytesTotal || bytesSent === 0 || t - lastProgressMs >= 100) {
            lastProgressMs = t
            onProgress(bytesSent, bytesTotal)
          }
        },
      })
    }
  }

  async function convert(request: ConversionRequest, convertOptions: ConvertOptions = {}): Promise<ConversionOutcome> {
    const startedMs = now()
    const onEvent = convertOptions.onEvent
    const emit = (event: ConversionEvent): void => {
      try {
        onEvent?.(event)
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
    let creditsUsed = 0
    let creditsKnown = false
    const addCredits = (c: number | undefined): void => {
      if (c !== undefined && Number.isFinite(c)) {
        creditsUsed += c
        creditsKnown = true
      }
    }

    try {
      if (signal.aborted) throw new CancelledError()
      stage('inspecting')
      const info = await inspectPdf(request.sourcePath, {
        ...(request.password === undefined || request.password === '' ? {} : { password: request.password }),
        maxPages: 0,
        signal,
      })
      const pages = resolveRequestPages(request, info.pageCount)
      const source = await fingerprintOf(request.sourcePath)
      emit({ type: 'inspected', pageCount: info.pageCount, pagesTotal: pages.length })
      await mkdir(request.outputDir, { recursive: true }).catch((err: unknown) => {
        throw writeError(err, request.outputDir)
      })

      const stem = sourceStem(request.sourcePath)
      const format = request.format
      const isTiff = format === 'tiff'
      const finalNameFor = (page: number): string =>
        isTiff ? multiPageFileName(request.sourcePath, pages, info.pageCount, format) : outputFileName(request.sourcePath, page, info.pageCount, format)

      // ---- Journal: what an earlier run left (see electron/journal/progress.ts) ----------------
      const checkpoint = convertOptions.checkpoint
      let progress: FileProgress | null = null
      const update = (change: (p: FileProgress) => FileProgress): Promise<void> => {
        if (checkpoint === undefined || progress === null) return Promise.resolve()
        progress = change(progress)
        return checkpoint.save(progress)
      }
      const recordJob = (job: JobProgress): Promise<void> =>
        update((p) => ({ ...p, jobs: [...p.jobs.filter((j) => j.jobId !== job.jobId), job] }))
      const keptFiles = new Map<number, WrittenFile>()
      let reusableJobs: JobProgress[] = []
      if (checkpoint !== undefined) {
        const resumed = resumeFrom(checkpoint.previous, source, format, pages, info.pageCount, emit)
        progress = resumed.progress
        const kept = await findKeptPages(request.outputDir, progress.written, new Set(isTiff ? [pages[0] ?? 1] : pages))
        if (isTiff && kept.size > 0 && !kept.has(pages[0] ?? 1)) kept.clear()
        for (const k of kept.values()) {
          keptFiles.set(k.page, isTiff ? { page: k.page, path: k.path, sizeBytes: k.sizeBytes, pageCount: pages.length } : { page: k.page, path: k.path, sizeBytes: k.sizeBytes })
        }
        const t = now()
        reusableJobs = progress.jobs.filter((j) => isJobReusable(j, t, jobDeadlineMs) && (!isTiff || samePages(j.pages, pages)))
        progress = {
          ...progress,
          written: [...kept.values()].map((k) => ({ page: k.page, name: path.basename(k.path), sizeBytes: k.sizeBytes, sha256: k.sha256, state: 'written' as const })),
          jobs: reusableJobs,
        }
        await checkpoint.save(progress)
      }

      // ---- Work units: pages still to convert, grouped by the job that will deliver them --------
      const remaining = isTiff ? (keptFiles.size > 0 ? [] : pages) : pages.filter((p) => !keptFiles.has(p))
      const units: WorkUnit[] = []
      if (isTiff) {
        if (remaining.length > 0) units.push({ pages: remaining, reuse: reusableJobs[reusableJobs.length - 1] })
      } else {
        const unclaimed = new Set(remaining)
        for (const job of [...reusableJobs].reverse()) {
          const mine = job.pages.filter((p) => unclaimed.has(p))
          if (mine.length === 0) continue
          for (const p of mine) unclaimed.delete(p)
          units.push({ pages: mine, reuse: job })
        }
        for (const chunk of chunkPages(remaining.filter((p) => unclaimed.has(p)), chunkSize)) units.push({ pages: chunk, reuse: undefined })
        units.sort((a, b) => (a.pages[0] ?? 0) - (b.pages[0] ?? 0))
      }

      // ---- Upload: once, lazily; a recorded upload younger than UPLOAD_REUSE_MS is used again ---
      let upload: Promise<string> | null = null
      let uploadWasReused = false
      const ensureUpload = (): Promise<string> => {
        upload ??= (async () => {
          const recorded = progress?.upload
          if (recorded !== undefined && now() - recorded.uploadedAtMs < UPLOAD_REUSE_MS) {
            uploadWasReused = true
            return recorded.url
          }
          stage('uploading')
          const presigned = await uploadOnce(
            request.sourcePath,
            `${stem}.pdf`,
            signal,
            addCredits,
            (bytesSent, bytesTotal) => emit({ type: 'upload-progress', bytesSent, bytesTotal }),
            source,
          )
          await update((p) => ({ ...p, upload: { url: presigned.url, uploadedAtMs: now() } }))
          return presigned.url
        })()
        return upload
      }
      if (units.some((u) => u.reuse === undefined)) await ensureUpload()
      if (units.length > 0) stage('converting')

      const order = isTiff ? [pages[0] ?? 1] : pages
      const files: WrittenFile[] = []
      let pagesDone = 0
      let firstFailure: unknown
      const failAll = (err: unknown): void => {
        firstFailure ??= err
        controller.abort()
      }
      const sequencer = new PageSequencer<WrittenFile>({
        order,
        commit: async (page, tempPath) => {
          const keptFile = keptFiles.get(page)
          if (keptFile !== undefined) return keptFile
          const name = finalNameFor(page)
          const { size } = await stat(tempPath)
          if (checkpoint !== undefined) {
            // Recorded before the rename: a crash right after it still finds this page (see progress.ts).
            const sha256 = await sha256File(tempPath)
            await update((p) => ({
              ...p,
              written: [...p.written.filter((w) => w.page !== page), { page, name, sizeBytes: size, sha256, state: 'committing' }],
            }))
          }
          const finalPath = await commitTempFile(tempPath, request.outputDir, name, request)
          temps.delete(tempPath)
          if (checkpoint !== undefined) {
            void update((p) => ({
              ...p,
              written: p.written.map((w) => (w.page === page ? { ...w, name: path.basename(finalPath), state: 'written' as const } : w)),
            }))
          }
          return isTiff ? { page, path: finalPath, sizeBytes: size, pageCount: pages.length } : { page, path: finalPath, sizeBytes: size }
        },
        onCommitted: (file) => {
          files.push(file)
          pagesDone += file.pageCount ?? 1
          emit({ type: 'page-written', page: file.page, path: file.path, sizeBytes: file.sizeBytes, pagesDone, pagesTotal: pages.length })
        },
        onFailure: failAll,
      })
      for (const page of order) if (keptFiles.has(page)) sequencer.add(page, '')

      const downloaded = new Set<number>()
      const downloadLimit = pLimit(downloadConcurrency)
      let downloadingAnnounced = false
      const estimator = createJobTimeEstimator()

      const submit = async (jobPages: readonly number[]): Promise<JobProgress> => {
        for (let attempt = 1; ; attempt++) {
          const uploadedUrl = await ensureUpload()
          const submittedAtMs = now()
          try {
            const ack = await client.convert(
              format,
              {
                url: uploadedUrl,
                pages: toPdfCoPages(jobPages),
                ...(request.password === undefined || request.password === '' ? {} : { password: request.password }),
                name: `${stem}.${FORMAT_EXTENSION[format]}`,
                ...(options.expirationMinutes === undefined ? {} : { expiration: options.expirationMinutes }),
                async: true,
              },
              { signal },
            )
            addCredits(ack.credits)
            return { jobId: ack.jobId ?? '', pages: [...jobPages], submittedAtMs, resultUrl: ack.url, state: 'submitted' }
          } catch (err) {
            // A recorded upload PDF.co no longer has (deleted early): upload again, once.
            const gone = err instanceof PdfCoError && err.code === 'pdfco/bad-request' && err.httpStatus === 400
            if (!(gone && uploadWasReused && attempt === 1)) throw err
            uploadWasReused = false
            upload = null
            await update((p) => ({ ...p, upload: undefined }))
          }
        }
      }

      const runJob = async (jobPages: readonly number[], reuse: JobProgress | undefined): Promise<void> => {
        let job: JobProgress
        if (reuse === undefined) {
          job = await submit(jobPages)
          await recordJob(job)
          emit({ type: 'job-submitted', jobId: job.jobId, pages: jobPages })
        } else {
          job = reuse
        }
        const indexOf = (page: number): number => job.pages.indexOf(page)
        let tiffLink: string | undefined
        let links: readonly string[] | undefined
        const linksStillValid = job.state === 'succeeded' && job.validTillMs !== undefined && job.validTillMs - now() >= LINK_SAFETY_MARGIN_MS
        if (linksStillValid && isTiff && job.resultUrl !== undefined) tiffLink = job.resultUrl
        if (linksStillValid && !isTiff && job.pageUrls !== undefined && job.pageUrls.length === job.pages.length) {
          const urls = job.pageUrls
          links = jobPages.map((p) => urls[indexOf(p)] ?? '')
        }
        if (tiffLink === undefined && links === undefined) {
          const jobId = job.jobId
          const done: JobCheckResult = await pollJob(client, jobId, {
            signal,
            // A picked-up job keeps its original deadline; its first check asks PDF.co for real
            // (`force`), since an id PDF.co forgot would otherwise answer `working` forever (§6.2).
            deadlineMs: reuse === undefined ? jobDeadlineMs : Math.max(1, jobDeadlineMs - (now() - job.submittedAtMs)),
            schedule: options.pollSchedule,
            ...(reuse === undefined ? { expectedDurationMs: () => estimator.expectedMs(jobPages.length) } : { expectedDurationMs: 1, forceAfterMs: 0 }),
            now,
            onCheck: (result, elapsedMs) => {
              addCredits(result.credits)
              emit({ type: 'job-status', jobId, status: result.status, elapsedMs })
            },
          })
          if (reuse === undefined) estimator.record(jobPages.length, done.jobDuration ?? now() - job.submittedAtMs)
          const validTillMs = parseValidTill(done.raw['outputLinkValidTill']) ?? now() + (options.expirationMinutes ?? 60) * 60_000
          if (isTiff) {
            tiffLink = done.url ?? job.resultUrl
            if (tiffLink === undefined) throw new PdfCoError('pdfco/bad-response', `PDF.co job ${jobId} succeeded without a result link`, { retryable: true })
            job = { ...job, state: 'succeeded', validTillMs, resultUrl: tiffLink }
          } else {
            let all: readonly string[] = done.urls
            if (all.length === 0) {
              const listUrl = done.url ?? job.resultUrl
              if (listUrl === undefined) throw new PdfCoError('pdfco/bad-response', `PDF.co job ${jobId} succeeded without a result link`, { retryable: true })
              all = await client.fetchResultList(listUrl, { signal })
            }
            if (all.length !== job.pages.length) {
              throw new PdfCoError('pdfco/bad-response', `PDF.co job ${jobId} returned ${all.length} page links for ${job.pages.length} pages`, {
                retryable: true,
              })
            }
            job = { ...job, state: 'succeeded', validTillMs, pageUrls: [...all] }
            links = jobPages.map((p) => all[indexOf(p)] ?? '')
          }
          await recordJob(job)
        }
        if (!downloadingAnnounced) {
          downloadingAnnounced = true
          stage('downloading')
        }
        const fetchTo = async (page: number, link: string): Promise<void> => {
          const temp = path.join(request.outputDir, tempFileName(finalNameFor(page)))
          temps.add(temp)
          try {
            await client.downloadToFile(link, temp, { signal, expectedType: format })
          } catch (err) {
            temps.delete(temp)
            await removeQuietly(temp)
            throw err
          }
          if (isTiff) for (const p of jobPages) downloaded.add(p)
          else downloaded.add(page)
          sequencer.add(page, temp)
        }
        if (isTiff) {
          const link = tiffLink ?? ''
          await downloadLimit(() => fetchTo(jobPages[0] ?? 1, link))
          return
        }
        const pageLinks = links ?? []
        const results = await Promise.allSettled(jobPages.map((page, i) => downloadLimit(() => fetchTo(page, pageLinks[i] ?? ''))))
        const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
        if (rejected !== undefined) throw rejected.reason
      }

      const runChunk = async (unit: WorkUnit): Promise<void> => {
        let remainingPages = unit.pages
        if (unit.reuse !== undefined) {
          try {
            await runJob(remainingPages, unit.reuse)
            return
          } catch (err) {
            if (signal.aborted || err instanceof CancelledError) throw err
            if (!(err instanceof PdfCoError) || !(CHUNK_RETRY_CODES.has(err.code) || err.code === 'pdfco/timeout')) throw err
            await recordJob({ ...unit.reuse, state: 'failed' })
            remainingPages = remainingPages.filter((p) => !downloaded.has(p))
            if (remainingPages.length === 0) return
            emit({ type: 'warning', page: remainingPages[0], message: `Converting pages ${formatPages(remainingPages)} again: the interrupted job could not be used (${err.message})` })
          }
        }
        for (let attempt = 1; ; attempt++) {
          try {
            await runJob(remainingPages, undefined)
            return
          } catch (err) {
            if (signal.aborted || err instanceof CancelledError) throw err
            const retry = attempt < chunkAttempts && err instanceof PdfCoError && err.retryable && CHUNK_RETRY_CODES.has(err.code)
            if (!retry) throw err
            remainingPages = remainingPages.filter((p) => !downloaded.has(p))
            if (remainingPages.length === 0) return
            emit({ type: 'warning', page: remainingPages[0], message: `Retrying pages ${formatPages(remainingPages)} after: ${err.message}` })
          }
        }
      }

      const jobLimit = pLimit(parallelJobs)
      const settled = await Promise.allSettled(
        units.map((unit) =>
          jobLimit(async () => {
            if (signal.aborted) throw new CancelledError()
            try {
              await runChunk(unit)
            } catch (err) {
              failAll(err)
              throw err
            }
          }),
        ),
      )
      await sequencer.settled().catch((err: unknown) => failAll(err))
      if (firstFailure === undefined) {
        const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
        if (rejected !== undefined) firstFailure = rejected.reason
      }
      if (firstFailure !== undefined) throw outer?.aborted ? new CancelledError() : firstFailure
      if (outer?.aborted) throw new CancelledError()
      if (!sequencer.isComplete) throw new PdfCoError('pdfco/bad-response', 'Some pages were never delivered', { retryable: true })

      stage('done')
      return {
        engine: 'pdfco',
        sourcePath: request.sourcePath,
        pageCount: info.pageCount,
        files,
        elapsedMs: now() - startedMs,
        ...(creditsKnown ? { creditsUsed } : {}),
      }
    } catch (err) {
      controller.abort()
      await Promise.all([...temps].map((t) => removeQuietly(t)))
      const cancelled = outer?.aborted === true || err instanceof CancelledError
      const error = cancelled ? new CancelledError() : err
      stage(cancelled ? 'cancelled' : 'failed')
      emit({ type: 'failed', error: toErrorDto(error) })
      throw error instanceof AppError || error instanceof Error ? error : new Error(String(error))
    } finally {
      outer?.removeEventListener('abort', onOuterAbort)
    }
  }

  return { kind: 'pdfco', convert }
}

/** Pages to convert and, when resuming, the recorded job that may still deliver them. */
interface WorkUnit {
  readonly pages: readonly number[]
  readonly reuse: JobProgress | undefined
}

/**
 * The progress to start from: the earlier run's when it is for the same unchanged source and the
 * same format (TIFF: the same pages too, it is one file), else a fresh one.
 */
function resumeFrom(
  previous: FileProgress | null,
  source: SourceFingerprint,
  format: FileProgress['format'],
  pages: readonly number[],
  pageCount: number,
  emit: (event: ConversionEvent) => void,
): { progress: FileProgress } {
  const fresh: FileProgress = { source, format, pageCount, pages: [...pages], jobs: [], written: [] }
  if (previous === null) return { progress: fresh }
  if (previous.source.sizeBytes !== source.sizeBytes || previous.source.mtimeMs !== source.mtimeMs) {
    emit({ type: 'warning', message: 'The PDF changed since the interrupted run: converting it again from the start' })
    return { progress: fresh }
  }
  if (previous.format !== format) return { progress: fresh }
  if (format === 'tiff' && !samePages(previous.pages ?? [], pages)) return { progress: { ...fresh, upload: previous.upload } }
  return { progress: { ...previous, pageCount, pages: [...pages] } }
}

/** How often the source is checked for changes while it uploads, in ms. */
const SOURCE_WATCH_INTERVAL_MS = 200

async function fingerprintOf(sourcePath: string): Promise<SourceFingerprint> {
  try {
    const info = await stat(sourcePath)
    return { sizeBytes: info.size, mtimeMs: info.mtimeMs }
  } catch (err) {
    throw new FileError('file/not-found', `${path.basename(sourcePath)} disappeared while it was being read`, { cause: err })
  }
}

/** The error when the source no longer matches `before` (changed or deleted), else undefined. */
async function sourceChange(sourcePath: string, before: SourceFingerprint): Promise<FileError | undefined> {
  const name = path.basename(sourcePath)
  let info
  try {
    info = await stat(sourcePath)
  } catch {
    return new FileError('file/not-found', `${name} was deleted or moved while it was being uploaded; nothing was converted`)
  }
  if (info.size === before.sizeBytes && info.mtimeMs === before.mtimeMs) return undefined
  return new FileError('file/unreadable', `${name} changed while it was being uploaded; nothing was converted: convert it again`, {
    retryable: true,
  })
}

function samePages(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i])
}

/** Learns ms per page from finished jobs of one conversion, to time the first check of the next. */
function createJobTimeEstimator(): { record(pages: number, ms: number): void; expectedMs(pages: number): number | undefined } {
  let msPerPage: number | undefined
  return {
    record(pages, ms) {
      if (pages > 0 && ms > 0) msPerPage = ms / pages
    },
    expectedMs(pages) {
      return msPerPage === undefined ? undefined : msPerPage * pages
    },
  }
}

function formatPages(pages: readonly number[]): string {
  if (pages.length === 0) return ''
  const first = pages[0]
  const last = pages[pages.length - 1]
  return first === last ? `${first}` : `${first}-${last}`
}
