/**
 * The async job lifecycle: poll `job/check` until the job ends, on an adaptive schedule with an
 * overall deadline (`pdfco-api.md` §3, issue 2 §3).
 *
 * Schedule and why. Every check costs 2 credits (§3) and a page 12-28, so polling must be sparse;
 * but a late check delays the whole conversion by up to one interval, so it must not lag far
 * behind the job either.
 * - Without a hint: first check after 1 s (a 10-page chunk can finish in seconds), then each wait
 *   is ×1.25 the previous, capped at 15 s: checks at ≈1, 2.3, 3.8, 5.8, 8.3, 11.4, 15, 20, 26, 34,
 *   43, 54, 69 s, then every 15 s. The next wait is 25 % of the elapsed time plus 1 s, so a job is
 *   noticed at most 25 % of its run time + 1 s late (measured: a 3 s job is seen at 3.8 s; see
 *   bench/RESULTS.md), for about log(T)/log(1.25) + 1 checks: 7 checks (14 credits) for a 10 s
 *   job, 14 for a minute; a job stuck for the whole 30 min deadline costs about 128 checks (256
 *   credits). Polling faster would cut the lag of short jobs at the price of more credits.
 * - With a hint (`expectedDurationMs`, the engine's estimate from jobs of the same document that
 *   already finished: ms per page × pages; read before every wait, so jobs already running adopt
 *   it as soon as a sibling finishes): wait until the expected end, then poll every 10 % of the
 *   elapsed time (≥ 250 ms, ≤ 15 s). A predictable job is picked up within ~10 % of its end,
 *   usually with one or two checks.
 * - Official samples poll every 3 s, activepieces backs off 3→30 s, Zapier 5→25 s (§3); our cap
 *   of 15 s keeps long jobs responsive at 8 credits a minute.
 * - `job/check` answers `working` for ids it does not know unless `force=true` (§6.2), so once a job
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

/**
 * The wait before check number `check` (0 = first) of a job, in ms.
 *
 * @param elapsedMs time since the job was submitted.
 * @param expectedDurationMs estimated job time, when known (see the module comment).
 */
export function pollDelayMs(
  check: number,
  elapsedMs: number,
  schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
  expectedDurationMs?: number,
): number {
  const clamp = (ms: number): number => Math.round(Math.min(schedule.maxDelayMs, Math.max(schedule.minDelayMs, ms)))
  if (expectedDurationMs !== undefined && expectedDurationMs > 0) {
    if (expectedDurationMs - elapsedMs >= schedule.minDelayMs) return clamp(expectedDurationMs - elapsedMs)
    return clamp(elapsedMs * schedule.hintedShare)
  }
  return clamp(schedule.firstDelayMs * schedule.factor ** check)
}

/** Options of {@link pollJob}. */
export interface PollJobOptions {
  readonly signal?: AbortSignal | undefined
  /** Overall deadline from the start of polling, in ms. Default 30 min. */
  readonly deadlineMs?: number | undefined
  readonly schedule?: Partial<PollSchedule> | undefined
  /** Estimated job time in ms, or a function read before every wait (see the module comment). */
  readonly expectedDurationMs?: number | (() => number | undefined) | undefined
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
  for (let check = 0; ; check++) {
    const elapsed = now() - startedMs
    if (elapsed >= deadlineMs) {
      throw new PdfCoError(
        'pdfco/timeout',
        `PDF.co job ${jobId} is still ${lastStatus} after ${formatDuration(elapsed)} (deadline ${formatDuration(deadlineMs)})`,
        { retryable: false },
      )
    }
    const hint = typeof options.expectedDurationMs === 'function' ? options.expectedDurationMs() : options.expectedDurationMs
    const delay = Math.min(pollDelayMs(check, elapsed, schedule, hint), deadlineMs - elapsed)
    await wait(delay, options.signal)
    const checkElapsed = now() - startedMs
    const force = checkElapsed >= forceAfterMs && check % forceEvery === 0
    const result = await client.checkJob(jobId, { signal: options.signal, force })
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
}

function formatDuration(ms: number): string {
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.round(ms / 60_000)} min`
}
