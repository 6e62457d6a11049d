/**
 * Retry policy for PDF.co requests: exponential backoff with full jitter, bounded in attempts and
 * in total time, honouring `Retry-After`.
 *
 * Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the n-th retry waits a
 * uniformly random time in [0, min(maxDelayMs, baseDelayMs · 2^(n-1))], which spreads parallel
 * clients apart after a 429 storm. When the server sends `Retry-After` (seconds or an HTTP date,
 * RFC 9110 §10.2.3), the wait is that value plus a jitter of up to `baseDelayMs`; if it would end
 * past the total budget the request gives up at once instead of sleeping only to fail.
 */
import { CancelledError } from '../errors.ts'

/** Bounds of the retry loop of one request. */
export interface RetryPolicy {
  /** Attempts in total, the first included (1 = no retries). */
  readonly maxAttempts: number
  /** Backoff ceiling of the first retry, in ms; doubles per retry. */
  readonly baseDelayMs: number
  /** Cap of one backoff wait, in ms (not applied to `Retry-After`). */
  readonly maxDelayMs: number
  /** No retry starts later than this many ms after the first attempt started. */
  readonly maxTotalMs: number
}

/**
 * Defaults: 6 attempts, 500 ms doubling to at most 8 s, within 60 s in total. Covers a short 429
 * storm or a 5xx burst (PDF.co's own client libraries back off 5 s then 15 s) without
 * hiding a real outage for minutes.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 8_000, maxTotalMs: 60_000 }

/**
 * The full-jitter backoff before retry number `retry` (1 = first retry), in ms.
 *
 * @param random a source of [0, 1), `Math.random` by default (tests pass a fixed one).
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(random() * ceiling)
}

/**
 * Parses a `Retry-After` header (delay-seconds or an HTTP date) into ms from `nowMs`.
 *
 * Returns undefined when absent or unparseable; never negative.
 */
export function parseRetryAfterMs(value: string | readonly string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (text === undefined || text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number.parseFloat(text) * 1000)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}

/**
 * The wait before the next attempt, or null to give up.
 *
 * @param attempt attempts made so far (≥ 1).
 * @param elapsedMs time since the first attempt started.
 * @param retryAfterMs the server's `Retry-After`, when it sent one.
 */
export function nextRetryDelayMs(args: {
  readonly attempt: number
  readonly elapsedMs: number
  readonly policy: RetryPolicy
  readonly retryAfterMs?: number | undefined
  readonly random?: () => number
}): number | null {
  const { attempt, elapsedMs, policy } = args
  if (attempt >= policy.maxAttempts) return null
  const random = args.random ?? Math.random
  const delay =
    args.retryAfterMs !== undefined
      ? args.retryAfterMs + Math.floor(random() * policy.baseDelayMs)
      : backoffDelayMs(attempt, policy, random)
  if (elapsedMs + delay > policy.maxTotalMs) return null
  return delay
}

/**
 * Waits `ms`, rejecting with CancelledError as soon as `signal` aborts.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError())
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new CancelledError())
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
