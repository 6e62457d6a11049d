/**
 * The shared fixture corpus (PDF_CORPUS_DIR, its MANIFEST.json) through the PDF.co
 * engine and the emulator: page counts and pixel sizes match the manifest (±1 px at 150 DPI,
 * /Rotate applied), password files convert with their password and fail with the password error
 * without it, the damaged file fails as damaged.
 *
 * Decisions:
 * - Only the first pages are converted (at most 4 listed in the manifest; test_241.pdf: pages
 *   1-3), to keep the run short; the page count is checked against the engine's outcome.
 * - Manifest sizes are the raw page box; PDF 2.0 /UserUnit (issue19176.pdf, /UserUnit 72) scales
 *   it, so the expected size multiplies by the file's /UserUnit (read from its bytes).
 * - test_corrupted.pdf: the manifest says poppler cannot open it, and pdf.js cannot either, so the
 *   engine rejects it locally with 'file/damaged' before uploading; the emulator's own 442 answer
 *   for it ('pdfco/damaged-input') is checked through the client.
 * - Without a password, password files fail locally with 'file/password-required' (nothing is
 *   uploaded); the emulator's 441 ('pdfco/password') for the same file is checked via the client.
 * - r6-user-password.pdf "opens with an empty user password" in poppler, but pdf.js 5.6 (used by
 *   both our local inspection and the emulator) asks for a password; it is converted with its
 *   owner password (from the manifest's description) and the password-less run must end either
 *   done or with 'file/password-required' (so a pdf.js fix does not break the test).
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPdfCoEngine } from '../../electron/engines/pdfco/engine.ts'
import { ConversionQueue } from '../../electron/engines/queue.ts'
import { createPdfCoClient } from '../../electron/pdfco/client.ts'
import { pollJob } from '../../electron/pdfco/jobs.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'

interface ManifestPage {
  page: number
  widthPt: number
  heightPt: number
  rotate: number
}
interface ManifestFile {
  file: string
  pages: number | null
  userPassword?: string
  opensInPoppler?: boolean
  firstPages?: ManifestPage[]
}

const corpusDir = process.env['PDF_CORPUS_DIR'] ?? path.resolve(import.meta.dirname, '../../../shared/fixtures/pdfs')
const manifestPath = path.join(corpusDir, 'MANIFEST.json')
const hasCorpus = existsSync(manifestPath)
if (!hasCorpus) console.warn(`[corpus] skipped: no MANIFEST.json in ${corpusDir} (set PDF_CORPUS_DIR to the real-PDF folder)`)
const manifest: ManifestFile[] = hasCorpus ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: ManifestFile[] }).files : []

const KEY = 'corpus-test-key-5e21'

/** Files pdf.js cannot open as poppler does, with the password that opens them (see above). */
const PDFJS_PASSWORD: Readonly<Record<string, string>> = { 'r6-user-password.pdf': 'asdfzxcv' }

function passwordFor(f: ManifestFile): string | undefined {
  return f.userPassword ?? PDFJS_PASSWORD[f.file]
}
const DPI = 150

function pagesToConvert(f: ManifestFile): number[] {
  if (f.file === 'test_241.pdf') return [1, 2, 3]
  return (f.firstPages ?? []).slice(0, 4).map((p) => p.page)
}

function userUnit(file: string): number {
  const m = /\/UserUnit\s+([\d.]+)/.exec(readFileSync(path.join(corpusDir, file), 'latin1'))
  return m ? Number.parseFloat(m[1]!) : 1
}

function expectedPx(p: ManifestPage, unit: number): [number, number] {
  const w = (p.widthPt * unit * DPI) / 72
  const h = (p.heightPt * unit * DPI) / 72
  return p.rotate === 90 || p.rotate === 270 ? [h, w] : [w, h]
}

describe.skipIf(!hasCorpus)('real-PDF corpus through the PDF.co engine', () => {
  let emu: Emulator
  let out: string
  const results = new Map<string, { state: string; code?: string; pageCount?: number; files: { page: number; path: string }[] }>()

  beforeAll(async () => {
    emu = await startEmulator({ apiKey: KEY, dpi: DPI })
    out = await mkdtemp(path.join(tmpdir(), 'corpus-'))
    const engine = createPdfCoEngine({ apiKey: KEY, baseUrl: emu.baseUrl, pollSchedule: { firstDelayMs: 100, factor: 1.3, maxDelayMs: 500 } })
    const queue = new ConversionQueue({ engineFor: () => engine, concurrency: 3 })
    for (const f of manifest) {
      const pages = pagesToConvert(f)
      const base = { sourcePath: path.join(corpusDir, f.file), outputDir: path.join(out, f.file), format: 'png' as const, pages: pages.length > 0 ? pages : null }
      const password = passwordFor(f)
      queue.enqueue(f.file, { ...base, ...(password === undefined ? {} : { password }) })
      if (password !== undefined) queue.enqueue(`${f.file}#nopassword`, base)
    }
    await queue.whenIdle()
    for (const s of queue.list()) {
      results.set(s.id, {
        state: s.state,
        ...(s.error ? { code: s.error.code } : {}),
        ...(s.outcome ? { pageCount: s.outcome.pageCount } : {}),
        files: s.outcome ? s.outcome.files.map((f) => ({ page: f.page, path: f.path })) : [],
      })
    }
  }, 240_000)

  afterAll(async () => {
    await emu?.close()
    if (out) await rm(out, { recursive: true, force: true })
  })

  for (const f of manifest) {
    if (f.opensInPoppler === false) {
      it(`${f.file}: fails as damaged`, () => {
        expect(results.get(f.file)).toMatchObject({ state: 'failed', code: 'file/damaged' })
      })
      continue
    }
    it(`${f.file}: ${f.pages} pages, pixel sizes of pages ${pagesToConvert(f).join(',')} at ${DPI} DPI`, async () => {
      const r = results.get(f.file)
      expect(r, 'conversion result').toBeDefined()
      expect(r!.code, `error of ${f.file}`).toBeUndefined()
      expect(r!.state).toBe('done')
      expect(r!.pageCount).toBe(f.pages)
      const unit = userUnit(f.file)
      for (const p of (f.firstPages ?? []).filter((x) => pagesToConvert(f).includes(x.page))) {
        const file = r!.files.find((x) => x.page === p.page)
        expect(file, `page ${p.page} written`).toBeDefined()
        const meta = await sharp(file!.path).metadata()
        const [w, h] = expectedPx(p, unit)
        expect(Math.abs(meta.width! - w), `width of page ${p.page}: ${meta.width} vs ${w.toFixed(1)}`).toBeLessThanOrEqual(1)
        expect(Math.abs(meta.height! - h), `height of page ${p.page}: ${meta.height} vs ${h.toFixed(1)}`).toBeLessThanOrEqual(1)
      }
    })
    if (f.userPassword !== undefined) {
      it(`${f.file}: without its password fails with the password error`, () => {
        expect(results.get(`${f.file}#nopassword`)).toMatchObject({ state: 'failed', code: 'file/password-required' })
      })
    } else if (PDFJS_PASSWORD[f.file] !== undefined) {
      it(`${f.file}: without a password converts, or needs one (pdf.js limitation)`, () => {
        const r = results.get(`${f.file}#nopassword`)
        expect(r?.state === 'done' || r?.code === 'file/password-required', JSON.stringify(r)).toBe(true)
      })
    }
  }

  it('the emulator itself answers 441 for a password file without password and 442 for the damaged file', async () => {
    const client = createPdfCoClient({ apiKey: KEY, baseUrl: emu.baseUrl })
    const run = async (file: string): Promise<unknown> => {
      const p = await client.getPresignedUrl({ name: file, contentType: 'application/pdf' })
      await client.uploadFile({ presignedUrl: p.presignedUrl, path: path.join(corpusDir, file), contentType: 'application/pdf' })
      const ack = await client.convert('png', { url: p.url, async: true, pages: '0' })
      return pollJob(client, ack.jobId!, { schedule: { firstDelayMs: 100 } }).catch((err: unknown) => err)
    }
    const password = manifest.find((f) => f.userPassword !== undefined)
    const damaged = manifest.find((f) => f.opensInPoppler === false)
    if (password) expect(await run(password.file)).toMatchObject({ code: 'pdfco/password', pdfcoCode: 441 })
    if (damaged) expect(await run(damaged.file)).toMatchObject({ code: 'pdfco/damaged-input', pdfcoCode: 442 })
  })
})
