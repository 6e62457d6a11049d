/**
 * Resume at the engine level, in process, against the emulator: a conversion interrupted at an
 * observed point leaves a journal; a "restarted" journal store (another instance, as after a crash)
 * resumes it. Checks what the emulator saw (no second upload, no second job for pages a valid job
 * covers), what is on disk (no duplicates, no temp files, kept pages untouched), and the re-run
 * paths: expired links, an expired upload, a job PDF.co no longer knows, a changed source, a page
 * the user deleted, TIFF.
 *
 * The crash itself (SIGKILL of the CLI at random points) is in cli-resume.test.ts.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createPdfCoEngine, type PdfCoEngineOptions } from '../../electron/engines/pdfco/engine.ts'
import type { ConversionEvent, ConversionRequest } from '../../electron/engines/types.ts'
import { openJournalStore, type JournalStore } from '../../electron/journal/journal.ts'
import type { FileProgress } from '../../electron/journal/progress.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator, type EmulatorFaults } from '../pdfco-emulator/server.ts'
import { converts, imageDownloads, listing, pagesOf, presigns, SMALL_PAGE, SMALL_PAGE_PX } from '../helpers/reliability.ts'

const KEY = 'resume-engine-key-5c1e77'
let emu: Emulator
let dir: string
const defaults: Partial<EmulatorFaults> = {}
let n = 0

function engine(extra: Partial<PdfCoEngineOptions> = {}) {
  return createPdfCoEngine({
    apiKey: KEY,
    baseUrl: emu.baseUrl,
    chunkSize: 3,
    parallelJobs: 2,
    pollSchedule: { firstDelayMs: 30, minDelayMs: 20, maxDelayMs: 100, factor: 1.3 },
    ...extra,
  })
}

interface Interrupted {
  readonly store: JournalStore
  readonly journalDir: string
  readonly batchId: string
  readonly out: string
  readonly pdf: string
  readonly request: ConversionRequest
  readonly events: ConversionEvent[]
}

/** Runs one conversion under a fresh journal and cancels it once `stop` says so. */
async function interrupted(
  pages: number,
  stop: (e: ConversionEvent, events: readonly ConversionEvent[]) => boolean,
  extra: { format?: ConversionRequest['format']; engine?: Partial<PdfCoEngineOptions> } = {},
): Promise<Interrupted> {
  const id = ++n
  const journalDir = path.join(dir, `journal-${id}`)
  const out = path.join(dir, `out-${id}`)
  const pdf = await makePagesPdf(dir, `doc${id}.pdf`, pages, SMALL_PAGE)
  const store = await openJournalStore({ dir: journalDir })
  const request: ConversionRequest = { sourcePath: pdf, outputDir: out, format: extra.format ?? 'png', pages: null }
  const batch = await store.createBatch({
    origin: 'cli',
    outputDir: out,
    format: request.format,
    overwrite: false,
    files: [{ key: '1', sourcePath: pdf, pages: null, pageRange: null, needsPassword: false }],
  })
  await batch.setFileState('1', 'running')
  const controller = new AbortController()
  const events: ConversionEvent[] = []
  await expect(
    engine(extra.engine).convert(request, {
      signal: controller.signal,
      checkpoint: batch.checkpoint('1'),
      onEvent: (e) => {
        events.push(e)
        if (!controller.signal.aborted && stop(e, events)) controller.abort()
      },
    }),
  ).rejects.toMatchObject({ code: 'cancelled' })
  await batch.flush()
  return { store, journalDir, batchId: batch.batchId, out, pdf, request, events }
}

/** A restart: a new store instance finds the batch and resumes the file. */
async function resume(run: Interrupted, extra: Partial<PdfCoEngineOptions> = {}, edit?: (p: FileProgress) => FileProgress) {
  const store = await openJournalStore({ dir: run.journalDir })
  const found = await store.listResumable({ outputDir: run.out })
  expect(found.map((b) => b.record.batchId)).toEqual([run.batchId])
  const batch = await store.resumeBatch(run.batchId)
  if (edit !== undefined) {
    const previous = batch.checkpoint('1').previous
    if (previous !== null) await batch.checkpoint('1').save(edit(previous))
  }
  const checkpoint = batch.checkpoint('1')
  const before = checkpoint.previous
  const from = emu.requests.length
  const events: ConversionEvent[] = []
  const outcome = await engine(extra).convert(run.request, { checkpoint, onEvent: (e) => events.push(e) })
  await batch.setFileState('1', 'done')
  await batch.end('ended')
  return { outcome, events, before, requests: emu.requests.slice(from) }
}

const written = (events: readonly ConversionEvent[]) => events.filter((e) => e.type === 'page-written').length

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  Object.assign(defaults, emu.faults)
  dir = await mkdtemp(path.join(os.tmpdir(), 'resume-engine-'))
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  Object.assign(emu.faults, defaults)
})

describe('resume from the journal (engine)', () => {
  it('after 3 of 12 pages: keeps them, picks up the recorded jobs, uploads nothing, converts no page twice', async () => {
    emu.faults.processingMsPerPage = 40
    const run = await interrupted(12, (e, all) => e.type === 'page-written' && written(all) >= 3)
    const keptBefore = await listing(run.out)
    expect(keptBefore.length).toBeGreaterThanOrEqual(3)
    expect(keptBefore.length).toBeLessThan(12)
    const r = await resume(run)
    const recorded = r.before!
    expect(recorded.upload).toBeDefined()
    expect(recorded.jobs.length).toBeGreaterThan(0)
    // What PDF.co saw on resume: no upload; no new job for a page a recorded job covers.
    expect(presigns(r.requests)).toHaveLength(0)
    const recordedPages = new Set(recorded.jobs.flatMap((j) => j.pages))
    const newJobPages = converts(r.requests).flatMap(pagesOf)
    for (const p of newJobPages) expect(recordedPages.has(p)).toBe(false)
    // Kept pages are not downloaded again.
    expect(imageDownloads(r.requests)).toHaveLength(12 - keptBefore.length)
    // Pages charged by this run: those of the jobs it saw succeed, never the kept ones (the
    // file's credit figure is built on it).
    expect(r.outcome.pagesCharged).toBeGreaterThanOrEqual(newJobPages.length)
    expect(r.outcome.pagesCharged).toBeLessThanOrEqual(12 - keptBefore.length)
    // Disk: exactly the 12 pages, no duplicates, no temp files; every page reported once.
    const stem = path.basename(run.pdf, '.pdf')
    expect(await listing(run.out)).toEqual(Array.from({ length: 12 }, (_, i) => `${stem}-${String(i + 1).padStart(2, '0')}.png`))
    expect(written(r.events)).toBe(12)
    expect(r.outcome.files).toHaveLength(12)
    for (const f of r.outcome.files) {
      const meta = await sharp(f.path).metadata()
      expect([meta.width, meta.height]).toEqual(SMALL_PAGE_PX)
    }
    // Ended with everything done: the journal is gone.
    expect(await readdir(run.journalDir)).toEqual([])
  })

  it('interrupted right after the upload: the upload is used again', async () => {
    const run = await interrupted(4, (e) => e.type === 'stage' && e.stage === 'converting')
    const r = await resume(run)
    expect(r.before?.upload).toBeDefined()
    expect(presigns(r.requests)).toHaveLength(0)
    expect(await listing(run.out)).toHaveLength(4)
  })

  it('links expiring within the safety margin are not used: those pages are converted again on the recorded upload', async () => {
    emu.faults.linkExpiryMs = 150_000 // links die 2.5 min after each job succeeds
    const run = await interrupted(6, (e, all) => e.type === 'page-written' && written(all) >= 1)
    emu.faults.linkExpiryMs = null
    const skewMs = 60_000 // one minute later: 1.5 min left < the 2 min margin
    const r = await resume(run, { now: () => Date.now() + skewMs })
    const succeeded = r.before!.jobs.filter((j) => j.state === 'succeeded')
    expect(succeeded.length).toBeGreaterThan(0)
    const rerun = new Set(converts(r.requests).flatMap(pagesOf))
    for (const j of succeeded) for (const p of j.pages) if (!r.before!.written.some((w) => w.page === p)) expect(rerun.has(p)).toBe(true)
    expect(presigns(r.requests)).toHaveLength(0)
    expect(await listing(run.out)).toHaveLength(6)
  })

  it('an upload older than 50 min is made again; a job PDF.co does not know is converted again', async () => {
    emu.faults.processingMsPerPage = 100
    const run = await interrupted(6, (e, all) => e.type === 'job-status' && all.filter((x) => x.type === 'job-submitted').length === 2)
    expect(await listing(run.out)).toEqual([])
    const r = await resume(run, {}, (p) => ({
      ...p,
      upload: p.upload === undefined ? undefined : { ...p.upload, uploadedAtMs: p.upload.uploadedAtMs - 55 * 60_000 },
      jobs: p.jobs.map((j) => ({ ...j, jobId: `GONE${j.jobId.slice(4)}`, state: 'submitted' as const, pageUrls: undefined, validTillMs: undefined })),
    }))
    // The first check of a picked-up job asks with force=true and learns it is unknown.
    const checks = r.requests.filter((q) => q.path === '/v1/job/check' && String(q.params['jobid']).startsWith('GONE'))
    expect(checks.length).toBeGreaterThan(0)
    expect(checks.every((q) => q.params['force'] === true)).toBe(true)
    expect(r.events.some((e) => e.type === 'warning' && /again/.test(e.message))).toBe(true)
    expect(presigns(r.requests)).toHaveLength(1)
    expect(await listing(run.out)).toHaveLength(6)
  })

  it('a page the user deleted is converted again; the others stay as they are', async () => {
    const run = await interrupted(5, (e, all) => e.type === 'page-written' && written(all) >= 3)
    const first = (await listing(run.out))[0]!
    await rm(path.join(run.out, first))
    const stats = await Promise.all((await listing(run.out)).map((f) => stat(path.join(run.out, f))))
    const r = await resume(run)
    expect(await listing(run.out)).toHaveLength(5)
    expect(converts(r.requests).flatMap(pagesOf)).not.toContain(1) // page 1 comes from a recorded job…
    expect(imageDownloads(r.requests).length).toBe(5 - stats.length) // …downloaded again, others not
  })

  it('a truncated page an earlier run recorded (size and SHA-256 of the truncated bytes) is converted again, not kept', async () => {
    const run = await interrupted(5, (e, all) => e.type === 'page-written' && written(all) >= 3)
    const onDisk = (await listing(run.out)).length
    const name = (await listing(run.out))[0]!
    const file = path.join(run.out, name)
    const bytes = await readFile(file)
    const half = bytes.subarray(0, Math.floor(bytes.length / 2))
    await writeFile(file, half)
    const sha256 = createHash('sha256').update(half).digest('hex')
    const r = await resume(run, {}, (p) => ({
      ...p,
      written: p.written.map((w) => (w.name === name ? { ...w, sizeBytes: half.length, sha256, state: 'written' as const } : w)),
    }))
    expect(r.outcome.files).toHaveLength(5)
    const names = await listing(run.out)
    expect(names).toHaveLength(5)
    for (const n of names) expect((await sharp(path.join(run.out, n)).raw().toBuffer({ resolveWithObject: true })).info.width).toBe(SMALL_PAGE_PX[0])
    expect(imageDownloads(r.requests)).toHaveLength(5 - onDisk + 1) // the missing pages and the truncated one
  })

  it('a changed source starts over, with a warning', async () => {
    const run = await interrupted(3, (e, all) => e.type === 'page-written' && written(all) >= 1)
    const later = new Date(Date.now() + 5_000)
    await utimes(run.pdf, later, later)
    const r = await resume(run)
    expect(r.events.some((e) => e.type === 'warning' && /changed/.test(e.message))).toBe(true)
    expect(presigns(r.requests)).toHaveLength(1)
    expect(r.outcome.files).toHaveLength(3)
  })

  it('TIFF: an interrupted job is polled again and its one file downloaded; no second job', async () => {
    emu.faults.processingMsPerPage = 60
    const run = await interrupted(3, (e) => e.type === 'job-submitted', { format: 'tiff' })
    const r = await resume(run)
    expect(converts(r.requests)).toHaveLength(0)
    expect(presigns(r.requests)).toHaveLength(0)
    expect(await listing(run.out)).toEqual([`${path.basename(run.pdf, '.pdf')}.tif`])
    expect((await sharp(r.outcome.files[0]!.path).metadata()).pages).toBe(3)
  })
})
