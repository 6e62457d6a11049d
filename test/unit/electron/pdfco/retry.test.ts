import { describe, expect, it } from 'vitest'
import { backoffDelayMs, nextRetryDelayMs, parseRetryAfterMs, sleep, type RetryPolicy } from '../../../../electron/pdfco/retry.ts'

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 4_000, maxTotalMs: 10_000 }

describe('backoff with full jitter', () => {
  it('ceilings double per retry up to maxDelayMs', () => {
    const top = (): number => 0.999999
    expect(backoffDelayMs(1, policy, top)).toBe(499)
    expect(backoffDelayMs(2, policy, top)).toBe(999)
    expect(backoffDelayMs(3, policy, top)).toBe(1999)
    expect(backoffDelayMs(4, policy, top)).toBe(3999)
    expect(backoffDelayMs(9, policy, top)).toBe(3999)
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0)
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(1000)
  })
  it('stops at maxAttempts and at the total budget', () => {
    expect(nextRetryDelayMs({ attempt: 4, elapsedMs: 0, policy, random: () => 0.5 })).toBe(2000)
    expect(nextRetryDelayMs({ attempt: 5, elapsedMs: 0, policy, random: () => 0.5 })).toBeNull()
    expect(nextRetryDelayMs({ attempt: 2, elapsedMs: 9_800, policy, random: () => 0.5 })).toBeNull()
  })
  it('honours Retry-After plus a little jitter, and gives up when it exceeds the budget', () => {
    expect(nextRetryDelayMs({ attempt: 1, elapsedMs: 0, policy, retryAfterMs: 3_000, random: () => 0.5 })).toBe(3_250)
    expect(nextRetryDelayMs({ attempt: 1, elapsedMs: 0, policy, retryAfterMs: 60_000, random: () => 0 })).toBeNull()
  })
  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfterMs('2', now)).toBe(2000)
    expect(parseRetryAfterMs('0.5', now)).toBe(500)
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfterMs('soon', now)).toBeUndefined()
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined()
    expect(parseRetryAfterMs(['3'], now)).toBe(3000)
  })
  it('sleep rejects with a CancelledError on abort', async () => {
    const c = new AbortController()
    const p = sleep(10_000, c.signal)
    c.abort()
    await expect(p).rejects.toMatchObject({ code: 'cancelled' })
  })
})
