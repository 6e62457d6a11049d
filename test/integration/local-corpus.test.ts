/**
 * The local engine (PDFium) on real PDFs (the shared fixture corpus, or $PDF_CORPUS_DIR), compared
 * with poppler's `pdftoppm` (with poppler-data and fonts-noto-cjk installed, so that it draws CJK text). Skipped with a message when the corpus or pdftoppm is absent.
 *
 * Reference renders use `pdftoppm -cropbox` (pdftoppm renders the MediaBox by default; viewers and
 * this engine show the CropBox, e.g. test_241.pdf's pages are 385 x 526 pt inside a Letter
 * MediaBox). pdftoppm ignores /UserUnit, so issue19176.pdf (/UserUnit 72) is compared with
 * pdftoppm at 72 times the DPI.
 *
 * Thresholds, measured on this corpus at 72 DPI (lowest value seen in brackets):
 * - pixel size: equal to pdftoppm's ±1 px (pdftoppm rounds up, we round to nearest);
 * - ink: both images scaled to 64 px wide greyscale, a cell is ink when darker than 250;
 *   intersection over union of the ink cells ≥ 0.75 [0.775] and correlation of the grey values
 *   ≥ 0.85 [0.91];
 * - glyph shapes (text pages at 150 DPI, 256 px wide): grey correlation ≥ 0.9 [0.94]; glyphs
 *   drawn as boxes score about 0.75.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../electron/errors.ts'
import { createLocalEngine, type LocalConversionRequest, type LocalEngine } from '../../electron/engines/local/local-engine.ts'
import { inkSimilarity } from '../helpers/ink-similarity.ts'
import { makeCjkPdf } from '../helpers/local-make-pdf.ts'

const CORPUS = process.env['PDF_CORPUS_DIR'] || path.resolve(import.meta.dirname, '../../../shared/fixtures/pdfs')
const MANIFEST = path.join(CORPUS, 'MANIFEST.json')
const hasCorpus = existsSync(MANIFEST)
const hasPdftoppm = spawnSync('pdftoppm', ['-v']).status === 0
if (!hasCorpus) console.warn(`local-corpus.test.ts skipped: no PDF corpus at ${CORPUS} (set PDF_CORPUS_DIR)`)
if (hasCorpus && !hasPdftoppm) console.warn('local-corpus.test.ts: pdftoppm comparisons skipped (install poppler-utils)')

interface ManifestFile {
  readonly file: string
  readonly pages: number | null
  readonly userPassword?: string
  readonly opensInPoppler?: boolean
  readonly firstPages?: readonly { readonly page: number }[]
}
const manifest: readonly ManifestFile[] = hasCorpus
  ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { files: ManifestFile[] }).files
  : []

/** /UserUnit of corpus pages that have one (pdftoppm ignores it). */
const USER_UNIT: Readonly<Record<string, number>> = { 'issue19176.pdf': 72 }
/** Files that PDFium and poppler open differently; tested on their own below. */
const OPENS_DIFFERENTLY: Readonly<Record<string, string>> = {
  'r6-user-password.pdf': 'PDFium asks for a password; poppler opens it with the empty user password',
}
/** Pages whose pixels are not comparable with poppler's, and why (they have their own checks). */
const INK_EXCEPTIONS: Readonly<Record<string, string>> = {
  'jpx_smaskindata.pdf': 'PDFium and poppler composite this JPEG 2000 image with /SMaskInData differently (grey correlation 0.63); it has its own not-blank check',
  'imagemagick-CCITTFaxDecode.pdf': 'the page is 3.84 pt: 4 x 4 px at 72 DPI',
}
const PAGES_PER_FILE = 4
const DPI = 72

let dir: string
let engine: LocalEngine

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'local-corpus-'))
  engine = createLocalEngine({ workers: 2 })
})
afterAll(async () => {
  await engine?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

let runs = 0
function outDir(): string {
  runs++
  return path.join(dir, `run-${runs}`)
}

/** Renders pages with pdftoppm into `dir`; returns page → PNG path. */
function pdftoppm(file: string, pages: readonly number[], dpi: number, password?: string): Map<number, string> {
  const out = new Map<number, string>()
  const folder = outDir()
  spawnSync('mkdir', ['-p', folder])
  for (const page of pages) {
    const prefix = path.join(folder, `p${page}`)
    const args = [...(password === undefined ? [] : ['-upw', password]), '-r', String(dpi), '-cropbox', '-png', '-f', String(page), '-l', String(page), '-singlefile', file, prefix]
    const result = spawnSync('pdftoppm', args, { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`pdftoppm failed on ${file} page ${page}: ${result.stderr}`)
    out.set(page, `${prefix}.png`)
  }
  return out
}

async function convert(file: string, extra: Partial<LocalConversionRequest> = {}) {
  return engine.convert({ sourcePath: path.join(CORPUS, file), outputDir: outDir(), format: 'png', pages: null, ...extra })
}

/** Share of pixels darker than mid-grey, and the grey standard deviation. */
async function inkStats(file: string): Promise<{ darkShare: number; stdev: number }> {
  const { data } = await sharp(file).flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true })
  let dark = 0
  for (const v of data) if (v < 128) dark++
  const stats = await sharp(file).flatten({ background: '#ffffff' }).greyscale().stats()
  return { darkShare: dark / data.length, stdev: stats.channels[0]?.stdev ?? 0 }
}

const comparable = manifest.filter((f) => f.firstPages !== undefined && f.opensInPoppler !== false && OPENS_DIFFERENTLY[f.file] === undefined)

describe.skipIf(!hasCorpus)('local engine on the real corpus', () => {
  describe.skipIf(!hasPdftoppm)('against pdftoppm', () => {
    it.each(comparable.map((f) => [f.file, f] as const))('%s: pixel sizes ±1 px and ink where pdftoppm has it', async (_name, entry) => {
      const pages = (entry.firstPages ?? []).slice(0, PAGES_PER_FILE).map((p) => p.page)
      const password = entry.userPassword
      const outcome = await convert(entry.file, { pages, local: { dpi: DPI }, ...(password === undefined ? {} : { password }) })
      const userUnit = USER_UNIT[entry.file] ?? 1
      const refs = pdftoppm(path.join(CORPUS, entry.file), pages, DPI * userUnit, password)
      expect(outcome.files.map((f) => f.page)).toEqual(pages)
      for (const written of outcome.files) {
        const reference = refs.get(written.page) ?? ''
        const ours = await sharp(written.path).metadata()
        const ref = await sharp(reference).metadata()
        const where = `${entry.file} page ${written.page}`
        expect(Math.abs((ours.width ?? 0) - (ref.width ?? 0)), `${where} width ${ours.width} vs ${ref.width}`).toBeLessThanOrEqual(1)
        expect(Math.abs((ours.height ?? 0) - (ref.height ?? 0)), `${where} height ${ours.height} vs ${ref.height}`).toBeLessThanOrEqual(1)
        if (INK_EXCEPTIONS[entry.file] !== undefined) continue
        const similarity = await inkSimilarity(written.path, reference)
        expect(similarity.iou, `${where} ink IoU`).toBeGreaterThanOrEqual(0.75)
        expect(similarity.correlation, `${where} grey correlation`).toBeGreaterThanOrEqual(0.85)
      }
    })

    it('text glyphs have pdftoppm\'s shapes at 150 DPI (Latin, rotated Arabic, embedded Type1, CJK through CMaps)', async () => {
      const cjk = path.join(dir, 'cjk-90ms-rksj.pdf')
      await writeFile(cjk, await makeCjkPdf())
      const cases: Array<readonly [string, number]> = [
        [path.join(CORPUS, 'tracemonkey.pdf'), 1],
        [path.join(CORPUS, 'habibi-rotated.pdf'), 1],
        [path.join(CORPUS, 'pdflatex-4-pages.pdf'), 1],
        [cjk, 1],
      ]
      for (const [file, page] of cases) {
        const outcome = await engine.convert({ sourcePath: file, outputDir: outDir(), format: 'png', pages: [page], local: { dpi: 150 } })
        const reference = pdftoppm(file, [page], 150).get(page) ?? ''
        const { correlation: c } = await inkSimilarity(outcome.files[0]?.path ?? '', reference, 256)
        expect(c, `${path.basename(file)} page ${page}`).toBeGreaterThanOrEqual(0.9)
      }
    })

    // This file's CIDFont has no /FontDescriptor (required by PDF 32000-1 §9.7.4 table 117) and is
    // not embedded: the Japanese text must be drawn with the Noto Sans JP fallback, and said so.
    it('90ms_rksj_h_sample.pdf: CJK glyph shapes match pdftoppm, with a font-substitution warning', async () => {
      const warnings: string[] = []
      const outcome = await engine.convert(
        { sourcePath: path.join(CORPUS, '90ms_rksj_h_sample.pdf'), outputDir: outDir(), format: 'png', pages: null, local: { dpi: 150 } },
        { onEvent: (e) => void (e.type === 'warning' && e.page === 1 && warnings.push(e.message)) },
      )
      expect(warnings).toContain('The font "HeiseiMin-W3" is not embedded in the PDF: drawn with Noto Sans JP')
      const reference = pdftoppm(path.join(CORPUS, '90ms_rksj_h_sample.pdf'), [1], 150).get(1) ?? ''
      expect((await inkSimilarity(outcome.files[0]?.path ?? '', reference, 256)).correlation).toBeGreaterThanOrEqual(0.9)
    })
  })

  it('CJK, JBIG2, JPEG 2000 and CCITT pages are not blank', async () => {
    for (const [file, dpi] of [
      ['90ms_rksj_h_sample.pdf', 150],
      ['bitmap-mmr.pdf', 150],
      ['jpx_smaskindata.pdf', 150],
      ['imagemagick-CCITTFaxDecode.pdf', 600],
    ] as const) {
      const outcome = await convert(file, { local: { dpi } })
      const stats = await inkStats(outcome.files[0]?.path ?? '')
      // A blank page has no pixel darker than mid-grey; the CJK page's one text line is about 0.2 %.
      expect(stats.darkShare, `${file} has dark pixels`).toBeGreaterThan(0.0005)
      expect(stats.stdev, `${file} has contrast`).toBeGreaterThan(2)
    }
  })

  it('JPG output is white where the page is empty', async () => {
    const outcome = await convert('tracemonkey.pdf', { format: 'jpg', pages: [1], local: { dpi: 72 } })
    const { data, info } = await sharp(outcome.files[0]?.path ?? '').raw().toBuffer({ resolveWithObject: true })
    for (const [x0, y0] of [
      [0, 0],
      [info.width - 16, 0],
      [0, info.height - 16],
      [info.width - 16, info.height - 16],
    ] as const) {
      let min = 255
      for (let y = y0; y < y0 + 16; y++) for (let x = x0; x < x0 + 16; x++) for (let c = 0; c < 3; c++) min = Math.min(min, data[(y * info.width + x) * 3 + c] ?? 0)
      expect(min, `corner at ${x0},${y0}`).toBeGreaterThanOrEqual(250)
    }
  })

  it('password and damaged files fail with their specific errors; right passwords work', async () => {
    const code = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => 'ok',
        (err: unknown) => (err instanceof AppError ? err.code : String(err)),
      )
    expect(await code(convert('libreoffice-writer-password.pdf'))).toBe('file/password-required')
    expect(await code(convert('libreoffice-writer-password.pdf', { password: 'wrong' }))).toBe('file/wrong-password')
    expect(await code(convert('libreoffice-writer-password.pdf', { password: 'openpassword', local: { dpi: 72 } }))).toBe('ok')
    expect(await code(convert('issue6010_2.pdf', { password: 'æøå', local: { dpi: 72 } }))).toBe('ok')
    expect(await code(convert('r6-owner-password.pdf', { local: { dpi: 72 } }))).toBe('ok')
    expect(await code(convert('test_corrupted.pdf'))).toBe('file/damaged')
    expect(await code(convert('scan-bad.pdf', { local: { dpi: 72 } }))).toBe('ok') // truncated, repaired like viewers do
  })

  it(`r6-user-password.pdf: ${OPENS_DIFFERENTLY['r6-user-password.pdf']}`, async () => {
    const err = await convert('r6-user-password.pdf').catch((e: unknown) => e)
    expect((err as AppError).code).toBe('file/password-required')
    const outcome = await convert('r6-user-password.pdf', { password: 'asdfzxcv', local: { dpi: 72 } })
    expect(outcome.files).toHaveLength(1)
  })
})
