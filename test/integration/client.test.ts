/**
 * The PDF.co client against the emulator: every endpoint, the error kinds of electron/pdfco/errors.ts,
 * retries (429 storm, 5xx burst, resets mid-upload/mid-download), and the API key never leaking.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import sharp from 'sharp'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PdfCoError } from '../../electron/errors.ts'
import { createPdfCoClient, type PdfCoClient } from '../../electron/pdfco/client.ts'
import { pollJob } from '../../electron/pdfco/jobs.ts'
import { makeDamagedPdf, makeEncryptedPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator, type EmulatorFaults } from '../pdfco-emulator/server.ts'

const KEY = 'client-test-key-7f3a9c'
const WRONG_KEY = 'wrong-key-SECRET-4d2b'

let emu: Emulator
let dir: string
let pdf3: string
let encrypted: string
let damaged: string
const defaults: Partial<EmulatorFaults> = {}

/** Client with quick retries so fault tests stay short. */
function client(overrides: Partial<Parameters<typeof createPdfCoClient>[0]> = {}): PdfCoClient {
  return createPdfCoClient({
    apiKey: KEY,
    baseUrl: emu.baseUrl,
    retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 100, maxTotalMs: 10_000 },
    ...overrides,
  })
}

async function upload(c: PdfCoClient, file: string): Promise<string> {
  const p = await c.getPresignedUrl({ name: path.basename(file), contentType: 'application/pdf' })
  await c.uploadFile({ presignedUrl: p.presignedUrl, path: file, contentType: 'application/pdf' })
  return p.url
}

/** Everything an error exposes when logged or serialized. */
function everything(err: unknown): string {
  const e = err as Error
  return [JSON.stringify(err, Object.getOwnPropertyNames(err)), inspect(err, { depth: 10, showHidden: true }), String(e.stack), JSON.stringify((err as PdfCoError).toDto?.())].join('\n')
}

async function caught(p: Promise<unknown>): Promise<PdfCoError> {
  try {
    await p
  } catch (err) {
    return err as PdfCoError
  }
  throw new Error('expected a rejection')
}

const newRequests = (from: number) => emu.requests.slice(from)

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY })
  Object.assign(defaults, emu.faults)
  dir = await mkdtemp(path.join(tmpdir(), 'client-it-'))
  pdf3 = await makePagesPdf(dir, 'three.pdf', 3)
  encrypted = await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'open-sesame' })
  damaged = await makeDamagedPdf(dir)
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  Object.assign(emu.faults, defaults)
  emu.setCredits(1_000_000)
})

describe('PDF.co client against the emulator', () => {
  it('uploads by streaming with the signed Content-Type and an exact Content-Length; key only to the API', async () => {
    const c = client()
    const from = emu.requests.length
    const progress: number[] = []
    const p = await c.getPresignedUrl({ name: 'three.pdf', contentType: 'application/pdf' })
    const { sizeBytes } = await c.uploadFile({
      presignedUrl: p.presignedUrl,
      path: pdf3,
      contentType: 'application/pdf',
      onProgress: (sent) => progress.push(sent),
    })
    expect(sizeBytes).toBe((await stat(pdf3)).size)
    expect(progress.at(-1)).toBe(sizeBytes)
    const [presign, put] = newRequests(from)
    expect(presign).toMatchObject({ method: 'GET', path: '/v1/file/upload/get-presigned-url', status: 200 })
    expect(presign!.headers['x-api-key']).toBe(KEY)
    expect(presign!.query).toMatchObject({ name: 'three.pdf', contenttype: 'application/pdf' })
    expect(put).toMatchObject({ method: 'PUT', status: 200, bodyBytes: sizeBytes })
    expect(put!.headers['content-type']).toBe('application/pdf')
    expect(put!.headers['content-length']).toBe(String(sizeBytes))
    expect(put!.headers['x-api-key']).toBeUndefined()
  })

  it('converts async, polls, reads the result list and downloads real images', async () => {
    const c = client()
    const url = await upload(c, pdf3)
    const from = emu.requests.length
    const ack = await c.convert('png', { url, pages: '0-1', async: true, name: 'three.png' })
    expect(ack.jobId).toBeTruthy()
    const done = await pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50, factor: 1.2 } })
    expect(done.status).toBe('success')
    const links = await c.fetchResultList(done.url!)
    expect(links).toHaveLength(2)
    const dest = path.join(dir, 'p1.png')
    const { sizeBytes } = await c.downloadToFile(links[0]!, dest, { expectedType: 'png' })
    expect(sizeBytes).toBe((await stat(dest)).size)
    const meta = await sharp(dest).metadata()
    expect([meta.width, meta.height]).toEqual([1275, 1650]) // Letter at 150 DPI
    const convert = newRequests(from).find((r) => r.path === '/v1/pdf/convert/to/png')!
    expect(convert.params).toMatchObject({ url, pages: '0-1', async: true })
    expect(convert.headers['x-api-key']).toBe(KEY)
    expect(newRequests(from).filter((r) => r.path.startsWith('/s3/')).every((r) => r.headers['x-api-key'] === undefined)).toBe(true)
  })

  it('credit balance', async () => {
    emu.setCredits(4242)
    expect(await client().getCreditBalance()).toEqual({ remainingCredits: 4242 })
  })

  it('401 → pdfco/unauthorized, and no key in the error', async () => {
    const err = await caught(client({ apiKey: WRONG_KEY }).getCreditBalance())
    expect(err).toBeInstanceOf(PdfCoError)
    expect(err).toMatchObject({ code: 'pdfco/unauthorized', httpStatus: 401, retryable: false })
    expect(everything(err)).not.toContain(WRONG_KEY)
    expect(everything(err)).not.toContain(KEY)
  })

  it('402 → pdfco/no-credits, as HTTP status or as 200 + error:true', async () => {
    const c = client()
    emu.setCredits(0)
    expect(await caught(c.getPresignedUrl({ name: 'a.pdf', contentType: 'application/pdf' }))).toMatchObject({ code: 'pdfco/no-credits' })
    emu.faults.errorsAsHttp200 = true
    expect(await caught(c.getPresignedUrl({ name: 'a.pdf', contentType: 'application/pdf' }))).toMatchObject({
      code: 'pdfco/no-credits',
      httpStatus: 200,
      pdfcoCode: 402,
    })
  })

  it('a 429 storm is ridden out; Retry-After is honoured', async () => {
    const c = client()
    emu.faults.fail429Next = 3
    emu.faults.retryAfterSeconds = 1
    const from = emu.requests.length
    expect(await c.getCreditBalance()).toMatchObject({ remainingCredits: expect.any(Number) })
    const calls = newRequests(from)
    expect(calls.map((r) => r.status)).toEqual([429, 429, 429, 200])
    // Each retry waited at least the server's Retry-After (1 s).
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.atMs - calls[i - 1]!.atMs).toBeGreaterThanOrEqual(990)
  })

  it('429 beyond the retry budget → pdfco/rate-limited', async () => {
    emu.faults.fail429Next = 100
    const from = emu.requests.length
    const err = await caught(client({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, maxTotalMs: 5_000 } }).getCreditBalance())
    expect(err).toMatchObject({ code: 'pdfco/rate-limited', retryable: true })
    expect(err.message).toMatch(/gave up after 3 attempts/)
    expect(newRequests(from)).toHaveLength(3)
  })

  it('a 5xx burst is retried; 5xx beyond the budget → pdfco/server', async () => {
    emu.faults.fail5xxNext = 2
    const from = emu.requests.length
    await client().getCreditBalance()
    expect(newRequests(from).map((r) => r.status)).toEqual([503, 503, 200])
    emu.faults.fail5xxNext = 100
    emu.faults.fail5xxStatus = 502
    expect(await caught(client({ retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5, maxTotalMs: 1_000 } }).getCreditBalance())).toMatchObject({
      code: 'pdfco/server',
      httpStatus: 502,
    })
  })

  it('a connection reset mid-upload is retried from the start', async () => {
    const c = client()
    emu.faults.resetUploadNext = 1
    const from = emu.requests.length
    await upload(c, pdf3)
    const puts = newRequests(from).filter((r) => r.method === 'PUT')
    expect(puts.map((r) => r.status)).toEqual([0, 200])
  })

  it('a refused PUT (403) is not retried by the client: pdfco/bad-request', async () => {
    emu.faults.refusePutNext = 1
    const err = await caught(upload(client(), pdf3))
    expect(err).toMatchObject({ code: 'pdfco/bad-request', httpStatus: 403 })
  })

  it('a reset mid-download is retried and the file is complete', async () => {
    const c = client()
    const url = await upload(c, pdf3)
    const ack = await c.convert('jpg', { url, pages: '2', async: true })
    const done = await pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50 } })
    const [link] = await c.fetchResultList(done.url!)
    emu.faults.resetDownloadNext = 1
    const from = emu.requests.length
    const dest = path.join(dir, 'p3.jpg')
    await c.downloadToFile(link!, dest, { expectedType: 'jpg' })
    expect(newRequests(from).map((r) => r.status)).toEqual([0, 200])
    const meta = await sharp(await readFile(dest)).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.width).toBe(1275)
  })

  it('441: password-protected PDF fails without its password and converts with it', async () => {
    const c = client()
    const url = await upload(c, encrypted)
    const err = await caught(
      c.convert('png', { url, async: true }).then((ack) => pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50 } })),
    )
    expect(err).toMatchObject({ code: 'pdfco/password', pdfcoCode: 441 })
    const ack = await c.convert('png', { url, async: true, password: 'open-sesame' })
    expect((await pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50 } })).status).toBe('success')
  })

  it('442: a damaged PDF → pdfco/damaged-input', async () => {
    const c = client()
    const url = await upload(c, damaged)
    const err = await caught(c.convert('png', { url, async: true }).then((ack) => pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50 } })))
    expect(err).toMatchObject({ code: 'pdfco/damaged-input', pdfcoCode: 442 })
  })

  it('449/450: pages out of range or malformed → pdfco/page-range', async () => {
    const c = client()
    const url = await upload(c, pdf3)
    const run = (pages: string) => caught(c.convert('png', { url, async: true, pages }).then((ack) => pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50 } })))
    expect(await run('7')).toMatchObject({ code: 'pdfco/page-range', pdfcoCode: 449 })
    expect(await run('2-1')).toMatchObject({ code: 'pdfco/page-range', pdfcoCode: 450 })
  })

  it('job failed / aborted / stuck end as pdfco/job-failed, job-aborted, timeout', async () => {
    const c = client()
    const url = await upload(c, pdf3)
    const run = (deadlineMs?: number) =>
      caught(c.convert('png', { url, async: true, pages: '0' }).then((ack) => pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50, maxDelayMs: 200 }, deadlineMs })))
    emu.faults.jobOutcome = 'failed'
    const failed = await run()
    expect(failed).toMatchObject({ code: 'pdfco/job-failed', retryable: true })
    emu.faults.jobOutcome = 'aborted'
    expect(await run()).toMatchObject({ code: 'pdfco/job-aborted' })
    emu.faults.jobOutcome = 'stuck'
    const stuck = await run(600)
    expect(stuck).toMatchObject({ code: 'pdfco/timeout', retryable: false })
    expect(stuck.message).toMatch(/still working/)
  })

  it('a missing result list and an expired link end as pdfco/bad-response naming the cause', async () => {
    const c = client()
    const url = await upload(c, pdf3)
    emu.faults.missingResultList = true
    let ack = await c.convert('png', { url, async: true, pages: '0' })
    let done = await pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50 } })
    const missing = await caught(c.fetchResultList(done.url!))
    expect(missing).toMatchObject({ code: 'pdfco/bad-response', httpStatus: 404 })
    expect(missing.message).toMatch(/missing/)
    emu.faults.missingResultList = false
    emu.faults.linkExpiryMs = 1
    ack = await c.convert('png', { url, async: true, pages: '0' })
    done = await pollJob(c, ack.jobId!, { schedule: { firstDelayMs: 50 } })
    await new Promise((r) => setTimeout(r, 20))
    const expired = await caught(c.fetchResultList(done.url!))
    expect(expired).toMatchObject({ code: 'pdfco/bad-response', httpStatus: 403 })
    expect(expired.message).toMatch(/expired/)
    expect(everything(expired)).not.toMatch(/X-Amz-Signature=[0-9a-f]/)
  })

  it('a network failure → pdfco/network; abort cancels a step', async () => {
    const dead = createPdfCoClient({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9/v1', retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5, maxTotalMs: 1000 } })
    const err = await caught(dead.getCreditBalance())
    expect(err).toMatchObject({ code: 'pdfco/network' })
    expect(everything(err)).not.toContain(KEY)
    emu.faults.latencyMs = 5_000
    const controller = new AbortController()
    const p = client().getCreditBalance({ signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    expect(await caught(p)).toMatchObject({ code: 'cancelled' })
  })

  it('a request timeout → pdfco/timeout after retries', async () => {
    emu.faults.latencyMs = 2_000
    const c = client({ requestTimeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5, maxTotalMs: 2_000 } })
    const err = await caught(c.getCreditBalance())
    expect(err).toMatchObject({ code: 'pdfco/timeout' })
  })
})
