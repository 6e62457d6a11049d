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
import { AppError, CancelledError, PdfCoError, toErrorDto } from '../errors.ts'
import { commitTempFile, removeQuietly, tempFileName, writeError } from '../files/atomic-write.ts'
import { multiPageFileName, outputFileName, sourceStem } from '../files/output-names.ts'
import { createPdfCoClient, type JobCheckResult, type PdfCoClient, type PresignedUpload } from '../pdfco/client.ts'
import { DEFAULT_JOB_DEADLINE_MS, pollJob, type PollSchedule } from '../pdfco/jobs.ts'
import { inspectPdf } from '../render/inspect.ts'
import type { ErrorCode } from '../shared/error-codes.ts'
import { FORMAT_EXTENSION } from '../shared/formats.ts'
import { toPdfCoPages } from '../shared/page-range.ts'
import { PageSequencer } from './page-sequencer.ts'
import { chunkPages, resolveRequestPages } from './request-pages.ts'
import type {
  ConversionEngine,
  ConversionEvent,
  ConversionOutcome,
  ConversionRequest,
  ConversionStage,
  ConvertOptions,
  WrittenFile,
} from './types.ts'

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
    signal: AbortSignal,
    addCredits: (c: number | undefined) => void,
    onProgress: (bytesSent: number, bytesTotal: number) => void,
  ): Promise<PresignedUpload> {
    for (let attempt = 1; ; attempt++) {
      const presigned = await client.getPresignedUrl({ name, contentType, signal })
      addCredits(presigned.credits)
      let lastProgressMs = 0
      try {
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
        return presigned
      } catch (err) {
        if (attempt >= 2 || !(err instanceof PdfCoError) || err.httpStatus !== 403) throw err
      }
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
      emit({ type: 'inspected', pageCount: info.pageCount, pagesTotal: pages.length })
      await mkdir(request.outputDir, { recursive: true }).catch((err: unknown) => {
        throw writeError(err, request.outputDir)
      })

      stage('uploading')
      const stem = sourceStem(request.sourcePath)
      const presigned = await uploadOnce(request.sourcePath, `${stem}.pdf`, signal, addCredits, (bytesSent, bytesTotal) =>
        emit({ type: 'upload-progress', bytesSent, bytesTotal }),
      )

      stage('converting')
      const format = request.format
      const isTiff = format === 'tiff'
      const chunks = isTiff ? [pages] : chunkPages(pages, chunkSize)
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
          const name = isTiff
            ? multiPageFileName(request.sourcePath, pages, info.pageCount, format)
            : outputFileName(request.sourcePath, page, info.pageCount, format)
          const { size } = await stat(tempPath)
          const finalPath = await commitTempFile(tempPath, request.outputDir, name, { overwrite: request.overwrite === true })
          temps.delete(tempPath)
          return isTiff ? { page, path: finalPath, sizeBytes: size, pageCount: pages.length } : { page, path: finalPath, sizeBytes: size }
        },
        onCommitted: (file) => {
          files.push(file)
          pagesDone += file.pageCount ?? 1
          emit({ type: 'page-written', page: file.page, path: file.path, sizeBytes: file.sizeBytes, pagesDone, pagesTotal: pages.length })
        },
        onFailure: failAll,
      })

      const downloaded = new Set<number>()
      const downloadLimit = pLimit(downloadConcurrency)
      let downloadingAnnounced = false
      const estimator = createJobTimeEstimator()

      const runJob = async (jobPages: readonly number[]): Promise<void> => {
        const submittedMs = now()
        const ack = await client.convert(
          format,
          {
            url: presigned.url,
            pages: toPdfCoPages(jobPages),
            ...(request.password === undefined || request.password === '' ? {} : { password: request.password }),
            name: `${stem}.${FORMAT_EXTENSION[format]}`,
            ...(options.expirationMinutes === undefined ? {} : { expiration: options.expirationMinutes }),
            async: true,
          },
          { signal },
        )
        addCredits(ack.credits)
        const jobId = ack.jobId ?? ''
        emit({ type: 'job-submitted', jobId, pages: jobPages })
        const done: JobCheckResult = await pollJob(client, jobId, {
          signal,
          deadlineMs: jobDeadlineMs,
          schedule: options.pollSchedule,
          expectedDurationMs: () => estimator.expectedMs(jobPages.length),
          now,
          onCheck: (result, elapsedMs) => {
            addCredits(result.credits)
            emit({ type: 'job-status', jobId, status: result.status, elapsedMs })
          },
        })
        estimator.record(jobPages.length, done.jobDuration ?? now() - submittedMs)
        if (!downloadingAnnounced) {
          downloadingAnnounced = true
          stage('downloading')
        }
        const finalNameFor = (page: number): string =>
          isTiff ? multiPageFileName(request.sourcePath, pages, info.pageCount, format) : outputFileName(request.sourcePath, page, info.pageCount, format)
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
          const link = done.url ?? ack.url
          if (link === undefined) throw new PdfCoError('pdfco/bad-response', `PDF.co job ${jobId} succeeded without a result link`, { retryable: true })
          await downloadLimit(() => fetchTo(jobPages[0] ?? 1, link))
          return
        }
        let links: readonly string[] = done.urls
        if (links.length === 0) {
          const listUrl = done.url ?? ack.url
          if (listUrl === undefined) throw new PdfCoError('pdfco/bad-response', `PDF.co job ${jobId} succeeded without a result link`, { retryable: true })
          links = await client.fetchResultList(listUrl, { signal })
        }
        if (links.length !== jobPages.length) {
          throw new PdfCoError('pdfco/bad-response', `PDF.co job ${jobId} returned ${links.length} page links for ${jobPages.length} pages`, {
            retryable: true,
          })
        }
        const results = await Promise.allSettled(
          jobPages.map((page, i) => downloadLimit(() => fetchTo(page, links[i] ?? ''))),
        )
        const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
        if (rejected !== undefined) throw rejected.reason
      }

      const runChunk = async (chunk: readonly number[]): Promise<void> => {
        let remaining = chunk
        for (let attempt = 1; ; attempt++) {
          try {
            await runJob(remaining)
            return
          } catch (err) {
            if (signal.aborted || err instanceof CancelledError) throw err
            const retry = attempt < chunkAttempts && err instanceof PdfCoError && err.retryable && CHUNK_RETRY_CODES.has(err.code)
            if (!retry) throw err
            remaining = remaining.filter((p) => !downloaded.has(p))
            if (remaining.length === 0) return
            emit({ type: 'warning', page: remaining[0], message: `Retrying pages ${formatPages(remaining)} after: ${err.message}` })
          }
        }
      }

      const jobLimit = pLimit(parallelJobs)
      const settled = await Promise.allSettled(
        chunks.map((chunk) =>
          jobLimit(async () => {
            if (signal.aborted) throw new CancelledError()
            try {
              await runChunk(chunk)
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
