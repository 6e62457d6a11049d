/**
 * The local engine (PDFium) on the shared regression inputs (the fixture corpus's `regressions/`
 * folder next to `pdfs/`, or $PDF_REGRESSIONS_DIR): each file's expected result from its
 * MANIFEST.json, compared with poppler's `pdftoppm` where pixels are concerned. Skipped with a
 * message when the folder or pdftoppm is absent.
 *
 * Thresholds as local-corpus.test.ts: sizes ±1 px; ink IoU ≥ 0.75 and grey correlation ≥ 0.85 at
 * 64 px wide; glyph shapes (forms) grey correlation ≥ 0.9 at 256 px wide.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../electron/errors.ts'
import type { ConversionEvent } from '../../electron/engines/types.ts'
import { createLocalEngine, type LocalConversionRequest, type LocalEngine } from '../../electron/engines/local/local-engine.ts'
import { inkSimilarity } from '../helpers/ink-similarity.ts'

const REGRESSIONS =
  process.env['PDF_REGRESSIONS_DIR'] ||
  (process.env['PDF_CORPUS_DIR'] ? path.join(process.env['PDF_CORPUS_DIR'], '..', 'regressions') : path.resolve(import.meta.dirname, '../../../shared/fixtures/regressions'))
const hasRegressions = existsSync(path.join(REGRESSIONS, 'MANIFEST.json'))
const hasPdftoppm = spawnSync('pdftoppm', ['-v']).status === 0
if (!hasRegressions) console.warn(`local-regressions.test.ts skipped: no regression inputs at ${REGRESSIONS} (set PDF_REGRESSIONS_DIR)`)
if (hasRegressions && !hasPdftoppm) console.warn('local-regressions.test.ts: pdftoppm comparisons skipped (install poppler-utils)')

let dir: string
let engine: LocalEngine
let runs = 0
const outDir = (): string => path.join(dir, `run-${++runs}`)
const file = (name: string): string => path.join(REGRESSIONS, name)

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'local-regressions-'))
  engine = createLocalEngine({ workers: 2 })
})
afterAll(async () => {
  await engine?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

async function convert(name: string, extra: Partial<LocalConversionRequest> = {}): Promise<{ outcome: Awaited<ReturnType<LocalEngine['convert']>>; warnings: Array<Extract<ConversionEvent, { type: 'warning' }>> }> {
  const warnings: Array<Extract<ConversionEvent, { type: 'warning' }>> = []
  const outcome = await engine.convert(
    { sourcePath: file(name), outputDir: outDir(), format: 'png', pages: null, ...extra },
    { onEvent: (e) => void (e.type === 'warning' && warnings.push(e)) },
  )
  return { outcome, warnings }
}

function pdftoppm(source: string, dpi: number, password?: string): string {
  const folder = outDir()
  mkdirSync(folder, { recursive: true })
  const prefix = path.join(folder, 'ref')
  const args = [...(password === undefined ? [] : ['-upw', password]), '-r', String(dpi), '-cropbox', '-png', '-f', '1', '-l', '1', '-singlefile', source, prefix]
  const result = spawnSync('pdftoppm', args, { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`pdftoppm failed on ${source}: ${result.stderr}`)
  return `${prefix}.png`
}

const COMPARED: ReadonlyArray<readonly [string, string | undefined]> = [
  ['tall-page.pdf', undefined],
  ['xfa-placeholder.pdf', undefined],
  ['password-aes256-non-ascii.pdf', 'pässwört'],
  ['same-name/a/report.pdf', undefined],
  ['same-name/b/report.pdf', undefined],
  ['font-per-page-2000.pdf', undefined],
]

describe.skipIf(!hasRegressions)('local engine on the regression inputs', () => {
  describe.skipIf(!hasPdftoppm)('against pdftoppm', () => {
    it.each(COMPARED)('%s: page 1 size ±1 px and ink as pdftoppm', async (name, password) => {
      const { outcome } = await convert(name, { pages: [1], local: { dpi: 72 }, ...(password === undefined ? {} : { password }) })
      const reference = pdftoppm(file(name), 72, password)
      const ours = await sharp(outcome.files[0]?.path ?? '').metadata()
      const ref = await sharp(reference).metadata()
      expect(Math.abs((ours.width ?? 0) - (ref.width ?? 0))).toBeLessThanOrEqual(1)
      expect(Math.abs((ours.height ?? 0) - (ref.height ?? 0))).toBeLessThanOrEqual(1)
      const similarity = await inkSimilarity(outcome.files[0]?.path ?? '', reference)
      expect(similarity.iou, `${name} ink IoU`).toBeGreaterThanOrEqual(0.75)
      expect(similarity.correlation, `${name} grey correlation`).toBeGreaterThanOrEqual(0.85)
    })

    // PDFium also draws the fields' borders (their /MK border colour), which pdftoppm leaves out,
    // so the whole-page IoU does not apply: every ink cell of pdftoppm's render (the label, the
    // text value, the check mark) must be ink in ours too, at 128 px wide.
    it.each(['forms/checkbox-no-appearance.pdf', 'forms/multiline-field-no-appearance.pdf'])(
      '%s: size ±1 px; field values without appearance streams are drawn where pdftoppm draws them',
      async (name) => {
        const { outcome } = await convert(name, { local: { dpi: 150 } })
        const reference = pdftoppm(file(name), 150)
        const ours = await sharp(outcome.files[0]?.path ?? '').metadata()
        const ref = await sharp(reference).metadata()
        expect(Math.abs((ours.width ?? 0) - (ref.width ?? 0))).toBeLessThanOrEqual(1)
        expect(Math.abs((ours.height ?? 0) - (ref.height ?? 0))).toBeLessThanOrEqual(1)
        const { recall } = await inkSimilarity(outcome.files[0]?.path ?? '', reference, 128)
        expect(recall).toBeGreaterThanOrEqual(0.9)
      },
    )
  })

  it('tall-page.pdf: full size as PNG; as WebP lowered to 16383 px with a warning naming the DPI', async () => {
    const png = await convert('tall-page.pdf', { local: { dpi: 150 } })
    expect(await sharp(png.outcome.files[0]?.path ?? '').metadata()).toMatchObject({ width: 1275, height: 16667 })
    expect(png.warnings).toEqual([])
    const webp = await convert('tall-page.pdf', { format: 'webp', local: { dpi: 150 } })
    const meta = await sharp(webp.outcome.files[0]?.path ?? '').metadata()
    expect(meta.height).toBeLessThanOrEqual(16383)
    expect(meta.height).toBeGreaterThan(16300)
    expect(webp.warnings).toHaveLength(1)
    expect(webp.warnings[0]).toMatchObject({ page: 1 })
    expect(webp.warnings[0]?.message).toMatch(/^Page 1 is too large to render at 150 DPI \(WebP images are at most 16383 px a side\): rendered at 147\.\d DPI/)
  })

  it('xfa-placeholder.pdf: converts, and the file carries a plain-words XFA warning', async () => {
    const { outcome, warnings } = await convert('xfa-placeholder.pdf', { local: { dpi: 72 } })
    expect(outcome.files).toHaveLength(1)
    const xfa = warnings.filter((w) => /XFA form/.test(w.message))
    expect(xfa).toHaveLength(1)
    expect(xfa[0]?.page).toBeUndefined()
    expect(xfa[0]?.message).toMatch(/placeholder/)
  })

  it('password-aes256-non-ascii.pdf: the Unicode password as typed opens it; only a wrong one is "wrong"', async () => {
    const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (err: unknown) => (err instanceof AppError ? err.code : String(err)))
    expect(await code(convert('password-aes256-non-ascii.pdf', { password: 'pässwört', local: { dpi: 72 } }))).toBe('ok')
    expect(await code(convert('password-aes256-non-ascii.pdf'))).toBe('file/password-required')
    expect(await code(convert('password-aes256-non-ascii.pdf', { password: 'passwort' }))).toBe('file/wrong-password')
  })

  it('flate-bomb.pdf fails with a specific memory error within bounded memory; the other file goes on', async () => {
    const started = Date.now()
    let peakRss = process.memoryUsage.rss()
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100)
    try {
      const [bomb, other] = await Promise.allSettled([
        convert('flate-bomb.pdf', { local: { dpi: 72 } }),
        convert('same-name/a/report.pdf', { local: { dpi: 72 } }),
      ])
      expect(bomb.status).toBe('rejected')
      const error = (bomb as PromiseRejectedResult).reason as AppError
      expect(error.code).toBe('file/damaged')
      expect(error.message).toMatch(/^Page 1 needs more than \d+ MB of memory to draw/)
      expect(other.status).toBe('fulfilled')
      expect((other as PromiseFulfilledResult<Awaited<ReturnType<typeof convert>>>).value.outcome.files).toHaveLength(8)
      expect(peakRss, 'peak RSS of the process (workers are threads)').toBeLessThan(1024 * 1024 * 1024)
      expect(Date.now() - started).toBeLessThan(60_000)
      // The engine keeps working after its worker was replaced.
      const again = await convert('same-name/b/report.pdf', { pages: [1], local: { dpi: 72 } })
      expect(again.outcome.files).toHaveLength(1)
    } finally {
      clearInterval(sampler)
    }
  }, 90_000)

  it('same-name/a and same-name/b report.pdf into one folder: 16 images, none overwritten', async () => {
    const folder = outDir()
    await engine.convert({ sourcePath: file('same-name/a/report.pdf'), outputDir: folder, format: 'png', pages: null, local: { dpi: 72 } })
    await engine.convert({ sourcePath: file('same-name/b/report.pdf'), outputDir: folder, format: 'png', pages: null, local: { dpi: 72 } })
    const names = await readdir(folder)
    expect(names).toHaveLength(16)
    const sizes = await Promise.all(names.map(async (n) => (await sharp(path.join(folder, n)).metadata()).width))
    expect(sizes.filter((w) => w === 200)).toHaveLength(8)
    expect(sizes.filter((w) => w === 300)).toHaveLength(8)
  })
})
