/**
 * The fault matrix: a batch of three PDFs through the conversion queue and the PDF.co
 * engine against the emulator, with one fault aimed at the middle file (armed when it starts,
 * disarmed when it settles; the queue runs one file at a time so the fault meets only that file).
 * Every case ends in success after bounded retries, or in one specific error on that file only;
 * the other two files always convert; the output folder holds nothing but complete images (no temp
 * or partial files).
 *
 * The client is the real one with short retry waits (same policy shape, smaller numbers) so a storm
 * costs milliseconds instead of seconds; the request timeout is 400 ms so latency can exceed it.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createPdfCoEngine, type PdfCoEngineOptions } from '../../electron/engines/pdfco/engine.ts'
import { ConversionQueue, type QueueItemStatus } from '../../electron/engines/queue.ts'
import type { ConversionEngine } from '../../electron/engines/types.ts'
import { createPdfCoClient, type DownloadDeadline, type PdfCoClient } from '../../electron/pdfco/client.ts'
import type { RetryPolicy } from '../../electron/pdfco/retry.ts'
import type { ErrorCode } from '../../electron/shared/error-codes.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator, type EmulatorFaults, type RecordedRequest } from '../pdfco-emulator/server.ts'
import { presigns, SMALL_PAGE, SMALL_PAGE_PX, waitUntil } from '../helpers/reliability.ts'

const KEY = 'fault-matrix-key-7e21c0'
const RETRY = { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 120, maxTotalMs: 5_000 }
const REQUEST_TIMEOUT_MS = 400
let emu: Emulator
let dir: string
let pdfs: string[]
const defaults: Partial<EmulatorFaults> = {}
let caseNo = 0

function client(apiKey = KEY, retry: Partial<RetryPolicy> = RETRY, downloadDeadline?: Partial<DownloadDeadline>): PdfCoClient {
  return createPdfCoClient({ apiKey, baseUrl: emu.baseUrl, retry, requestTimeoutMs: REQUEST_TIMEOUT_MS, transferIdleTimeoutMs: 1_000, downloadDeadline })
}

function engine(extra: Partial<PdfCoEngineOptions> = {}, apiKey = KEY, retry?: Partial<RetryPolicy>, downloadDeadline?: Partial<DownloadDeadline>): ConversionEngine {
  return createPdfCoEngine({
    apiKey,
    client: client(apiKey, retry, downloadDeadline),
    chunkSize: 2,
    parallelJobs: 2,
    pollSchedule: { firstDelayMs: 20, minDelayMs: 15, maxDelayMs: 80, factor: 1.3 },
    ...extra,
  })
}

interface Case {
  readonly name: string
  /** Sets the fault when the middle file starts. */
  readonly arm: (emu: Emulator) => void
  /** Expected end of the middle file: done, or the error code. */
  readonly middle: 'done' | ErrorCode
  readonly engine?: Partial<PdfCoEngineOptions>
  /** Retry policy of the middle file's client, when the short default does not fit the fault. */
  readonly retry?: Partial<RetryPolicy>
  /** Download deadline of the middle file's client. */
  readonly download?: Partial<DownloadDeadline>
  /** Runs while the middle file converts (e.g. lift latency once the first request arrived). */
  readonly during?: (emu: Emulator, armedAt: number) => Promise<void>
  /** Extra checks on the requests the middle file caused. */
  readonly check?: (requests: readonly RecordedRequest[]) => void
}

const api = (rs: readonly RecordedRequest[]) => rs.filter((r) => r.path.startsWith('/v1/'))
const count = (rs: readonly RecordedRequest[], status: number) => rs.filter((r) => r.status === status).length
const maxAttemptsPerCall = (rs: readonly RecordedRequest[]) => {
  // Consecutive requests to the same endpoint = one call and its retries.
  let max = 0
  let run = 0
  let last = ''
  for (const r of rs) {
    const k = `${r.method} ${r.path.startsWith('/s3/') ? r.path : r.path}`
    run = k === last ? run + 1 : 1
    last = k
    max = Math.max(max, run)
  }
  return max
}

const CASES: readonly Case[] = [
  {
    name: '429 storm, ridden out',
    arm: (e) => (e.faults.fail429Next = 4),
    middle: 'done',
    check: (rs) => {
      expect(count(rs, 429)).toBe(4)
      expect(maxAttemptsPerCall(api(rs))).toBeLessThanOrEqual(RETRY.maxAttempts)
    },
  },
  { name: '429 storm with Retry-After: 0 honoured', arm: (e) => ((e.faults.fail429Next = 3), (e.faults.retryAfterSeconds = 0)), middle: 'done' },
  {
    // A sliding one-second window needs waits of about a second: the default policy's shape
    // (full jitter, doubling ceilings) with its first ceilings (0.5, 1, 2 s).
    name: 'rate limit of 3 requests/s for the whole file',
    arm: (e) => (e.faults.rateLimitPerSecond = 3),
    retry: { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 2_000, maxTotalMs: 20_000 },
    middle: 'done',
  },
  {
    name: '429 beyond the retry budget',
    arm: (e) => (e.faults.fail429Next = 1_000),
    middle: 'pdfco/rate-limited',
    check: (rs) => expect(count(rs, 429)).toBe(RETRY.maxAttempts),
  },
  ...([500, 502, 503] as const).map(
    (status): Case => ({
      name: `${status} burst, retried`,
      arm: (e) => ((e.faults.fail5xxNext = 3), (e.faults.fail5xxStatus = status)),
      middle: 'done',
      check: (rs) => expect(count(rs, status)).toBe(3),
    }),
  ),
  { name: 'random 500s on 30% of requests', arm: (e) => (e.faults.serverErrorRate = 0.3), middle: 'done' },
  { name: '503 outage beyond the budget', arm: (e) => (e.faults.fail5xxNext = 1_000), middle: 'pdfco/server' },
  {
    name: 'connection reset mid-upload',
    arm: (e) => (e.faults.resetUploadNext = 1),
    middle: 'done',
    check: (rs) => expect(rs.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([0, 200]),
  },
  {
    name: 'connection reset mid-download (result list and pages)',
    arm: (e) => (e.faults.resetDownloadNext = 3),
    middle: 'done',
    // Three downloads cut short (status 0 = connection dropped), each retried to completion.
    check: (rs) => expect(rs.filter((r) => r.path.startsWith('/s3/') && r.method === 'GET' && r.status === 0).length).toBe(3),
  },
  {
    name: 'request timeout once (latency > client timeout), then fine',
    arm: (e) => (e.faults.latencyMs = REQUEST_TIMEOUT_MS * 2),
    during: async (e, armedAt) => {
      await waitUntil(() => e.requests.some((r) => r.atMs >= armedAt && r.path.startsWith('/v1/')), 'first API request')
      e.faults.latencyMs = 0
    },
    middle: 'done',
  },
  { name: 'request timeouts on every attempt', arm: (e) => (e.faults.latencyMs = REQUEST_TIMEOUT_MS + 300), middle: 'pdfco/timeout' },
  {
    name: 'job failed (each chunk tried twice)',
    arm: (e) => (e.faults.jobOutcome = 'failed'),
    middle: 'pdfco/job-failed',
    // 3 pages in chunks of 2: two jobs, each submitted again once.
    check: (rs) => expect(rs.filter((r) => r.path === '/v1/pdf/convert/to/png').length).toBe(4),
  },
  { name: 'job failed with PDF.co code 442', arm: (e) => ((e.faults.jobOutcome = 'failed'), (e.faults.jobFailErrorCode = 442)), middle: 'pdfco/damaged-input' },
  { name: 'job aborted', arm: (e) => (e.faults.jobOutcome = 'aborted'), middle: 'pdfco/job-aborted' },
  { name: 'job stuck in working past the deadline', arm: (e) => (e.faults.jobOutcome = 'stuck'), engine: { jobDeadlineMs: 600 }, middle: 'pdfco/timeout' },
  { name: 'result list missing after success', arm: (e) => (e.faults.missingResultList = true), middle: 'pdfco/bad-response' },
  { name: 'result links expired before download', arm: (e) => (e.faults.linkExpiryMs = 0), middle: 'pdfco/bad-response' },
  {
    name: 'presigned PUT refused once: new presigned URL',
    arm: (e) => (e.faults.refusePutNext = 1),
    middle: 'done',
    check: (rs) => expect(presigns(rs)).toHaveLength(2),
  },
  { name: 'presigned PUT refused twice', arm: (e) => (e.faults.refusePutNext = 2), middle: 'pdfco/bad-request' },
  {
    name: 'no credits (402)',
    arm: (e) => e.setCredits(0),
    middle: 'pdfco/no-credits',
    check: (rs) => expect(count(api(rs), 402)).toBe(1), // not retried
  },
  { name: 'errors answered as HTTP 200 + error:true (402)', arm: (e) => ((e.faults.errorsAsHttp200 = true), e.setCredits(0)), middle: 'pdfco/no-credits' },
  {
    name: 'half a PNG with a matching Content-Length, once: that page is downloaded again',
    arm: (e) => ((e.faults.badImageNext = 1), (e.faults.badImageKind = 'half')),
    middle: 'done',
    check: (rs) => expect(imageGets(rs)).toHaveLength(4),
  },
  {
    name: 'only the 8-byte PNG signature, once: that page is downloaded again',
    arm: (e) => ((e.faults.badImageNext = 1), (e.faults.badImageKind = 'signature')),
    middle: 'done',
    check: (rs) => expect(imageGets(rs)).toHaveLength(4),
  },
  {
    name: 'half a PNG on every download: the page fails as incomplete after 3 downloads per job run',
    arm: (e) => ((e.faults.badImageNext = 1_000), (e.faults.badImageKind = 'half')),
    middle: 'pdfco/bad-response',
    check: (rs) => expect(imageGets(rs).length).toBeGreaterThanOrEqual(3),
  },
  {
    name: 'a download that trickles (1 byte / 200 ms, under the idle timeout): stopped at its size-based deadline',
    // One byte every 200 ms: never silent for the 1 s idle timeout, so only the deadline stops it.
    arm: (e) => ((e.faults.badImageNext = 1_000), (e.faults.badImageKind = 'trickle'), (e.faults.trickleIntervalMs = 200)),
    download: { baseMs: 300 },
    retry: { ...RETRY, maxAttempts: 2 },
    middle: 'pdfco/timeout',
  },
  {
    name: 'an endless download (no Content-Length): stopped at the page size cap',
    arm: (e) => ((e.faults.badImageNext = 1_000), (e.faults.badImageKind = 'endless')),
    middle: 'pdfco/bad-response',
    check: (rs) => expect(new Set(imageGets(rs).map((r) => r.path)).size).toBe(imageGets(rs).length), // never retried
  },
]

const imageGets = (rs: readonly RecordedRequest[]) => rs.filter((r) => r.method === 'GET' && r.path.endsWith('.png'))

/** Only final images: `<stem>-<n>.png`, nothing hidden, no temp or partial files. */
async function onlyFinalImages(out: string): Promise<string[]> {
  const names = (await readdir(out)).sort()
  for (const name of names) expect(name, `unexpected entry in the output folder`).toMatch(/^(first|middle|last)-\d\.png$/)
  for (const name of names) {
    const meta = await sharp(path.join(out, name)).metadata()
    expect([meta.width, meta.height]).toEqual(SMALL_PAGE_PX)
  }
  return names
}

async function runBatch(c: Case, apiKeyFor: (i: number) => string = () => KEY): Promise<{ statuses: QueueItemStatus[]; out: string; middleRequests: RecordedRequest[] }> {
  const out = path.join(dir, `out-${++caseNo}`)
  const engines = [0, 1, 2].map((i) => (i === 1 ? engine(c.engine, apiKeyFor(i), c.retry, c.download) : engine({}, apiKeyFor(i))))
  const queue = new ConversionQueue({ engineFor: (id) => engines[Number(id)]!, concurrency: 1 })
  let armedAt = 0
  let middleFrom = 0
  let middleTo = 0
  let during: Promise<void> = Promise.resolve()
  queue.on('event', (id, e) => {
    if (id === '1' && e.type === 'stage' && e.stage === 'inspecting') {
      middleFrom = emu.requests.length
      armedAt = Date.now()
      c.arm(emu)
      if (c.during !== undefined) during = c.during(emu, armedAt)
    }
  })
  queue.on('settled', (id) => {
    if (id === '1') {
      middleTo = emu.requests.length
      Object.assign(emu.faults, defaults)
      emu.setCredits(1_000_000)
    }
  })
  pdfs.forEach((pdf, i) => queue.enqueue(String(i), { sourcePath: pdf, outputDir: out, format: 'png', pages: null }))
  await queue.whenIdle()
  await during
  return { statuses: queue.list(), out, middleRequests: emu.requests.slice(middleFrom, middleTo) }
}

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36, seed: 7 })
  Object.assign(defaults, emu.faults)
  dir = await mkdtemp(path.join(os.tmpdir(), 'fault-matrix-'))
  pdfs = [await makePagesPdf(dir, 'first.pdf', 2, SMALL_PAGE), await makePagesPdf(dir, 'middle.pdf', 3, SMALL_PAGE), await makePagesPdf(dir, 'last.pdf', 2, SMALL_PAGE)]
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  Object.assign(emu.faults, defaults)
  emu.setCredits(1_000_000)
})

describe('fault matrix: one fault on the middle file of a batch', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { statuses, out, middleRequests } = await runBatch(c)
    const [first, middle, last] = statuses
    if (process.env['RELIABILITY_REPORT'] === '1') {
      console.log(`REPORT | ${c.name} | ${middle?.state} ${middle?.error?.code ?? ''} | ${middle?.error?.message ?? ''} | ${(await readdir(out)).length} files`)
    }
    expect(first).toMatchObject({ state: 'done' })
    expect(last).toMatchObject({ state: 'done' })
    if (c.middle === 'done') {
      expect(middle).toMatchObject({ state: 'done', error: null })
    } else {
      expect(middle).toMatchObject({ state: 'failed', error: { code: c.middle } })
      expect(middle?.error?.message).not.toContain(KEY)
    }
    const names = await onlyFinalImages(out)
    expect(names.filter((n) => n.startsWith('first-'))).toHaveLength(2)
    expect(names.filter((n) => n.startsWith('last-'))).toHaveLength(2)
    if (c.middle === 'done') expect(names.filter((n) => n.startsWith('middle-'))).toHaveLength(3)
    c.check?.(middleRequests)
  })

  it('invalid key (401) for the whole batch: every file fails at once with pdfco/unauthorized, nothing retried, nothing written', async () => {
    const { statuses, out } = await runBatch({ name: '401', arm: () => undefined, middle: 'pdfco/unauthorized' }, () => 'not-the-key-000')
    expect(statuses.map((s) => [s.state, s.error?.code])).toEqual([
      ['failed', 'pdfco/unauthorized'],
      ['failed', 'pdfco/unauthorized'],
      ['failed', 'pdfco/unauthorized'],
    ])
    expect(await readdir(out)).toEqual([])
    const refused = emu.requests.filter((r) => r.status === 401)
    expect(refused.length).toBeGreaterThanOrEqual(3)
    expect(JSON.stringify(statuses)).not.toContain('not-the-key-000')
  })
})
