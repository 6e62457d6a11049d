/**
 * A simulation of the job-check schedule and the chunk slots on a virtual clock, to say what each
 * change to them buys independently of the machine's load (the emulator benchmark,
 * `pdfco-overhead.ts`, measures the whole CLI on a shared machine and is noisy).
 *
 * Model: 50 pages in chunks of 10 on 3 job slots; each job takes `msPerPage × 10` plus a jitter
 * (seeded, ±`BENCH_JITTER` share, default 0.15); a submit takes 30 ms; a chunk's downloads take
 * 150 ms after its job is seen done. The process has no earlier jobs (a fresh CLI). Policies:
 * - before: probes at 1 s × 1.25^k, an estimate (latest finished sibling) read before each wait,
 *   checked at its expected end then every 10 % of the elapsed time; the slot is freed after the
 *   chunk's downloads.
 * - + phase: jobs of the first wave probe out of step (×1.25^(i/3)).
 * - + wake: a new measurement re-plans waiting jobs at once (a job past its expected end and not
 *   checked since is checked now).
 * - + lend: the slot is handed on when the job is expected to end (minus the submit time) and at
 *   the latest when it is seen done.
 * Reported: makespan (first submit → last chunk downloaded), mean lag (job end → seen), checks.
 *
 * Run: `npx tsx bench/pdfco-poll-model.ts` (env `BENCH_JITTER`). Prints a Markdown table.
 */
import { pollDelayMs, DEFAULT_POLL_SCHEDULE } from '../electron/pdfco/jobs.ts'

interface Policy {
  readonly name: string
  readonly phase: boolean
  readonly wake: boolean
  readonly lend: boolean
  readonly before: boolean
}

const SUBMIT_MS = 30
const DOWNLOAD_MS = 150
const CHUNKS = 5
const PAGES_PER_CHUNK = 10
const SLOTS = 3

function beforeDelay(check: number, elapsed: number, hint: number | undefined): number {
  const s = DEFAULT_POLL_SCHEDULE
  const clamp = (ms: number): number => Math.round(Math.min(s.maxDelayMs, Math.max(s.minDelayMs, ms)))
  if (hint !== undefined) return hint - elapsed >= s.minDelayMs ? clamp(hint - elapsed) : clamp(elapsed * s.hintedShare)
  return clamp(s.firstDelayMs * s.factor ** check)
}

function simulate(policy: Policy, durations: readonly number[]): { makespan: number; lag: number; checks: number } {
  let t = 0
  let msPerPage: number | undefined
  let free = SLOTS
  let lent = 0
  let nextChunk = 0
  let checks = 0
  const lags: number[] = []
  let lastDone = 0
  interface Job {
    i: number
    submitAt: number
    endAt: number
    nextAt: number
    check: number
    lastCheck: number | undefined
    state: 'running' | 'lent' | 'done'
    lendAt: number
  }
  const jobs: Job[] = []
  const expected = (): number | undefined => (msPerPage === undefined ? undefined : msPerPage * PAGES_PER_CHUNK)
  const plan = (j: Job): void => {
    const elapsed = t - j.submitAt
    const hint = expected()
    const phase = policy.phase && j.i < SLOTS ? j.i / SLOTS : 0
    const delay = policy.before ? beforeDelay(j.check, elapsed, hint) : pollDelayMs(j.check, elapsed, DEFAULT_POLL_SCHEDULE, hint, j.lastCheck, phase)
    j.nextAt = t + delay
    j.lendAt = policy.lend && hint !== undefined ? j.submitAt + hint - SUBMIT_MS : Infinity
  }
  const submitWaiting = (): void => {
    while (free > 0 && nextChunk < CHUNKS) {
      free--
      const i = nextChunk++
      const j: Job = { i, submitAt: t + SUBMIT_MS, endAt: t + SUBMIT_MS + (durations[i] ?? 0), nextAt: 0, check: 0, lastCheck: undefined, state: 'running', lendAt: Infinity }
      jobs.push(j)
      const saved = t
      t = j.submitAt
      plan(j)
      t = saved
    }
  }
  submitWaiting()
  for (let guard = 0; guard < 100_000 && jobs.some((j) => j.state !== 'done'); guard++) {
    const active = jobs.filter((j) => j.state !== 'done')
    const next = Math.min(...active.map((j) => Math.min(j.nextAt, j.state === 'running' ? j.lendAt : Infinity)))
    t = next
    for (const j of active) {
      if (j.state === 'running' && j.lendAt <= t && lent < SLOTS) {
        j.state = 'lent'
        lent++
        free++
        submitWaiting()
      }
      if (j.nextAt > t) continue
      checks++
      j.check++
      j.lastCheck = t - j.submitAt
      if (t < j.endAt) {
        plan(j)
        continue
      }
      lags.push(t - j.endAt)
      msPerPage = (j.endAt - j.submitAt) / PAGES_PER_CHUNK
      const doneAt = t + DOWNLOAD_MS
      lastDone = Math.max(lastDone, doneAt)
      if (j.state === 'lent') lent--
      else if (policy.lend) free++
      j.state = 'done'
      if (!policy.lend) {
        // The slot frees after the downloads.
        const saved = t
        t = doneAt
        free++
        submitWaiting()
        t = saved
      } else submitWaiting()
      if (policy.wake) for (const o of jobs) if (o.state !== 'done' && o !== j) plan(o)
    }
  }
  return { makespan: lastDone, lag: lags.reduce((a, b) => a + b, 0) / lags.length, checks }
}

function seeded(seed: number): () => number {
  let s = seed
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
}

const policies: Policy[] = [
  { name: 'before', phase: false, wake: false, lend: false, before: true },
  { name: 'new schedule (check just after the expected end)', phase: false, wake: false, lend: false, before: false },
  { name: '+ phase', phase: true, wake: false, lend: false, before: false },
  { name: '+ phase + wake', phase: true, wake: true, lend: false, before: false },
  { name: '+ phase + wake + lend (product)', phase: true, wake: true, lend: true, before: false },
]
const jitter = Number(process.env['BENCH_JITTER'] ?? 0.15)
const rows: string[] = []
for (const msPerPage of [250, 300, 600, 3_000]) {
  for (const p of policies) {
    const runs = Array.from({ length: 200 }, (_, k) => {
      const random = seeded(k + 1)
      const base = msPerPage * PAGES_PER_CHUNK
      return simulate(p, Array.from({ length: CHUNKS }, () => base * (1 + jitter * (2 * random() - 1))))
    })
    const mean = (f: (r: { makespan: number; lag: number; checks: number }) => number): number => runs.reduce((a, r) => a + f(r), 0) / runs.length
    const ideal = msPerPage * PAGES_PER_CHUNK * 2 + SUBMIT_MS * 2 + DOWNLOAD_MS
    rows.push(`| ${msPerPage} | ${p.name} | ${(mean((r) => r.makespan) / 1000).toFixed(2)} | ${(mean((r) => r.makespan) / ideal).toFixed(3)} | ${(mean((r) => r.lag) / 1000).toFixed(2)} | ${mean((r) => r.checks).toFixed(1)} |`)
  }
}
process.stdout.write(`Jitter ±${Math.round(jitter * 100)} %, 200 seeded runs per row (means).

| ms/page | policy | makespan s | ÷ two ideal waves | mean lag s | checks |
|---|---|---|---|---|---|
${rows.join('\n')}
`)
