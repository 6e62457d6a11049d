/**
 * Batch-safe output names: one batch never gives two images the same name, in default mode and
 * with overwrite ("overwrite" replaces files from before the batch, never what the batch wrote).
 * Names equal after legalisation (`a:b.pdf` / `a_b.pdf`), equal but for case (`Report` /
 * `report`, one file on APFS and NTFS) and TIFF range names equal to another file's page name.
 * Through both engines (local PDFium; PDF.co against the emulator) and `commitTempFile` itself.
 * The same-name PDFs of the shared fixture corpus (PDF_CORPUS_DIR) are used when present.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocalEngine, type LocalEngine } from '../../electron/engines/local/local-engine.ts'
import { createPdfCoEngine } from '../../electron/engines/pdfco/engine.ts'
import { ConversionQueue } from '../../electron/engines/queue.ts'
import type { ConversionEngine, ConversionRequest } from '../../electron/engines/types.ts'
import { commitTempFile } from '../../electron/files/atomic-write.ts'
import { foldName, OutputBatch } from '../../electron/files/output-batch.ts'
import { multiPageFileName, outputFileName } from '../../electron/files/output-names.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'
import { SMALL_PAGE } from '../helpers/reliability.ts'

const KEY = 'batch-names-key-71c0'
const CORPUS = process.env['PDF_CORPUS_DIR'] ?? path.resolve(__dirname, '../../../shared/fixtures')
const SAME_NAME = path.join(CORPUS, 'regressions', 'same-name')
let dir: string
let emu: Emulator
let local: LocalEngine
let n = 0

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'batch-names-'))
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  local = createLocalEngine({ workers: 2 })
})
afterAll(async () => {
  await local?.close()
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

function pdfco(): ConversionEngine {
  return createPdfCoEngine({ apiKey: KEY, baseUrl: emu.baseUrl, pollSchedule: { firstDelayMs: 20, minDelayMs: 15, maxDelayMs: 80, factor: 1.3 } })
}

/** One batch through the queue (3 at once), sources registered in input order. */
async function runBatch(engine: ConversionEngine, sources: readonly string[], out: string, extra: Partial<ConversionRequest> = {}) {
  const outputBatch = new OutputBatch()
  for (const s of sources) outputBatch.register(s)
  const queue = new ConversionQueue({ engineFor: () => engine, concurrency: 3 })
  sources.forEach((sourcePath, i) => queue.enqueue(String(i), { sourcePath, outputDir: out, format: 'png', pages: null, outputBatch, ...extra }))
  await queue.whenIdle()
  return queue.list()
}

/** Two same-name PDFs (8 and 8 pages) in two folders: the corpus pair, else generated. */
async function sameNamePair(): Promise<[string, string]> {
  const a = path.join(SAME_NAME, 'a', 'report.pdf')
  const b = path.join(SAME_NAME, 'b', 'report.pdf')
  if (existsSync(a) && existsSync(b)) return [a, b]
  const root = path.join(dir, `gen-${++n}`)
  await mkdir(path.join(root, 'a'), { recursive: true })
  await mkdir(path.join(root, 'b'), { recursive: true })
  return [await makePagesPdf(path.join(root, 'a'), 'report.pdf', 8, SMALL_PAGE), await makePagesPdf(path.join(root, 'b'), 'report.pdf', 8, SMALL_PAGE)]
}

describe.each([
  ['local engine', () => local as ConversionEngine],
  ['PDF.co engine', pdfco],
])('two report.pdf from two folders in one batch (%s)', (_label, engineOf) => {
  it.each([false, true])('overwrite %s: every page of both files kept, each file under its own names', async (overwrite) => {
    const [a, b] = await sameNamePair()
    const out = await mkdtemp(path.join(dir, 'out-'))
    // A file from before the batch: replaced with overwrite, kept otherwise.
    await writeFile(path.join(out, 'report-1.png'), 'old')
    const items = await runBatch(engineOf(), [a, b], out, { overwrite })
    expect(items.map((i) => i.state)).toEqual(['done', 'done'])
    const names = (await readdir(out)).sort()
    const images = names.filter((x) => x !== 'report-1.png' || overwrite)
    const pagesA = items[0]?.outcome?.files.length ?? 0
    const pagesB = items[1]?.outcome?.files.length ?? 0
    expect(pagesA + pagesB).toBe(16)
    expect(images).toHaveLength(16)
    expect(names.some((x) => x.startsWith('.'))).toBe(false)
    // Each source has one naming variant for all its pages.
    const aNames = items[0]?.outcome?.files.map((f) => path.basename(f.path)) ?? []
    const bNames = items[1]?.outcome?.files.map((f) => path.basename(f.path)) ?? []
    // The second source takes the ` (2)` variant of every name; the first the plain names (its
    // page 1 moves on to ` (3)` when a file from before the batch holds the name and overwrite is off).
    expect(bNames.every((x) => x.includes(' (2)'))).toBe(true)
    expect(aNames.slice(1).every((x) => !x.includes(' ('))).toBe(true)
    if (overwrite) expect(aNames[0]).toBe('report-1.png')
    else expect(await readFile(path.join(out, 'report-1.png'), 'utf8')).toBe('old')
    expect(new Set([...aNames, ...bNames]).size).toBe(16)
    for (const f of [...(items[0]?.outcome?.files ?? []), ...(items[1]?.outcome?.files ?? [])]) {
      expect((await sharp(f.path).metadata()).width).toBeGreaterThan(0)
    }
  }, 120_000)
})

describe('commitTempFile with the batch registry', () => {
  async function commit(out: string, batch: OutputBatch | undefined, source: string, name: string, overwrite: boolean): Promise<string> {
    const temp = path.join(out, `.t-${++n}`)
    await writeFile(temp, `${source}:${name}`)
    return commitTempFile(temp, out, name, { overwrite, outputBatch: batch, sourcePath: source })
  }

  it('names equal after legalisation (a:b.pdf, a_b.pdf): both kept with overwrite', async () => {
    const out = await mkdtemp(path.join(dir, 'legal-'))
    const batch = new OutputBatch()
    const s1 = '/in/a:b.pdf'
    const s2 = '/in/x/a_b.pdf'
    const name1 = outputFileName(s1, 1, 1, 'png')
    const name2 = outputFileName(s2, 1, 1, 'png')
    expect(name1).toBe(name2)
    const p1 = await commit(out, batch, s1, name1, true)
    const p2 = await commit(out, batch, s2, name2, true)
    expect(p1).not.toBe(p2)
    expect(await readFile(p1, 'utf8')).toBe(`${s1}:${name1}`)
    expect(await readFile(p2, 'utf8')).toBe(`${s2}:${name2}`)
  })

  it('names equal but for case (Report.pdf, report.PDF): distinct after case folding, also on case-sensitive disks', async () => {
    const out = await mkdtemp(path.join(dir, 'case-'))
    const batch = new OutputBatch()
    const p1 = await commit(out, batch, '/in/Report.pdf', outputFileName('/in/Report.pdf', 1, 1, 'png'), true)
    const p2 = await commit(out, batch, '/in/b/report.PDF', outputFileName('/in/b/report.PDF', 1, 1, 'png'), true)
    expect(foldName(path.basename(p1))).not.toBe(foldName(path.basename(p2)))
    expect(path.basename(p2)).toBe('report-1 (2).png')
  })

  it('a TIFF range name equal to another file page name: both kept, default and overwrite', async () => {
    for (const overwrite of [false, true]) {
      const out = await mkdtemp(path.join(dir, 'tiff-'))
      const batch = new OutputBatch()
      const range = multiPageFileName('/in/x.pdf', [2, 3, 4], 14, 'tiff')
      const single = outputFileName('/in/x-02.pdf', 4, 14, 'tiff')
      expect(range).toBe(single)
      const p1 = await commit(out, batch, '/in/x.pdf', range, overwrite)
      const p2 = await commit(out, batch, '/in/x-02.pdf', single, overwrite)
      expect(p1).not.toBe(p2)
      expect((await readdir(out)).length).toBe(2)
    }
  })

  it('overwrite replaces a file from before the batch, and the same source may rewrite its own name', async () => {
    const out = await mkdtemp(path.join(dir, 'own-'))
    await writeFile(path.join(out, 'doc-1.png'), 'before')
    const batch = new OutputBatch()
    const p1 = await commit(out, batch, '/in/doc.pdf', 'doc-1.png', true)
    expect(path.basename(p1)).toBe('doc-1.png')
    expect(await readFile(p1, 'utf8')).toBe('/in/doc.pdf:doc-1.png')
    const again = await commit(out, batch, '/in/doc.pdf', 'doc-1.png', true)
    expect(again).toBe(p1)
  })

  it('concurrent commits of one name in overwrite mode never share it', async () => {
    const out = await mkdtemp(path.join(dir, 'race-'))
    const batch = new OutputBatch()
    const paths = await Promise.all(Array.from({ length: 6 }, (_, i) => commit(out, batch, `/in/${i}/r.pdf`, 'r-1.png', true)))
    expect(new Set(paths).size).toBe(6)
    expect(await readdir(out)).toHaveLength(6)
  })
})
