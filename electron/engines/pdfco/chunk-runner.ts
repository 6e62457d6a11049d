/**
 * One chunk of pages through PDF.co: submit an async job on the uploaded file (or pick up a job
 * an earlier run recorded), poll it, read its page links, and download each page into a temp file
 * that the page sequencer publishes.
 *
 * Retries (see the engine's module comment): a failed chunk is run again alone, only for its pages
 * not downloaded yet, when the failure may be transient ({@link CHUNK_RETRY_CODES}); a recorded
 * job that cannot be used (expired, failed, forgotten, or past its deadline) is replaced by a new
 * one once.
 */
import { CancelledError, PdfCoError } from '../../errors.ts'
import type { JobCheckResult, PdfCoClient } from '../../pdfco/client.ts'
import { pollJob, type PollSchedule } from '../../pdfco/jobs.ts'
import type { JobProgress } from '../../journal/progress.ts'
import { LINK_SAFETY_MARGIN_MS, parseValidTill } from '../../journal/resume.ts'
import type { ErrorCode } from '../../shared/error-codes.ts'
import { FORMAT_EXTENSION, type OutputFormat } from '../../shared/formats.ts'
import { toPdfCoPages } from '../../shared/page-range.ts'
import type { RunContext } from '../run-context.ts'
import type { JobTiming } from './job-timing.ts'
import type { ResumeSession, WorkUnit } from './resume-plan.ts'
import type { Slot } from './slot-pool.ts'
import type { UploadSlot } from './upload.ts'

/** Kinds after which a chunk is submitted again. */
export const CHUNK_RETRY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'pdfco/job-failed',
  'pdfco/job-aborted',
  'pdfco/job-unknown',
  'pdfco/bad-response',
  'pdfco/server',
  'pdfco/network',
])

/** Everything a chunk needs from its conversion (explicit state, shared by the chunks). */
export interface ChunkContext {
  readonly client: PdfCoClient
  readonly run: RunContext
  readonly format: OutputFormat
  /** File name stem for PDF.co's `name`. */
  readonly stem: string
  readonly password: string | undefined
  readonly session: ResumeSession
  readonly upload: UploadSlot
  readonly timing: JobTiming
  readonly jobDeadlineMs: number
  readonly chunkAttempts: number
  readonly pollSchedule: Partial<PollSchedule> | undefined
  readonly expirationMinutes: number | undefined
  readonly addCredits: (credits: number | undefined, remainingCredits?: number) => void
  /** Counts the pages of a job whose success was seen here (what PDF.co charges per page for). */
  readonly addChargedPages: (pages: number) => void
  /** Pages downloaded so far (a TIFF job marks all its pages). */
  readonly downloaded: Set<number>
  /** Downloads one job's result: a link per page (TIFF: one link for the whole file). */
  readonly download: (jobPages: readonly number[], links: readonly string[]) => Promise<void>
}

/** Where a job's result is: one link per requested page, or one TIFF. */
interface JobLinks {
  readonly job: JobProgress
  readonly links: readonly string[]
}

/**
 * Runs one work unit to the end (its pages downloaded), with the retries of the module comment.
 *
 * @param slot the unit's job slot: lent when its job is expected to end, released by the caller.
 * @param phase 0..1, this unit's probe phase in its wave (see `pdfco/jobs.ts`).
 */
export async function runChunk(ctx: ChunkContext, unit: WorkUnit, slot: Slot, phase: number): Promise<void> {
  let remaining = unit.pages
  if (unit.reuse !== undefined) {
    try {
      await runJob(ctx, remaining, unit.reuse, slot, phase)
      return
    } catch (err) {
      rethrowUnlessRetryable(ctx, err, true)
      await ctx.session.recordJob({ ...unit.reuse, state: 'failed' })
      remaining = remaining.filter((p) => !ctx.downloaded.has(p))
      if (remaining.length === 0) return
      ctx.run.emit({ type: 'warning', page: remaining[0], message: `Converting ${pagesWord(remaining)} again: the interrupted job could not be used (${(err as Error).message})` })
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await runJob(ctx, remaining, undefined, slot, phase)
      return
    } catch (err) {
      rethrowUnlessRetryable(ctx, err, false)
      if (attempt >= ctx.chunkAttempts || !(err as PdfCoError).retryable) throw err
      remaining = remaining.filter((p) => !ctx.downloaded.has(p))
      if (remaining.length === 0) return
      ctx.run.emit({ type: 'warning', page: remaining[0], message: `Retrying ${pagesWord(remaining)} after: ${(err as Error).message}` })
    }
  }
}

function rethrowUnlessRetryable(ctx: ChunkContext, err: unknown, pickedUp: boolean): void {
  if (ctx.run.signal.aborted || err instanceof CancelledError) throw err
  if (!(err instanceof PdfCoError)) throw err
  if (!(CHUNK_RETRY_CODES.has(err.code) || (pickedUp && err.code === 'pdfco/timeout'))) throw err
}

async function runJob(ctx: ChunkContext, jobPages: readonly number[], reuse: JobProgress | undefined, slot: Slot, phase: number): Promise<void> {
  let job: JobProgress
  if (reuse === undefined) {
    job = await submitJob(ctx, jobPages)
    await ctx.session.recordJob(job)
    ctx.run.emit({ type: 'job-submitted', jobId: job.jobId, pages: jobPages })
  } else {
    job = reuse
  }
  const result = recordedLinks(ctx, job, jobPages) ?? (await awaitResult(ctx, job, jobPages, reuse !== undefined, slot, phase))
  slot.lend()
  await ctx.download(jobPages, result.links)
}

/** Submits one async job on the uploaded file; a reused upload PDF.co no longer has is uploaded again, once. */
async function submitJob(ctx: ChunkContext, jobPages: readonly number[]): Promise<JobProgress> {
  for (let attempt = 1; ; attempt++) {
    const uploadedUrl = await ctx.upload.url()
    const submittedAtMs = ctx.run.now()
    try {
      const ack = await ctx.client.convert(
        ctx.format,
        {
          url: uploadedUrl,
          pages: toPdfCoPages(jobPages),
          ...(ctx.password === undefined || ctx.password === '' ? {} : { password: ctx.password }),
          name: `${ctx.stem}.${FORMAT_EXTENSION[ctx.format]}`,
          ...(ctx.expirationMinutes === undefined ? {} : { expiration: ctx.expirationMinutes }),
          async: true,
        },
        { signal: ctx.run.signal },
      )
      ctx.timing.recordSubmit(ctx.run.now() - submittedAtMs)
      ctx.addCredits(ack.credits, ack.remainingCredits)
      return { jobId: ack.jobId ?? '', pages: [...jobPages], submittedAtMs, resultUrl: ack.url, state: 'submitted' }
    } catch (err) {
      const gone = err instanceof PdfCoError && err.code === 'pdfco/bad-request' && err.httpStatus === 400
      if (!(gone && ctx.upload.isReused && attempt === 1)) throw err
      ctx.upload.dropReused()
      await ctx.session.recordUpload(undefined)
    }
  }
}

/** The links of a recorded job that succeeded and whose links stay valid long enough, else undefined. */
function recordedLinks(ctx: ChunkContext, job: JobProgress, jobPages: readonly number[]): JobLinks | undefined {
  const valid = job.state === 'succeeded' && job.validTillMs !== undefined && job.validTillMs - ctx.run.now() >= LINK_SAFETY_MARGIN_MS
  if (!valid) return undefined
  if (ctx.format === 'tiff') return job.resultUrl === undefined ? undefined : { job, links: [job.resultUrl] }
  const urls = job.pageUrls
  if (urls === undefined || urls.length !== job.pages.length) return undefined
  return { job, links: jobPages.map((p) => urls[job.pages.indexOf(p)] ?? '') }
}

/** Polls the job to success, reads its links and records it as succeeded. */
async function awaitResult(
  ctx: ChunkContext,
  submitted: JobProgress,
  jobPages: readonly number[],
  pickedUp: boolean,
  slot: Slot,
  phase: number,
): Promise<JobLinks> {
  const { run } = ctx
  const jobId = submitted.jobId
  const expected = (): number | undefined => ctx.timing.expectedMs(jobPages.length)
  const stopLending = lendWhenExpectedToEnd(ctx, slot, submitted.submittedAtMs, expected)
  let lastWorkingAtMs = submitted.submittedAtMs
  let done: JobCheckResult
  try {
    done = await pollJob(ctx.client, jobId, {
      signal: run.signal,
      // A picked-up job keeps its original deadline; its first check asks PDF.co for real
      // (`force`), since an id PDF.co forgot would otherwise answer `working` forever.
      deadlineMs: pickedUp ? Math.max(1, ctx.jobDeadlineMs - (run.now() - submitted.submittedAtMs)) : ctx.jobDeadlineMs,
      schedule: ctx.pollSchedule,
      ...(pickedUp ? { expectedDurationMs: 1, forceAfterMs: 0 } : { expectedDurationMs: expected, hintIsEstimate: () => !ctx.timing.measured(), subscribeHint: ctx.timing.onChange, phase }),
      now: run.now,
      onCheck: (result, elapsedMs) => {
        if (result.status !== 'success') lastWorkingAtMs = run.now()
        ctx.addCredits(result.credits, result.remainingCredits)
        run.emit({ type: 'job-status', jobId, status: result.status, elapsedMs })
      },
    })
  } finally {
    stopLending()
  }
  ctx.addChargedPages(submitted.pages.length)
  if (!pickedUp) ctx.timing.record(jobPages.length, jobTimeMs(submitted.submittedAtMs, lastWorkingAtMs, run.now(), done.jobDuration))
  const validTillMs = parseValidTill(done.raw['outputLinkValidTill']) ?? run.now() + (ctx.expirationMinutes ?? 60) * 60_000
  const noLink = (): PdfCoError => new PdfCoError('pdfco/bad-response', `PDF.co job ${jobId} succeeded without a result link`, { retryable: true })
  let result: JobLinks
  if (ctx.format === 'tiff') {
    const link = done.url ?? submitted.resultUrl
    if (link === undefined) throw noLink()
    result = { job: { ...submitted, state: 'succeeded', validTillMs, resultUrl: link }, links: [link] }
  } else {
    let all: readonly string[] = done.urls
    if (all.length === 0) {
      const listUrl = done.url ?? submitted.resultUrl
      if (listUrl === undefined) throw noLink()
      all = await ctx.client.fetchResultList(listUrl, { signal: run.signal })
    }
    if (all.length !== submitted.pages.length) {
      throw new PdfCoError('pdfco/bad-response', `PDF.co job ${jobId} returned ${all.length} page links for ${submitted.pages.length} pages`, { retryable: true })
    }
    const job: JobProgress = { ...submitted, state: 'succeeded', validTillMs, pageUrls: [...all] }
    result = { job, links: jobPages.map((p) => all[submitted.pages.indexOf(p)] ?? '') }
  }
  await ctx.session.recordJob(result.job)
  return result
}

/**
 * A job's time from submit to its end on the client's clock, in ms: it ended after the last check
 * that saw it working and before the check that saw it done; PDF.co's `duration` (server time,
 * without queueing or the submit round trip) places it within that window when it can.
 */
export function jobTimeMs(submittedAtMs: number, lastWorkingAtMs: number, doneSeenAtMs: number, serverMs: number | undefined): number {
  const endAtMs = serverMs === undefined ? (lastWorkingAtMs + doneSeenAtMs) / 2 : submittedAtMs + serverMs
  return Math.min(doneSeenAtMs, Math.max(lastWorkingAtMs, endAtMs)) - submittedAtMs
}

/**
 * Lends the chunk's slot one submit round trip before its job is expected to end, re-planned
 * whenever the model changes. Returns the function that stops it.
 */
function lendWhenExpectedToEnd(ctx: ChunkContext, slot: Slot, submittedAtMs: number, expected: () => number | undefined): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const plan = (): void => {
    clearTimeout(timer)
    const ms = expected()
    if (ms === undefined) return
    const wait = submittedAtMs + ms - ctx.timing.submitMs() - ctx.run.now()
    timer = setTimeout(() => slot.lend(), Math.max(0, wait))
  }
  plan()
  const off = ctx.timing.onChange(plan)
  return () => {
    clearTimeout(timer)
    off()
  }
}

/** "page 3" or "pages 1-10" (see {@link formatPages}). */
function pagesWord(pages: readonly number[]): string {
  return `${pages.length === 1 ? 'page' : 'pages'} ${formatPages(pages)}`
}

/** "4-6" or "4". */
export function formatPages(pages: readonly number[]): string {
  if (pages.length === 0) return ''
  const first = pages[0]
  const last = pages[pages.length - 1]
  return first === last ? `${first}` : `${first}-${last}`
}
