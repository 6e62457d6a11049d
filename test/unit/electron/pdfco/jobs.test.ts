import { describe, expect, it } from 'vitest'
import type { JobCheckResult, PdfCoClient } from '../../../../electron/pdfco/client.ts'
import { DEFAULT_POLL_SCHEDULE, pollDelayMs, pollJob } from '../../../../electron/pdfco/jobs.ts'

describe('poll schedule', () => {
  it('without a hint: 1 s, then ×1.25, capped at 15 s', () => {
    const delays = Array.from({ length: 16 }, (_, i) => pollDelayMs(i, 0))
    expect(delays.slice(0, 4)).toEqual([1000, 1250, 1563, 1953])
    expect(Math.max(...delays)).toBe(15_000)
    expect(delays.at(-1)).toBe(15_000)
  })
  it('checks of a stuck job over 30 min stay near 125 (≈250 credits)', () => {
    let t = 0
    let n = 0
    while (t < 30 * 60_000) t += pollDelayMs(n++, t)
    expect(n).toBeGreaterThan(110)
    expect(n).toBeLessThan(135)
  })
  it('with a hint: check just after the expected end, then 10 % of elapsed', () => {
    expect(pollDelayMs(0, 0, DEFAULT_POLL_SCHEDULE, 6_000)).toBe(6_060)
    expect(pollDelayMs(3, 2_000, DEFAULT_POLL_SCHEDULE, 6_000)).toBe(4_060)
    expect(pollDelayMs(0, 0, DEFAULT_POLL_SCHEDULE, 100)).toBe(250)
    // Past the expected end and not checked since: at once; checked there already: back off.
    expect(pollDelayMs(1, 6_100, DEFAULT_POLL_SCHEDULE, 6_000, 3_000)).toBe(0)
    expect(pollDelayMs(1, 6_060, DEFAULT_POLL_SCHEDULE, 6_000, 6_060)).toBe(606)
    expect(pollDelayMs(5, 600_000, DEFAULT_POLL_SCHEDULE, 6_000, 590_000)).toBe(15_000)
  })
  it('with a saved estimate only: first check at the sooner of its end and the first probe, then waits of 25 % of elapsed', () => {
    expect(pollDelayMs(0, 0, DEFAULT_POLL_SCHEDULE, 600, undefined, 0, true)).toBe(660)
    // An estimate longer than the first probe without one: that probe still goes out, then the estimate's end.
    expect(pollDelayMs(0, 0, DEFAULT_POLL_SCHEDULE, 6_000, undefined, 0, true)).toBe(1_000)
    expect(pollDelayMs(1, 1_000, DEFAULT_POLL_SCHEDULE, 6_000, 1_000, 0, true)).toBe(5_060)
    expect(pollDelayMs(1, 6_060, DEFAULT_POLL_SCHEDULE, 6_000, 6_060, 0, true)).toBe(1_515)
    // A job twice as long as estimated (12 s), counted from the check at the estimate's end: checks
    // at 6.1, 7.6, 9.5, 11.8 and 14.8 s, 5 in all; waits of 10 % would take 9.
    const countChecks = (estimateOnly: boolean): number => {
      let t = 6_060
      let checks = 1
      while (t < 12_000) {
        t += pollDelayMs(checks, t, DEFAULT_POLL_SCHEDULE, 6_000, t, 0, estimateOnly)
        checks++
      }
      return checks
    }
    expect(countChecks(true)).toBe(5)
    expect(countChecks(false)).toBe(9)
  })
  it('without a hint, phase shifts the probes by ×1.25^phase', () => {
    expect(pollDelayMs(0, 0, DEFAULT_POLL_SCHEDULE, undefined, undefined, 0.5)).toBe(1118)
    expect(pollDelayMs(1, 0, DEFAULT_POLL_SCHEDULE, undefined, undefined, 0.5)).toBe(1398)
  })
  it('a change of the estimate ends a wait early: the job is checked at once when its expected end has passed', async () => {
    const listeners = new Set<() => void>()
    let hint: number | undefined
    const { client, forces: calls } = scriptedClient([{ status: 'success' }])
    const started = Date.now()
    setTimeout(() => {
      hint = 10
      for (const l of listeners) l()
    }, 100)
    await pollJob(client, 'J', {
      expectedDurationMs: () => hint,
      subscribeHint: (l) => (listeners.add(l), () => listeners.delete(l)),
    })
    expect(calls.length).toBe(1)
    expect(Date.now() - started).toBeLessThan(900)
    expect(listeners.size).toBe(0)
  })
  it('a hint that appears while polling is used from the next wait on', async () => {
    let t = 0
    const waits: number[] = []
    let hint: number | undefined
    const { client } = scriptedClient([{ status: 'working' }, { status: 'working' }, { status: 'success' }])
    await pollJob(client, 'J', {
      now: () => t,
      sleep: async (ms) => void (waits.push(ms), (t += ms)),
      expectedDurationMs: () => hint,
      onCheck: () => (hint = 5_000),
    })
    expect(waits).toEqual([1000, 4060, 506])
  })
})

/** A scripted stand-in for checkJob only: the schedule logic is what is under test here. */
function scriptedClient(statuses: Array<Partial<JobCheckResult> & { status: string }>): { client: PdfCoClient; forces: boolean[] } {
  const forces: boolean[] = []
  let i = 0
  const client = {
    checkJob: async (_id: string, o?: { force?: boolean }) => {
      forces.push(o?.force === true)
      const s = statuses[Math.min(i++, statuses.length - 1)]!
      return { urls: [], raw: { ...s }, ...s } as JobCheckResult
    },
  } as unknown as PdfCoClient
  return { client, forces }
}

describe('pollJob', () => {
  function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; waits: number[] } {
    let t = 0
    const waits: number[] = []
    return { now: () => t, sleep: async (ms) => void (waits.push(ms), (t += ms)), waits }
  }
  it('returns the success answer', async () => {
    const clock = fakeClock()
    const { client } = scriptedClient([{ status: 'working' }, { status: 'working' }, { status: 'success', url: 'https://x/list.json' }])
    const seen: string[] = []
    const r = await pollJob(client, 'J', { ...clock, onCheck: (c) => seen.push(c.status) })
    expect(r.url).toBe('https://x/list.json')
    expect(seen).toEqual(['working', 'working', 'success'])
    expect(clock.waits).toEqual([1000, 1250, 1563])
  })
  it('failed, aborted, unknown become specific errors with the message', async () => {
    for (const [status, code] of [['failed', 'pdfco/job-failed'], ['aborted', 'pdfco/job-aborted'], ['unknown', 'pdfco/job-unknown']] as const) {
      const { client } = scriptedClient([{ status, message: `why ${status}` }])
      await expect(pollJob(client, 'J', fakeClock())).rejects.toMatchObject({ code, message: expect.stringContaining(`why ${status}`) })
    }
  })
  it('a job stuck in working ends at the deadline with pdfco/timeout, checking once at the deadline', async () => {
    const clock = fakeClock()
    const { client } = scriptedClient([{ status: 'working' }])
    await expect(pollJob(client, 'J', { ...clock, deadlineMs: 10_000 })).rejects.toMatchObject({ code: 'pdfco/timeout' })
    expect(clock.waits.reduce((a, b) => a + b, 0)).toBe(10_000)
  })
  it('sends force=true on every 4th check after 2 minutes', async () => {
    const clock = fakeClock()
    const { client, forces } = scriptedClient([{ status: 'working' }])
    await expect(pollJob(client, 'J', { ...clock, deadlineMs: 4 * 60_000 })).rejects.toMatchObject({ code: 'pdfco/timeout' })
    const early = forces.slice(0, 8)
    expect(early.every((f) => !f)).toBe(true)
    expect(forces.filter(Boolean).length).toBeGreaterThanOrEqual(2)
  })
})
