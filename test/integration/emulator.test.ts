/**
 * The PDF.co emulator as the server under test, driven with plain `fetch`: presigned upload,
 * sync/async conversions in every format (images read back with sharp), `pages` syntax, the error
 * codes PDF.co documents, the job/check lifecycle, link expiry, every fault knob, request
 * recording and the four body encodings.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeDamagedPdf, makeEncryptedPdf, makeNotPdf, makePdf } from '../helpers/make-pdf.ts'
import { parsePdfCoPages } from '../pdfco-emulator/pages.ts'
import { startEmulator, type Emulator, type EmulatorFaults } from '../pdfco-emulator/server.ts'

const KEY = 'emulator-test-key'
const DPI = 150

let emu: Emulator
let dir: string
/** 4 pages, 72 pt high, widths 72/144/216/288 pt → 150/300/450/600 px wide at 150 DPI: the width names the page. */
let steps: string
let stepsUrl: string
let lockedUrl: string
let damagedUrl: string
let notPdfUrl: string
const baseline: EmulatorFaults = {} as EmulatorFaults

type Json = Record<string, unknown>

async function call(pathAndQuery: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers = new Headers(init.headers)
  if (!headers.has('x-api-key') && !pathAndQuery.includes('x-api-key=')) headers.set('x-api-key', KEY)
  let body = init.body
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json')
    body = JSON.stringify(init.json)
  }
  const res = await fetch(`${emu.baseUrl}${pathAndQuery}`, { ...init, headers, body: body ?? null, method: init.method ?? (body ? 'POST' : 'GET') })
  const text = await res.text()
  return { status: res.status, body: JSON.parse(text) as Json, headers: res.headers }
}

async function upload(file: string, contentType = 'application/octet-stream'): Promise<string> {
  const r = await call(`/file/upload/get-presigned-url?name=${encodeURIComponent(path.basename(file))}&contenttype=${encodeURIComponent(contentType)}`)
  expect(r.status).toBe(200)
  const put = await fetch(r.body['presignedUrl'] as string, { method: 'PUT', headers: { 'content-type': contentType }, body: await readFile(file) })
  expect(put.status).toBe(200)
  return r.body['url'] as string
}

async function download(url: string): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  const res = await fetch(url)
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') }
}

async function sizeOf(url: string): Promise<[number, number, string]> {
  const d = await download(url)
  expect(d.status).toBe(200)
  const meta = await sharp(d.bytes).metadata()
  return [meta.width as number, meta.height as number, meta.format as string]
}

async function waitForJob(jobId: string, timeoutMs = 20_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = await call('/job/check', { json: { jobid: jobId } })
    expect(r.status).toBe(200)
    if (r.body['status'] !== 'working') return r.body
    if (Date.now() > deadline) throw new Error(`job ${jobId} still working`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulator-test-'))
  emu = await startEmulator({ apiKey: KEY, dpi: DPI })
  Object.assign(baseline, emu.faults)
  steps = await makePdf(dir, 'steps.pdf', [1, 2, 3, 4].map((n) => ({ widthPt: 72 * n, heightPt: 72 })))
  stepsUrl = await upload(steps)
  lockedUrl = await upload(await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'pw-123', pages: 2 }))
  damagedUrl = await upload(await makeDamagedPdf(dir))
  notPdfUrl = await upload(await makeNotPdf(dir))
})
afterEach(() => {
  Object.assign(emu.faults, baseline)
  emu.setCredits(1_000_000)
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('presigned upload', () => {
  it('signs the content type, refuses another one with 403 XML, and serves the uploaded bytes', async () => {
    const r = await call('/file/upload/get-presigned-url?name=steps%20copy.pdf&contenttype=application/pdf')
    expect(r.body).toMatchObject({ error: false, status: 200, name: 'steps copy.pdf' })
    expect(typeof r.body['remainingCredits']).toBe('number')
    const presigned = new URL(r.body['presignedUrl'] as string)
    expect(presigned.origin).toBe(emu.origin)
    expect(presigned.pathname).toMatch(/^\/s3\/[A-Z0-9]{32}\/steps%20copy\.pdf$/)
    expect(presigned.searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host')
    expect(presigned.searchParams.get('X-Amz-Expires')).toBe('900')

    const bytes = await readFile(steps)
    const wrong = await fetch(presigned, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
    expect(wrong.status).toBe(403)
    expect(await wrong.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
    // Not usable before a successful PUT.
    const early = await call('/pdf/convert/to/png', { json: { url: r.body['url'] } })
    expect(early.status).toBe(400)

    const ok = await fetch(presigned, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: bytes })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('')
    const back = await download(r.body['url'] as string)
    expect(back.bytes.equals(bytes)).toBe(true)
  })

  it('rejects a tampered signature and uploads over maxUploadBytes', async () => {
    const r = await call('/file/upload/get-presigned-url?name=a.pdf&contenttype=application/pdf')
    const tampered = (r.body['presignedUrl'] as string).replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=Z')
    const res = await fetch(tampered, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: 'x' })
    expect(res.status).toBe(403)

    const tiny = await startEmulator({ apiKey: KEY, maxUploadBytes: 1000 })
    try {
      const p = await fetch(`${tiny.baseUrl}/file/upload/get-presigned-url?name=big.pdf`, { headers: { 'x-api-key': KEY } })
      const { presignedUrl, url } = (await p.json()) as { presignedUrl: string; url: string }
      // The emulator answers before reading the body; fetch may see the 400 or a reset.
      const big = await fetch(presignedUrl, { method: 'PUT', body: Buffer.alloc(5000) }).catch((err: unknown) => err)
      if (big instanceof Response) {
        expect(big.status).toBe(400)
        expect(await big.text()).toContain('EntityTooLarge')
      }
      const convert = await fetch(`${tiny.baseUrl}/pdf/convert/to/png`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      })
      expect(convert.status).toBe(400)
    } finally {
      await tiny.close()
    }
  })

  it('refuses input URLs that were not uploaded to it', async () => {
    const r = await call('/pdf/convert/to/png', { json: { url: 'https://example.invalid/a.pdf' } })
    expect(r).toMatchObject({ status: 400, body: { error: true, status: 400 } })
    const missing = await call('/pdf/convert/to/png', { json: {} })
    expect(missing.status).toBe(400)
  })
})

describe('sync conversion', () => {
  it.each([
    ['png', 'png'],
    ['jpg', 'jpeg'],
    ['webp', 'webp'],
  ] as const)('%s: one image per page in `urls`, at %s DPI sizes', async (format, sharpFormat) => {
    const r = await call(`/pdf/convert/to/${format}`, { json: { url: stepsUrl, pages: '0,2' } })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ error: false, status: 200, pageCount: 2, name: `result.${format}` })
    expect(r.body['outputLinkValidTill']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/)
    const urls = r.body['urls'] as string[]
    expect(urls).toHaveLength(2)
    expect(await sizeOf(urls[0] as string)).toEqual([150, 150, sharpFormat])
    expect(await sizeOf(urls[1] as string)).toEqual([450, 150, sharpFormat])
    const res = await fetch(urls[0] as string)
    expect(res.headers.get('content-type')).toBe(format === 'jpg' ? 'image/jpeg' : `image/${format}`)
    expect(Number(res.headers.get('content-length'))).toBe((await res.arrayBuffer()).byteLength)
  })

  it('tiff: one multi-page file in `url`, named after `name`', async () => {
    const r = await call('/pdf/convert/to/tiff', { json: { url: stepsUrl, name: 'scan.tif' } })
    expect(r.body).toMatchObject({ error: false, pageCount: 4, name: 'scan.tif' })
    expect(r.body['urls']).toBeUndefined()
    const d = await download(r.body['url'] as string)
    expect(d.type).toBe('image/tiff')
    const meta = await sharp(d.bytes).metadata()
    expect([meta.format, meta.pages]).toEqual(['tiff', 4])
    expect((await sharp(d.bytes, { page: 3 }).metadata()).width).toBe(600)
  })

  it('charges credits per page and reports the balance', async () => {
    emu.setCredits(1000)
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '1-2' } })
    expect(r.body).toMatchObject({ credits: 30, remainingCredits: 970 })
    expect((await call('/account/credit/balance')).body).toEqual({ remainingCredits: 970 })
  })

  it('uses JPEGQuality from profiles (single quotes allowed)', async () => {
    const low = await call('/pdf/convert/to/jpg', { json: { url: stepsUrl, pages: '3', profiles: "{ 'JPEGQuality': 5 }" } })
    const high = await call('/pdf/convert/to/jpg', { json: { url: stepsUrl, pages: '3', profiles: "{ 'profiles': [ { 'profile1': { 'JPEGQuality': 100 } } ] }" } })
    const lowBytes = (await download((low.body['urls'] as string[])[0] as string)).bytes.length
    const highBytes = (await download((high.body['urls'] as string[])[0] as string)).bytes.length
    expect(lowBytes).toBeLessThan(highBytes)
  })
})

describe('pages (0-based)', () => {
  it('parses N, N-M, N-, !N, inverted ranges and whitespace', () => {
    const ok = (text: string | undefined, count: number): readonly number[] => {
      const r = parsePdfCoPages(text, count)
      if (!r.ok) throw new Error(r.message)
      return r.pages
    }
    expect(ok(undefined, 3)).toEqual([0, 1, 2])
    expect(ok('  ', 3)).toEqual([0, 1, 2])
    expect(ok('0,2-5,7-', 9)).toEqual([0, 2, 3, 4, 5, 7, 8])
    expect(ok('!0', 4)).toEqual([3])
    expect(ok('!1', 4)).toEqual([2])
    expect(ok('!5-!2', 10)).toEqual([4, 5, 6, 7])
    expect(ok(' 1 - 2 , ! 0 ', 4)).toEqual([1, 2, 3])
    expect(ok('2-!0', 4)).toEqual([2, 3])
  })

  it('answers 449 for indices past either end and 450 for malformed text', () => {
    const code = (text: string, count: number): number | 'ok' => {
      const r = parsePdfCoPages(text, count)
      return r.ok ? 'ok' : r.errorCode
    }
    expect(code('4', 4)).toBe(449)
    expect(code('!4', 4)).toBe(449)
    expect(code('2-9', 4)).toBe(449)
    expect(code('a', 4)).toBe(450)
    expect(code('1,,2', 4)).toBe(450)
    expect(code('-2', 4)).toBe(450)
    expect(code('1-2-3', 4)).toBe(450)
    expect(code('3-1', 4)).toBe(450)
    expect(code('1.5', 4)).toBe(450)
  })

  it('converts `!0` to the last page and `1-` to pages 2..end over HTTP', async () => {
    const last = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '!0' } })
    expect(await sizeOf((last.body['urls'] as string[])[0] as string)).toEqual([600, 150, 'png'])
    const tail = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '2-' } })
    const widths = await Promise.all((tail.body['urls'] as string[]).map(async (u) => (await sizeOf(u))[0]))
    expect(widths).toEqual([450, 600])
  })
})

describe('errors', () => {
  it('449 / 450 as HTTP 400 with status and errorCode', async () => {
    for (const [pages, code] of [
      ['4', 449],
      ['x-1', 450],
    ] as const) {
      const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages } })
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ error: true, status: code, errorCode: code })
      expect(typeof r.body['message']).toBe('string')
    }
  })

  it('441 without or with a wrong password; converts with the right one', async () => {
    expect((await call('/pdf/convert/to/png', { json: { url: lockedUrl } })).body).toMatchObject({ errorCode: 441 })
    expect((await call('/pdf/convert/to/png', { json: { url: lockedUrl, password: 'nope' } })).body).toMatchObject({ errorCode: 441 })
    const ok = await call('/pdf/convert/to/png', { json: { url: lockedUrl, password: 'pw-123', pages: '1' } })
    expect(ok.body).toMatchObject({ error: false, pageCount: 1 })
    expect(await sizeOf((ok.body['urls'] as string[])[0] as string)).toEqual([1275, 1650, 'png'])
  })

  it('442 for a damaged PDF and for a non-PDF', async () => {
    for (const url of [damagedUrl, notPdfUrl]) {
      const r = await call('/pdf/convert/to/jpg', { json: { url } })
      expect(r).toMatchObject({ status: 400, body: { error: true, errorCode: 442 } })
    }
  })

  it('444 when profiles is not a string of JSON', async () => {
    expect((await call('/pdf/convert/to/png', { json: { url: stepsUrl, profiles: '{ JPEGQuality: ' } })).body).toMatchObject({ errorCode: 444 })
    expect((await call('/pdf/convert/to/png', { json: { url: stepsUrl, profiles: { JPEGQuality: 10 } } })).body).toMatchObject({ errorCode: 444 })
  })

  it('401 without or with a wrong key; the key works as a query parameter too', async () => {
    const none = await fetch(`${emu.baseUrl}/account/credit/balance`)
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ error: true, status: 401 })
    expect((await call('/account/credit/balance', { headers: { 'x-api-key': 'wrong' } })).status).toBe(401)
    expect((await call(`/account/credit/balance?x-api-key=${KEY}`)).status).toBe(200)
  })

  it('402 when credits run out (before rendering, for the pages asked)', async () => {
    emu.setCredits(20)
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '0-1' } }) // 2 x 15
    expect(r).toMatchObject({ status: 402, body: { error: true, status: 402 } })
    emu.setCredits(0)
    expect((await call('/file/upload/get-presigned-url?name=a.pdf')).status).toBe(402)
    expect((await call('/job/check', { json: { jobid: 'X' } })).status).toBe(402)
  })

  it('errorsAsHttp200: the same error bodies with HTTP 200', async () => {
    emu.faults.errorsAsHttp200 = true
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '9' } })
    expect(r).toMatchObject({ status: 200, body: { error: true, status: 449, errorCode: 449 } })
    expect((await call('/account/credit/balance', { headers: { 'x-api-key': 'bad' } })).status).toBe(200)
  })

  it('404 JSON for an unknown endpoint', async () => {
    expect((await call('/pdf/convert/to/bmp', { json: {} })).status).toBe(404)
  })
})

describe('async jobs and job/check', () => {
  it.each(['png', 'jpg', 'webp'] as const)('%s: placeholder 404 until success, then a JSON array of page URLs', async (format) => {
    emu.faults.processingMsPerPage = 150
    const r = await call(`/pdf/convert/to/${format}`, { json: { url: stepsUrl, pages: '0-1', async: true } })
    expect(r.body).toMatchObject({ error: false, status: 200, name: `result.${format}` })
    const jobId = r.body['jobId'] as string
    expect(jobId).toMatch(/^[A-Z0-9]{32}--\d+-\d+$/)
    const placeholder = r.body['url'] as string
    expect(new URL(placeholder).pathname).toMatch(new RegExp(`^/s3/${jobId.replace(/-/g, '\\-')}/[A-Z0-9]{32}\\.json$`))
    const early = await download(placeholder)
    expect(early.status).toBe(404)
    expect(early.bytes.toString()).toContain('<Code>NoSuchKey</Code>')
    expect((await call('/job/check', { json: { jobid: jobId } })).body).toMatchObject({ status: 'working', jobId })

    const done = await waitForJob(jobId)
    expect(done).toMatchObject({ status: 'success', message: 'Success', jobId, pageCount: 2, url: placeholder, credits: 2 })
    expect(typeof done['jobDuration']).toBe('number')
    expect(done['jobDuration'] as number).toBeGreaterThanOrEqual(300)
    const list = JSON.parse((await download(placeholder)).bytes.toString()) as string[]
    expect(list).toHaveLength(2)
    expect((await sizeOf(list[1] as string))[0]).toBe(300)
    const stats = emu.jobStats().find((j) => j.jobId === jobId)
    expect(stats).toMatchObject({ pages: [0, 1], status: 'success' })
    expect(stats?.finishedAtMs).toBeGreaterThanOrEqual(stats?.startedAtMs as number)
  })

  it('tiff: the placeholder is the multi-page TIFF itself', async () => {
    const r = await call('/pdf/convert/to/tiff', { body: new URLSearchParams({ url: stepsUrl, async: 'True', pages: '!1-!0' }) })
    const done = await waitForJob(r.body['jobId'] as string)
    expect(done['status']).toBe('success')
    const d = await download(r.body['url'] as string)
    const meta = await sharp(d.bytes).metadata()
    expect([meta.format, meta.pages, meta.width]).toEqual(['tiff', 2, 450])
  })

  it('processing errors surface as failed jobs with errorCode', async () => {
    for (const [json, code] of [
      [{ url: lockedUrl }, 441],
      [{ url: damagedUrl }, 442],
      [{ url: stepsUrl, pages: '7' }, 449],
      [{ url: stepsUrl, pages: '2-1' }, 450],
    ] as const) {
      const r = await call('/pdf/convert/to/png', { json: { ...json, async: true } })
      expect(r.status).toBe(200)
      const done = await waitForJob(r.body['jobId'] as string)
      expect(done).toMatchObject({ status: 'failed', error: true, errorCode: code })
      expect(typeof done['message']).toBe('string')
    }
  })

  it('unknown ids stay working unless force=true; jobId casing and form/query transports work', async () => {
    expect((await call('/job/check', { json: { jobId: 'NOPE' } })).body).toMatchObject({ status: 'working' })
    expect((await call('/job/check?jobid=NOPE&force=true')).body).toMatchObject({ status: 'unknown' })
    const form = new FormData()
    form.set('jobid', 'NOPE')
    form.set('force', 'true')
    expect((await call('/job/check', { body: form })).body).toMatchObject({ status: 'unknown' })
  })

  it('each check costs 2 credits', async () => {
    emu.setCredits(100)
    expect((await call('/job/check', { json: { jobid: 'A' } })).body['remainingCredits']).toBe(98)
  })

  it.each([
    ['failed', { status: 'failed', errorCode: 418 }],
    ['aborted', { status: 'aborted' }],
  ] as const)('jobOutcome %s', async (outcome, expected) => {
    emu.faults.jobOutcome = outcome
    emu.faults.jobFailErrorCode = 418
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, async: true } })
    expect(await waitForJob(r.body['jobId'] as string)).toMatchObject(expected)
  })

  it('jobOutcome stuck stays working', async () => {
    emu.faults.jobOutcome = 'stuck'
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, async: true } })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await call('/job/check', { json: { jobid: r.body['jobId'] } })).body['status']).toBe('working')
    expect((await download(r.body['url'] as string)).status).toBe(404)
  })

  it('missingResultList: success, but the result JSON answers 404', async () => {
    emu.faults.missingResultList = true
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '0', async: true } })
    expect((await waitForJob(r.body['jobId'] as string))['status']).toBe('success')
    expect((await download(r.body['url'] as string)).status).toBe(404)
  })

  it('jobs run concurrently, each taking pages x processingMsPerPage', async () => {
    emu.faults.processingMsPerPage = 400
    const a = await call('/pdf/convert/to/jpg', { json: { url: stepsUrl, pages: '0', async: true } })
    const b = await call('/pdf/convert/to/jpg', { json: { url: stepsUrl, pages: '1', async: true } })
    await Promise.all([waitForJob(a.body['jobId'] as string), waitForJob(b.body['jobId'] as string)])
    const [sa, sb] = [a, b].map((r) => emu.jobStats().find((j) => j.jobId === r.body['jobId']))
    // Overlap: the second started before the first finished.
    expect(sb?.startedAtMs).toBeLessThan(sa?.finishedAtMs as number)
    expect((sa?.finishedAtMs as number) - (sa?.startedAtMs as number)).toBeGreaterThanOrEqual(400)
  })
})

describe('output links', () => {
  it('expire after linkExpiryMs with 403 "Request has expired"', async () => {
    emu.faults.linkExpiryMs = 300
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '0' } })
    const url = (r.body['urls'] as string[])[0] as string
    expect((await download(url)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 400))
    const late = await download(url)
    expect(late.status).toBe(403)
    expect(late.bytes.toString()).toContain('Request has expired')
  })

  it('live `expiration` minutes by default', async () => {
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '0', expiration: 5 } })
    const till = Date.parse((r.body['outputLinkValidTill'] as string).replace(/(\.\d{3})\d{3}/, '$1'))
    expect(till - Date.now()).toBeGreaterThan(4 * 60_000)
    expect(till - Date.now()).toBeLessThanOrEqual(5 * 60_000)
    expect(new URL((r.body['urls'] as string[])[0] as string).searchParams.get('X-Amz-Expires')).toMatch(/^(299|300)$/)
  })
})

describe('faults', () => {
  it('latencyMs delays every API answer', async () => {
    emu.faults.latencyMs = 250
    const started = Date.now()
    await call('/account/credit/balance')
    expect(Date.now() - started).toBeGreaterThanOrEqual(240)
  })

  it('fail429Next with Retry-After, body as PDF.co sends it', async () => {
    emu.faults.fail429Next = 2
    emu.faults.retryAfterSeconds = 3
    const first = await call('/account/credit/balance')
    expect(first.status).toBe(429)
    expect(first.headers.get('retry-after')).toBe('3')
    expect(first.body).toMatchObject({ error: true, message: 'Too many requests (limit by your current plan). Please try again later' })
    expect((await call('/account/credit/balance')).status).toBe(429)
    expect((await call('/account/credit/balance')).status).toBe(200)
  })

  it('rateLimitPerSecond answers 429 above the rate (refused requests do not count)', async () => {
    const limited = await startEmulator({ apiKey: KEY, faults: { rateLimitPerSecond: 2 } })
    try {
      const balance = (): Promise<number> =>
        fetch(`${limited.baseUrl}/account/credit/balance`, { headers: { 'x-api-key': KEY } }).then((r) => r.status)
      const statuses = await Promise.all(Array.from({ length: 6 }, balance))
      expect(statuses.filter((s) => s === 200)).toHaveLength(2)
      expect(statuses.filter((s) => s === 429)).toHaveLength(4)
      expect(limited.requests.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429, 429])
    } finally {
      await limited.close()
    }
  })

  it('fail5xxNext with a chosen status, then back to normal', async () => {
    emu.faults.fail5xxNext = 1
    emu.faults.fail5xxStatus = 502
    expect((await call('/account/credit/balance')).status).toBe(502)
    expect((await call('/account/credit/balance')).status).toBe(200)
  })

  it('serverErrorRate answers a seeded share with 500', async () => {
    emu.faults.serverErrorRate = 1
    expect((await call('/account/credit/balance')).status).toBe(500)
    emu.faults.serverErrorRate = 0.5
    const statuses = []
    for (let i = 0; i < 30; i++) statuses.push((await call('/account/credit/balance')).status)
    expect(statuses).toContain(500)
    expect(statuses).toContain(200)
  })

  it('resetUploadNext drops the PUT mid-body; refusePutNext answers 403; the next PUT works', async () => {
    const bytes = await readFile(steps)
    const r = await call('/file/upload/get-presigned-url?name=r.pdf&contenttype=application/pdf')
    const put = (): Promise<Response> => fetch(r.body['presignedUrl'] as string, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: bytes })
    emu.faults.resetUploadNext = 1
    await expect(put()).rejects.toThrow()
    emu.faults.refusePutNext = 1
    const refused = await put()
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>')
    expect((await call('/pdf/convert/to/png', { json: { url: r.body['url'] } })).status).toBe(400) // still not uploaded
    expect((await put()).status).toBe(200)
  })

  it('resetDownloadNext cuts a download short, then serves it whole', async () => {
    const r = await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '3' } })
    const url = (r.body['urls'] as string[])[0] as string
    emu.faults.resetDownloadNext = 1
    await expect(fetch(url).then((res) => res.arrayBuffer())).rejects.toThrow()
    expect((await sizeOf(url))[0]).toBe(600)
  })
})

describe('request bodies and recording', () => {
  it('accepts JSON, form, multipart and query parameters alike', async () => {
    const form = new FormData()
    form.set('url', stepsUrl)
    form.set('pages', '1')
    const answers = [
      await call('/pdf/convert/to/png', { json: { url: stepsUrl, pages: '1' } }),
      await call('/pdf/convert/to/png', { body: new URLSearchParams({ url: stepsUrl, pages: '1' }) }),
      await call('/pdf/convert/to/png', { body: form }),
      await call(`/pdf/convert/to/png?${new URLSearchParams({ url: stepsUrl, pages: '1' })}`),
    ]
    for (const a of answers) {
      expect(a.body).toMatchObject({ error: false, pageCount: 1 })
      expect((await sizeOf((a.body['urls'] as string[])[0] as string))[0]).toBe(300)
    }
  })

  it('records every request with lower-case headers, merged params, body size and status', async () => {
    const before = emu.requests.length
    await call('/pdf/convert/to/png?name=rec.png', { json: { url: stepsUrl, pages: '0' }, headers: { 'X-Custom': 'yes' } })
    const rec = emu.requests[before]
    expect(rec).toMatchObject({
      method: 'POST',
      path: '/v1/pdf/convert/to/png',
      query: { name: 'rec.png' },
      params: { name: 'rec.png', url: stepsUrl, pages: '0' },
      status: 200,
    })
    expect(rec?.headers['x-custom']).toBe('yes')
    expect(rec?.headers['x-api-key']).toBe(KEY)
    expect(rec?.bodyBytes).toBe(JSON.stringify({ url: stepsUrl, pages: '0' }).length)
    expect(rec?.atMs).toBeLessThanOrEqual(Date.now())
  })
})
