/**
 * The PDF.co engine against the emulator: files on disk with the right names and pixel sizes,
 * chunked jobs on one upload, page order, a failed chunk retried alone, local checks before any
 * upload, faults ending as specified, cancellation leaving no partial or temp files.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import sharp from 'sharp'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createPdfCoEngine, type PdfCoEngineOptions } from '../../electron/engines/pdfco/engine.ts'
import type { ConversionEvent, ConversionRequest } from '../../electron/engines/types.ts'
import { AppError } from '../../electron/errors.ts'
import { isTempFileName } from '../../electron/files/atomic-write.ts'
import { makeEncryptedPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator, type EmulatorFaults } from '../pdfco-emulator/server.ts'

const KEY = 'engine-test-key-91be'
const LETTER_PX = [1275, 1650] // 612 x 792 pt at the emulator's 150 DPI

let emu: Emulator
let dir: string
let pdf3: string
let pdf14: string
let pdf6: string
let locked: string
const defaults: Partial<EmulatorFaults> = {}
let outCount = 0

function engine(overrides: Partial<PdfCoEngineOptions> = {}) {
  return createPdfCoEngine({ apiKey: KEY, baseUrl: emu.baseUrl, pollSchedule: { firstDelayMs: 100, factor: 1.3, maxDelayMs: 400 }, ...overrides })
}

async function freshOut(): Promise<string> {
  return mkdtemp(path.join(dir, `out-${++outCount}-`))
}

function request(sourcePath: string, outputDir: string, extra: Partial<ConversionRequest> = {}): ConversionRequest {
  return { sourcePath, outputDir, format: 'png', pages: null, ...extra }
}

async function listing(d: string): Promise<string[]> {
  return (await readdir(d)).sort()
}

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p
  } catch (err) {
    return err as AppError
  }
  throw new Error('expected a rejection')
}

const since = (from: number) => emu.requests.slice(from)
const converts = (from: number) => since(from).filter((r) => r.path.startsWith('/v1/pdf/convert/to/'))

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY })
  Object.assign(defaults, emu.faults)
  dir = await mkdtemp(path.join(tmpdir(), 'engine-it-'))
  pdf3 = await makePagesPdf(dir, 'three.pdf', 3)
  pdf6 = await makePagesPdf(dir, 'six.pdf', 6)
  pdf14 = await makePagesPdf(dir, 'name.pdf', 14)
  locked = await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'open-sesame', pages: 2 })
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  Object.assign(emu.faults, defaults)
})

describe('PDF.co engine: happy paths', () => {
  it.each([
    ['png', 'png', 'png'],
    ['jpg', 'jpg', 'jpeg'],
    ['webp', 'webp', 'webp'],
  ] as const)('%s: one file per page with the right pixel size', async (format, ext, sharpFormat) => {
    const out = await freshOut()
    const outcome = await engine().convert(request(pdf3, out, { format }))
    expect(outcome).toMatchObject({ engine: 'pdfco', pageCount: 3 })
    expect(await listing(out)).toEqual([`three-1.${ext}`, `three-2.${ext}`, `three-3.${ext}`])
    expect(outcome.files.map((f) => path.basename(f.path))).toEqual([`three-1.${ext}`, `three-2.${ext}`, `three-3.${ext}`])
    for (const f of outcome.files) {
      const meta = await sharp(f.path).metadata()
      expect(meta.format).toBe(sharpFormat)
      expect([meta.width, meta.height]).toEqual(LETTER_PX)
    }
  })

  it('tiff: one multi-page file from a single job', async () => {
    const out = await freshOut()
    const from = emu.requests.length
    const outcome = await engine({ chunkSize: 1 }).convert(request(pdf3, out, { format: 'tiff' }))
    expect(await listing(out)).toEqual(['three.tif'])
    expect(outcome.files).toEqual([expect.objectContaining({ page: 1, pageCount: 3 })])
    const meta = await sharp(outcome.files[0]!.path).metadata()
    expect(meta.format).toBe('tiff')
    expect(meta.pages).toBe(3)
    expect([meta.width, meta.height]).toEqual(LETTER_PX)
    expect(converts(from)).toHaveLength(1)
  })

  it('pages 2-4 of a 14-page PDF → name-02.png … name-04.png, written in order', async () => {
    const out = await freshOut()
    const events: ConversionEvent[] = []
    await engine().convert(request(pdf14, out, { pageRange: '2-4' }), { onEvent: (e) => events.push(e) })
    expect(await listing(out)).toEqual(['name-02.png', 'name-03.png', 'name-04.png'])
    const written = events.filter((e) => e.type === 'page-written')
    expect(written.map((e) => [e.page, e.pagesDone, e.pagesTotal])).toEqual([
      [2, 1, 3],
      [3, 2, 3],
      [4, 3, 3],
    ])
    const stages = events.filter((e) => e.type === 'stage').map((e) => e.stage)
    expect(stages).toEqual(['inspecting', 'uploading', 'converting', 'downloading', 'done'])
    expect(events.find((e) => e.type === 'inspected')).toEqual({ type: 'inspected', pageCount: 14, pagesTotal: 3 })
    expect(events.some((e) => e.type === 'upload-progress' && e.bytesSent === e.bytesTotal)).toBe(true)
  })

  it('chunking: one upload, N parallel jobs with the right 0-based pages, pages written in page order', async () => {
    const out = await freshOut()
    const from = emu.requests.length
    const events: ConversionEvent[] = []
    const outcome = await engine({ chunkSize: 4, parallelJobs: 3 }).convert(request(pdf14, out), { onEvent: (e) => events.push(e) })
    expect(outcome.files).toHaveLength(14)
    expect(since(from).filter((r) => r.method === 'PUT')).toHaveLength(1)
    expect(since(from).filter((r) => r.path === '/v1/file/upload/get-presigned-url')).toHaveLength(1)
    const jobs = converts(from)
    expect(jobs.map((r) => r.params['pages']).sort()).toEqual(['0-3', '12-13', '4-7', '8-11'])
    expect(new Set(jobs.map((r) => r.params['url'])).size).toBe(1)
    expect(jobs.every((r) => r.params['async'] === true)).toBe(true)
    const written = events.filter((e) => e.type === 'page-written').map((e) => e.page)
    expect(written).toEqual(Array.from({ length: 14 }, (_, i) => i + 1))
    expect(events.filter((e) => e.type === 'job-submitted').map((e) => e.pages.length).sort()).toEqual([2, 4, 4, 4])
    // Jobs overlapped at the emulator (parallel, not one after another).
    const stats = emu.jobStats().slice(-4)
    const firstEnd = Math.min(...stats.map((s) => s.finishedAtMs ?? Infinity))
    expect(stats.filter((s) => s.startedAtMs < firstEnd).length).toBeGreaterThan(1)
    expect(await listing(out)).toEqual(Array.from({ length: 14 }, (_, i) => `name-${String(i + 1).padStart(2, '0')}.png`))
  })

  it('a failed chunk is retried alone', async () => {
    const out = await freshOut()
    const from = emu.requests.length
    emu.faults.jobOutcome = 'failed'
    const events: ConversionEvent[] = []
    const outcome = await engine({ chunkSize: 2, parallelJobs: 1 }).convert(request(pdf6, out), {
      onEvent: (e) => {
        events.push(e)
        if (e.type === 'job-submitted') emu.faults.jobOutcome = 'success'
      },
    })
    expect(outcome.files).toHaveLength(6)
    // Only the failed chunk is sent again; the next chunk may take the slot the job model lent
    // before the retry is submitted, so the order of submissions is not fixed.
    expect(converts(from).map((r) => r.params['pages']).sort()).toEqual(['0-1', '0-1', '2-3', '4-5'])
    expect(events.some((e) => e.type === 'warning' && /Retrying pages 1-2/.test(e.message))).toBe(true)
    expect(since(from).filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  it('never overwrites by default; overwrite replaces', async () => {
    const out = await freshOut()
    await engine().convert(request(pdf3, out, { pages: [1] }))
    await engine().convert(request(pdf3, out, { pages: [1] }))
    expect(await listing(out)).toEqual(['three-1 (2).png', 'three-1.png'])
    await engine().convert(request(pdf3, out, { pages: [1], overwrite: true }))
    expect(await listing(out)).toEqual(['three-1 (2).png', 'three-1.png'])
  })

  it('password-protected PDF converts with its password', async () => {
    const out = await freshOut()
    const from = emu.requests.length
    await engine().convert(request(locked, out, { password: 'open-sesame' }))
    expect(await listing(out)).toEqual(['locked-1.png', 'locked-2.png'])
    expect(converts(from)[0]!.params['password']).toBe('open-sesame')
  })
})

describe('PDF.co engine: failures', () => {
  it('password problems and bad page ranges are found locally, before any upload', async () => {
    const out = await freshOut()
    const from = emu.requests.length
    expect(await caught(engine().convert(request(locked, out)))).toMatchObject({ code: 'file/password-required' })
    expect(await caught(engine().convert(request(locked, out, { password: 'nope' })))).toMatchObject({ code: 'file/wrong-password' })
    const range = await caught(engine().convert(request(pdf3, out, { pageRange: '2-9' })))
    expect(range).toMatchObject({ code: 'input/page-range' })
    expect(range.message).toContain('page 9 is past the end: this PDF has 3 pages')
    expect(await caught(engine().convert(request(pdf3, out, { pages: [4] })))).toMatchObject({ code: 'input/page-range' })
    expect(since(from)).toEqual([])
    expect(await listing(out)).toEqual([])
  })

  it('a wrong API key → pdfco/unauthorized; the key is in no error or event', async () => {
    const out = await freshOut()
    const secret = 'bad-key-SECRET-0c1d'
    const events: ConversionEvent[] = []
    const err = await caught(createPdfCoEngine({ apiKey: secret, baseUrl: emu.baseUrl }).convert(request(pdf3, out), { onEvent: (e) => events.push(e) }))
    expect(err).toMatchObject({ code: 'pdfco/unauthorized' })
    const dump = [inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err, Object.getOwnPropertyNames(err)), JSON.stringify(events)].join('\n')
    expect(dump).not.toContain(secret)
    expect(events.at(-1)).toMatchObject({ type: 'failed', error: { code: 'pdfco/unauthorized' } })
  })

  it('402 during conversion → pdfco/no-credits', async () => {
    const out = await freshOut()
    emu.setCredits(0)
    try {
      expect(await caught(engine().convert(request(pdf3, out)))).toMatchObject({ code: 'pdfco/no-credits' })
    } finally {
      emu.setCredits(1_000_000)
    }
  })

  it('a job stuck in working ends at the deadline with pdfco/timeout and leaves nothing behind', async () => {
    const out = await freshOut()
    emu.faults.jobOutcome = 'stuck'
    const err = await caught(engine({ jobDeadlineMs: 800 }).convert(request(pdf3, out)))
    expect(err).toMatchObject({ code: 'pdfco/timeout' })
    expect(await listing(out)).toEqual([])
  })

  it('job aborted twice (chunk retry included) → pdfco/job-aborted', async () => {
    const out = await freshOut()
    const from = emu.requests.length
    emu.faults.jobOutcome = 'aborted'
    expect(await caught(engine().convert(request(pdf3, out)))).toMatchObject({ code: 'pdfco/job-aborted' })
    expect(converts(from)).toHaveLength(2)
  })

  it('a missing result list → pdfco/bad-response after one chunk retry', async () => {
    const out = await freshOut()
    const from = emu.requests.length
    emu.faults.missingResultList = true
    const err = await caught(engine().convert(request(pdf3, out)))
    expect(err).toMatchObject({ code: 'pdfco/bad-response' })
    expect(err.message).toMatch(/missing/)
    expect(converts(from)).toHaveLength(2)
    expect(await listing(out)).toEqual([])
  })

  it('expired result links → a new job is submitted; always expired → pdfco/bad-response', async () => {
    const out = await freshOut()
    emu.faults.linkExpiryMs = 0
    const err = await caught(engine().convert(request(pdf3, out)))
    expect(err).toMatchObject({ code: 'pdfco/bad-response' })
    expect(err.message).toMatch(/expired/)
    expect(await listing(out)).toEqual([])
  })

  it('a refused PUT is retried once with a fresh presigned URL; refused again → pdfco/bad-request', async () => {
    const out = await freshOut()
    let from = emu.requests.length
    emu.faults.refusePutNext = 1
    await engine().convert(request(pdf3, out, { pages: [1] }))
    expect(since(from).filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([403, 200])
    from = emu.requests.length
    emu.faults.refusePutNext = 2
    expect(await caught(engine().convert(request(pdf3, out, { pages: [1] })))).toMatchObject({ code: 'pdfco/bad-request', httpStatus: 403 })
    expect(converts(from)).toHaveLength(0)
  })

  it('resets mid-upload and mid-download are retried and the conversion succeeds', async () => {
    const out = await freshOut()
    emu.faults.resetUploadNext = 1
    emu.faults.resetDownloadNext = 2
    const outcome = await engine().convert(request(pdf3, out))
    expect(outcome.files).toHaveLength(3)
    for (const f of outcome.files) expect((await sharp(f.path).metadata()).height).toBe(LETTER_PX[1])
  })
})

describe('PDF.co engine: cancellation', () => {
  it('cancel mid-job leaves no files and no temp files', async () => {
    const out = await freshOut()
    emu.faults.processingMsPerPage = 400
    const controller = new AbortController()
    const events: ConversionEvent[] = []
    const err = await caught(
      engine().convert(request(pdf6, out), {
        signal: controller.signal,
        onEvent: (e) => {
          events.push(e)
          if (e.type === 'job-submitted') controller.abort()
        },
      }),
    )
    expect(err).toMatchObject({ code: 'cancelled' })
    expect(events.filter((e) => e.type === 'stage').at(-1)).toMatchObject({ stage: 'cancelled' })
    expect(await listing(out)).toEqual([])
  })

  it('cancel mid-download keeps the finished pages (whole files) and no temp files', async () => {
    const out = await freshOut()
    const controller = new AbortController()
    const err = await caught(
      engine({ chunkSize: 2, parallelJobs: 1, downloadConcurrency: 1 }).convert(request(pdf6, out), {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'page-written' && e.page === 1) controller.abort()
        },
      }),
    )
    expect(err).toMatchObject({ code: 'cancelled' })
    const files = await listing(out)
    expect(files.filter(isTempFileName)).toEqual([])
    expect(files.length).toBeGreaterThanOrEqual(1)
    expect(files.length).toBeLessThan(6)
    for (const f of files) expect((await sharp(path.join(out, f)).metadata()).width).toBe(LETTER_PX[0])
  })
})
