/**
 * Memory of the local engine stays flat on long documents: all 2000 pages of the regression input
 * `font-per-page-2000.pdf` (one font dictionary per page, which a renderer caching fonts per
 * document accumulates) at 72 DPI to PNG, default workers. The process's resident set size is
 * sampled every 100 ms (render workers are threads of this process, so this is the whole tree);
 * after page 100 it may grow by less than 50 MB over the highest value seen up to page 100.
 *
 * A sampling test, not a timing: skipped with a message when the regression inputs are absent.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import { createLocalEngine } from '../../electron/engines/local/local-engine.ts'

const REGRESSIONS =
  process.env['PDF_REGRESSIONS_DIR'] ||
  (process.env['PDF_CORPUS_DIR'] ? path.join(process.env['PDF_CORPUS_DIR'], '..', 'regressions') : path.resolve(import.meta.dirname, '../../../shared/fixtures/regressions'))
const PDF = path.join(REGRESSIONS, 'font-per-page-2000.pdf')
const hasPdf = existsSync(PDF)
if (!hasPdf) console.warn(`local-memory.test.ts skipped: ${PDF} not found (set PDF_REGRESSIONS_DIR)`)

it.skipIf(!hasPdf)('RSS grows by less than 50 MB after page 100 of 2000', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'local-memory-'))
  const engine = createLocalEngine({})
  let pagesDone = 0
  let upTo100 = 0
  let after100 = 0
  const sample = (): void => {
    const rss = process.memoryUsage.rss()
    if (pagesDone < 100) upTo100 = Math.max(upTo100, rss)
    else after100 = Math.max(after100, rss)
  }
  const timer = setInterval(sample, 100)
  try {
    const outcome = await engine.convert(
      { sourcePath: PDF, outputDir: dir, format: 'png', pages: null, local: { dpi: 72 } },
      {
        onEvent: (e) => {
          if (e.type !== 'page-written') return
          sample()
          pagesDone = e.pagesDone
        },
      },
    )
    sample()
    expect(outcome.files).toHaveLength(2000)
    expect((await readdir(dir)).length).toBe(2000)
    const growthMb = (after100 - upTo100) / (1024 * 1024)
    console.log(`RSS up to page 100: ${Math.round(upTo100 / 1048576)} MB; highest after: ${Math.round(after100 / 1048576)} MB (growth ${growthMb.toFixed(1)} MB)`)
    expect(growthMb).toBeLessThan(50)
  } finally {
    clearInterval(timer)
    await engine.close()
    await rm(dir, { recursive: true, force: true })
  }
}, 900_000)
