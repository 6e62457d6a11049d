/**
 * The async job lifecycle: poll `job/check` until the job ends, on a schedule built from a model of
 * the job, with an overall deadline.
 *
 * Schedule and why. Every check costs 2 credits and a page 12-28, so polling must be sparse;
 * but a late check delays the whole conversion by up to one interval, so it must not lag far
 * behind the job either.
 * - With a model (`expectedDurationMs`: ms per page measured on sibling chunks of the same
 *   conversion or on earlier jobs of the process, × pages; see `engines/pdfco/job-timing.ts`):
 *   the first check comes just after the expected end; when a check finds the job still working,
 *   the next waits grow with the time past it (10 % of the elapsed time, ≥ 250 ms, ≤ 15 s). A
 *   predictable job costs one check. When the model is only an estimate saved by an earlier run
 *   (no job measured yet in this process), the first check goes out no later than the first
 *   probe without a model would, and the waits past the estimate grow as without a model (25 % of
 *   the elapsed time): a wrong estimate costs at most a check or two more than no estimate. The model is read again whenever it changes
 *   (`subscribeHint`): a job waiting on a probe re-plans at once, so when one job of a wave ends
 *   its siblings (submitted together, same size) are checked right away instead of at their next
 *   probe.
 * - Without one: probes after 1 s, then each wait ×1.25 the previous, capped at 15 s (checks at
 *   ≈1, 2.3, 3.8, 5.8, 8.3, 11.4, 15, 20, 26 … s, then every 15 s): about log(T)/log(1.25) + 1
 *   checks, 7 (14 credits) for a 10 s job, 14 for a minute; a job stuck for the whole 30 min
 *   deadline costs about 128 checks. Jobs of one wave are probed out of step (`phase`: job i of n
 *   shifts its probes by ×1.25^(i/n)), so the first end in a wave is seen within ≈ 8 % of its run
 *   time instead of 25 %, for the same number of checks per job.
 * - PDF.co's official samples poll every 3 s, its integrations back off 3→30 s and 5→25 s; our cap
 *   of 15 s keeps long jobs responsive at 8 credits a minute.
 * - `job/check` answers `working` for ids it does not know unless `force=true`, so once a job
 *   has been working for 2 min every 4th check sends `force=true`, and the client-side deadline
 *   (default 30 min, as n8n) ends any job that never finishes.
 */
import { PdfCoError } from '../errors.ts'
import type { JobCheckResult, PdfCoClient } from './client.ts'
import { errorFromJobStatus } from './errors.ts'
import { sleep as defaultSleep } from './retry.ts'

/** Shape of the poll schedule (see the module comment). */
export interface PollSchedule {
  /** Wait before the first check without a hint, in ms. */
  readonly firstDelayMs: number
  /** Growth of the wait from one check to the next (no hint). */
  readonly factor: number
  /** Longest wait between two checks, in ms. */
  readonly maxDelayMs: number
  /** Shortest wait, in ms. */
  readonly minDelayMs: number
  /** With a hint: later waits are this share of the elapsed time. */
  readonly hintedShare: number
}

/** Defaults described in the module comment. */
export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
  firstDelayMs: 1_000,
  factor: 1.25,
  maxDelayMs: 15_000,
  minDelayMs: 250,
  hintedShare: 0.1,
}

/** Default overall deadline of one job: 30 min. */
export const DEFAULT_JOB_DEADLINE_MS = 30 * 60_000

/** How long after a job's expected end its first check goes out, in ms. */
export const AFTER_EXPECTED_END_MS = 60

/**
 * The wait before the next check of a job, in ms.
 *
 * @param check checks made so far (0 = none).
 * @param elapsedMs time since polling started.
 * @param expectedDurationMs expected job time from the model, when known.
 * @param lastCheckMs elapsed time of the latest check, when one was made.
 * @param phase 0..1: shifts unhinted probes by `factor ** phase` (see the module comment).
 * @param estimateOnly the expected duration is a saved estimate, not a measurement of this process.
 */
export function pollDelayMs(
  check: number,
  elapsedMs: number,
  schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
  expectedDurationMs?: number,
  lastCheckMs?: number,
  phase = 0,
  estimateOnly = false,
): number {
  const clamp = (ms: number): number => Math.round(Math.min(schedule.maxDelayMs, Math.max(schedule.minDelayMs, ms)))
  if (expectedDurationMs !== undefined && expectedDurationMs > 0) {
    const dueMs = expectedDurationMs + AFTER_EXPECTED_END_MS
    // A saved estimate may be far too long (yesterday's load): the first probe of an unknown job
    // still goes out when it comes sooner.
    if (estimateOnly && check === 0) return clamp(Math.min(dueMs, schedule.firstDelayMs * schedule.factor ** phase) - elapsedMs)
    if (elapsedMs < dueMs) return clamp(dueMs - elapsedMs)
    // Past the expected end: check at once unless a check already saw it there, then back off.
    if (lastCheckMs === undefined || lastCheckMs < expectedDurationMs) return 0
    return clamp(elapsedMs * (estimateOnly ? schedule.factor - 1 : schedule.hintedShare))
  }
  return clamp(schedule.firstDelayMs * schedule.factor ** (check + phase))
}

/** Options of {@link pollJob}. */
export interface PollJobOptions {
  readonly signal?: AbortSignal | undefined
  /** Overall deadline from the start of polling, in ms. Default 30 min. */
  readonly deadlineMs?: number | undefined
  readonly schedule?: Partial<PollSchedule> | undefined
  /** Estimated job time in ms, or a function read before every wait (see the module comment). */
  readonly expectedDurationMs?: number | (() => number | undefined) | undefined
  /** True while the estimate is only a saved one (see the module comment); read before every wait. */
  readonly hintIsEstimate?: (() => boolean) | undefined
  /** Subscribes to changes of the estimate: a wait in progress ends early to re-plan. Returns the unsubscribe. */
  readonly subscribeHint?: ((onChange: () => void) => () => void) | undefined
  /** 0..1: shifts the probes of a job without an estimate (see the module comment). Default 0. */
  readonly phase?: number | undefined
  /** After this many ms of `working`, every `forceEvery`-th check sends `force=true`. Default 120 000. */
  readonly forceAfterMs?: number | undefined
  readonly forceEvery?: number | undefined
  /** Called after every check with the status and the ms since polling started. */
  readonly onCheck?: ((result: JobCheckResult, elapsedMs: number) => void) | undefined
  readonly now?: (() => number) | undefined
  readonly sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined
}

/**
 * Polls `job/check` until `success` and returns that answer.
 *
 * @throws PdfCoError 'pdfco/job-failed' (or the specific kind of its errorCode, e.g.
 *   'pdfco/password' for 441), 'pdfco/job-aborted', 'pdfco/job-unknown' — each with PDF.co's
 *   message; 'pdfco/timeout' when the deadline passes while the job is still working; any error of
 *   `checkJob` itself; CancelledError on abort.
 */
export async function pollJob(client: PdfCoClient, jobId: string, options: PollJobOptions = {}): Promise<JobCheckResult> {
  const now = options.now ?? Date.now
  const wait = options.sleep ?? defaultSleep
  const schedule: PollSchedule = { ...DEFAULT_POLL_SCHEDULE, ...options.schedule }
  const deadlineMs = options.deadlineMs ?? DEFAULT_JOB_DEADLINE_MS
  const forceAfterMs = options.forceAfterMs ?? 120_000
  const forceEvery = Math.max(1, options.forceEvery ?? 4)
  const startedMs = now()
  let lastStatus = 'working'
  let lastCheckMs: number | undefined
  const hinted = createHintWaker(options.subscribeHint)
  try {
    for (let check = 0; ; ) {
      const elapsed = now() - startedMs
      if (elapsed >= deadlineMs) {
        throw new PdfCoError(
          'pdfco/timeout',
          `PDF.co job ${jobId} is still ${lastStatus} after ${formatDuration(elapsed)} (deadline ${formatDuration(deadlineMs)})`,
          { retryable: false },
        )
      }
      const hint = typeof options.expectedDurationMs === 'function' ? options.expectedDurationMs() : options.expectedDurationMs
      const delay = Math.min(pollDelayMs(check, elapsed, schedule, hint, lastCheckMs, options.phase ?? 0, options.hintIsEstimate?.() ?? false), deadlineMs - elapsed)
      if (delay > 0 && (await hinted.sleep(wait, delay, options.signal)) === 'woken') continue
      const checkElapsed = now() - startedMs
      const force = checkElapsed >= forceAfterMs && check % forceEvery === 0
      const result = await client.checkJob(jobId, { signal: options.signal, force })
      check++
      lastCheckMs = checkElapsed
      options.onCheck?.(result, now() - startedMs)
      lastStatus = result.status
      switch (result.status) {
        case 'success':
          return result
        case 'failed':
        case 'aborted':
        case 'unknown':
          throw errorFromJobStatus(jobId, result.status, result.raw)
        default:
          // 'working' or an unlisted in-progress word (e.g. 'queued'): keep polling.
          break
      }
    }
  } finally {
    hinted.close()
  }
}

/** A sleep that ends early ('woken') when the estimate changes. */
function createHintWaker(subscribe: PollJobOptions['subscribeHint']): {
  sleep(wait: (ms: number, signal?: AbortSignal) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<'slept' | 'woken'>
  close(): void
} {
  let wake: (() => void) | undefined
  const unsubscribe = subscribe?.(() => wake?.())
  return {
    async sleep(wait, ms, signal) {
      if (unsubscribe === undefined) {
        await wait(ms, signal)
        return 'slept'
      }
      const woken = new AbortController()
      const onAbort = (): void => woken.abort()
      signal?.addEventListener('abort', onAbort, { once: true })
      wake = () => woken.abort()
      try {
        await wait(ms, woken.signal)
        return 'slept'
      } catch (err) {
        if (signal?.aborted === true || !woken.signal.aborted) throw err
        return 'woken'
      } finally {
        wake = undefined
        signal?.removeEventListener('abort', onAbort)
      }
    },
    close: () => unsubscribe?.(),
  }
}

function formatDuration(ms: number): string {
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.round(ms / 60_000)} min`
}
