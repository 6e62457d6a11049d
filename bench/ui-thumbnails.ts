/**
 * Benchmark of the desktop app's renderer: with 1000 page thumbnails at
 * most 200 thumbnail elements in the DOM, renderer JS heap ≤ 300 MB, a thumbnail visible ≤ 200 ms
 * after its page file exists, renderer JavaScript ≤ 250 kB gzipped.
 *
 * Runs the browser harness of the e2e tests (test/harness, test/helpers/e2e.ts): the real renderer
 * build in Debian Chromium, the real main-process services over WebSocket; the PDF.co emulator runs
 * in its own process (bench/helpers/emulator-process.ts).
 *
 * 1. Latency: a `BENCH_LATENCY_PAGES`-page (40) conversion with its grid in view. Main side: the
 *    time each `outputs:added` event leaves the services (the page file is on disk then). Page
 *    side: a MutationObserver notes each thumbnail `<img>` and its `load` time
 *    (`complete && naturalWidth > 0`) and whether it is inside the grid's visible box. Both clocks
 *    are `performance.timeOrigin + performance.now()` on the same machine.
 * 2. DOM count: a 1000-page conversion (emulator at 20 DPI), then the grid is scrolled top to
 *    bottom in 40 steps; the thumbnail cells / `<img>` elements in the DOM are counted at each step.
 * 3. Heap: CDP `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage` (and
 *    `performance.memory`), after the 1000-page scroll.
 * 4. Size: every `.js` in `dist/assets/` (the app's renderer build) and in the harness build,
 *    gzipped with node:zlib (level 9, as servers do; level 6 shown too).
 *
 * `npx tsx bench/ui-thumbnails.ts [--record]` (`--record` rewrites the block in RESULTS.md).
 * Env: BENCH_PAGES (1000), BENCH_LATENCY_PAGES (40), BENCH_LATENCY_ONLY=1 (part 1 only, nothing recorded).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { makePagesPdf } from '../test/helpers/make-pdf.ts'
import { ensureHarnessBuild } from '../test/harness/build.ts'
import { chromiumPath, dropFiles, fileCard, openApp, waitForStage, type E2eApp } from '../test/helpers/e2e.ts'
import { envInt, machineLine, median, shouldRecord, writeResultsBlock } from './helpers/report.ts'
import { REPO_ROOT } from './helpers/cli-process.ts'
import { startEmulatorProcess } from './helpers/emulator-process.ts'

const PAGES = envInt('BENCH_PAGES', 1000)
const LATENCY_PAGES = envInt('BENCH_LATENCY_PAGES', 40)
const MAX_THUMBS = 200
const MAX_HEAP_MB = 300
const MAX_LATENCY_MS = 200
const MAX_GZIP_KB = 250
const SECTION = '## Desktop app (renderer)'

/** p-th percentile (nearest rank) of a non-empty list. */
function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number
}

const nowMs = (): number => performance.timeOrigin + performance.now()

/** Installed in the page (as a string: the node tsconfig has no DOM types). */
const PAGE_PROBE = `(() => {
  const seen = new Map()
  globalThis.__thumbProbe = seen
  const track = (img) => {
    const m = /^Page (\\d+) of (.+)$/.exec(img.alt || '')
    if (!m || seen.has(img)) return
    const rec = { page: Number(m[1]), file: m[2], addedMs: performance.timeOrigin + performance.now(), loadedMs: null, inView: null }
    seen.set(img, rec)
    const done = () => {
      if (rec.loadedMs !== null || !(img.complete && img.naturalWidth > 0)) return
      rec.loadedMs = performance.timeOrigin + performance.now()
      const grid = img.closest('[role=list]')
      const r = img.getBoundingClientRect()
      const g = grid ? grid.getBoundingClientRect() : { top: 0, bottom: innerHeight, left: 0, right: innerWidth }
      rec.inView = r.bottom > Math.max(0, g.top) && r.top < Math.min(innerHeight, g.bottom) && r.right > g.left && r.left < g.right
    }
    img.addEventListener('load', done)
    done()
  }
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue
      if (n.tagName === 'IMG') track(n)
      n.querySelectorAll('img').forEach(track)
    }
  }).observe(document.documentElement, { subtree: true, childList: true })
})()`

interface ProbeRecord {
  readonly page: number
  readonly file: string
  readonly addedMs: number
  readonly loadedMs: number | null
  readonly inView: boolean | null
}

async function gzipSizes(dir: string): Promise<{ files: number; rawBytes: number; gz9Bytes: number; gz6Bytes: number } | null> {
  const names = await readdir(dir, { recursive: true }).catch(() => null)
  if (names === null) return null
  const js = names.filter((n) => n.endsWith('.js'))
  let rawBytes = 0
  let gz9Bytes = 0
  let gz6Bytes = 0
  for (const n of js) {
    const buf = await readFile(path.join(dir, n))
    rawBytes += buf.length
    gz9Bytes += gzipSync(buf, { level: 9 }).length
    gz6Bytes += gzipSync(buf, { level: 6 }).length
  }
  return { files: js.length, rawBytes, gz9Bytes, gz6Bytes }
}

async function convert(app: E2eApp, pdf: string, name: string, pages: number, timeoutMs: number): Promise<void> {
  await dropFiles(app.page, [{ filePath: pdf, mode: 'path' }])
  const card = fileCard(app.page, name)
  await card.getByText(`${pages} pages`, { exact: true }).waitFor({ timeout: 60_000 })
  await app.page.getByRole('button', { name: /^Convert \d+ files?$/ }).click()
  await waitForStage(card, 'done', timeoutMs)
}

interface LatencyResult {
  readonly engine: 'local' | 'pdfco'
  readonly count: number
  readonly medianMs: number
  readonly p95Ms: number
  readonly maxMs: number
  readonly mountMedianMs: number
  /** `<img>` mounted → loaded (the thumbnail request, its decode and paint). */
  readonly loadMedianMs: number
  readonly conversionMs: number
}

/** Converts a LATENCY_PAGES-page PDF with `engine`, grid in view; event → in-view thumbnail loaded. */
async function measureLatency(app: E2eApp, dir: string, engine: 'local' | 'pdfco'): Promise<LatencyResult> {
  const { page, harness } = app
  await harness.services.dispatch('settings:update', [{ engine, localDpi: 72 }])
  await page.reload()
  await page.evaluate(() => (globalThis as unknown as { __harness: { ready: Promise<void> } }).__harness.ready)
  await page.evaluate(PAGE_PROBE)
  const eventMs = new Map<number, number>()
  const statsBefore = { ...harness.services.thumbnails.stats }
  const off = harness.services.onEvent((channel, payload) => {
    if (channel !== 'outputs:added') return
    eventMs.set((payload as { page: number }).page, nowMs())
  })
  const name = `latency-${engine}.pdf`
  const pdf = await makePagesPdf(dir, name, LATENCY_PAGES)
  const convStart = Date.now()
  await convert(app, pdf, name, LATENCY_PAGES, 180_000)
  const conversionMs = Date.now() - convStart
  await page.waitForTimeout(1000)
  off()
  const records = (await page.evaluate('Array.from(globalThis.__thumbProbe.values())')) as ProbeRecord[]
  const lat = records
    .filter((r) => r.file === name && r.loadedMs !== null && r.inView === true && eventMs.has(r.page))
    .map((r) => ({ page: r.page, ms: (r.loadedMs as number) - (eventMs.get(r.page) as number), mountMs: r.addedMs - (eventMs.get(r.page) as number) }))
    .sort((x, y) => x.page - y.page)
  if (lat.length === 0) throw new Error(`${engine}: no in-view thumbnail loads recorded (${records.length} img records, ${eventMs.size} events)`)
  const ms = lat.map((l) => l.ms)
  const r: LatencyResult = {
    engine,
    count: lat.length,
    medianMs: median(ms),
    p95Ms: percentile(ms, 95),
    maxMs: Math.max(...ms),
    mountMedianMs: median(lat.map((l) => l.mountMs)),
    loadMedianMs: median(lat.map((l) => l.ms - l.mountMs)),
    conversionMs,
  }
  const st = harness.services.thumbnails.stats
  const delta = (k: keyof typeof st) => st[k] - statsBefore[k]
  console.log(
    `thumbnail service (${engine}): primed ${delta('primed')}, memory hits ${delta('memoryHits')}, disk hits ${delta('diskHits')}, ` +
      `decoded ${delta('rendered')}, dropped ${delta('dropped')}; load avg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  )
  console.log(`latency ${engine} per page (ms): ${lat.map((l) => `${l.page}:${l.ms.toFixed(0)}`).join(' ')}`)
  console.log(
    `latency ${engine}: ${r.count} in-view thumbnails of ${LATENCY_PAGES} (conversion ${(conversionMs / 1000).toFixed(1)} s): ` +
      `event→loaded median ${r.medianMs.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(0)} ms, max ${r.maxMs.toFixed(0)} ms; event→<img> mounted median ${r.mountMedianMs.toFixed(0)} ms, mounted→loaded median ${r.loadMedianMs.toFixed(0)} ms`,
  )
  return r
}

async function main(): Promise<void> {
  if (chromiumPath === null) throw new Error('Chromium is not installed (apt-get install chromium)')
  const machine = machineLine()
  const t0 = Date.now()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-ui-'))
  // The emulator runs in its own process (as the cloud would): in-process, its page rendering
  // stalls the services' event loop that also serves the thumbnails.
  const emulator = await startEmulatorProcess({ apiKey: 'test-key', dpi: 20 })
  const app = await openApp({ emulator: false }).catch(async (err: unknown) => {
    await emulator.close()
    throw err
  })
  try {
    const { page, harness } = app
    await harness.services.dispatch('settings:set-api-key', ['test-key'])
    await harness.services.dispatch('settings:update', [{ baseUrl: emulator.baseUrl }])
    harness.platform.dialogs.queueOpenFolder(path.join(dir, 'out'))
    await harness.services.dispatch('output:pick-folder', [])
    await page.reload()
    await page.evaluate(() => (globalThis as unknown as { __harness: { ready: Promise<void> } }).__harness.ready)
    await page.evaluate(PAGE_PROBE)

    // 1. Latency: outputs:added (main side) → thumbnail loaded in the page, per engine.
    const local = await measureLatency(app, dir, 'local')
    const pdfco = await measureLatency(app, dir, 'pdfco')
    if (process.env['BENCH_LATENCY_ONLY'] === '1') return

    // 2. DOM count while scrolling through PAGES thumbnails.
    const bigName = 'thousand.pdf'
    const big = await makePagesPdf(dir, bigName, PAGES)
    await harness.services.dispatch('settings:update', [{ engine: 'pdfco' }])
    const bigStart = Date.now()
    await convert(app, big, bigName, PAGES, 240_000)
    const bigConvMs = Date.now() - bigStart
    const grid = fileCard(page, bigName).getByRole('list', { name: `Pages of ${bigName}` })
    await grid.scrollIntoViewIfNeeded()
    const cellCounts: number[] = []
    const imgCounts: number[] = []
    const allCellCounts: number[] = []
    const scrollHeight = await grid.evaluate((el) => (el as unknown as { scrollHeight: number }).scrollHeight)
    const steps = 40
    for (let i = 0; i <= steps; i++) {
      await grid.evaluate((el, top) => void ((el as unknown as { scrollTop: number }).scrollTop = top), Math.round((scrollHeight * i) / steps))
      await page.waitForTimeout(60)
      cellCounts.push(await grid.locator('.thumb-cell').count())
      imgCounts.push(await grid.locator('img').count())
      allCellCounts.push(await page.locator('.thumb-cell').count())
    }
    const setSize = await grid.locator('.thumb-cell').first().getAttribute('aria-setsize')
    if (setSize !== String(PAGES)) throw new Error(`grid holds ${setSize} pages, expected ${PAGES}`)
    await page.waitForTimeout(1000)
    const maxCells = Math.max(...cellCounts)
    const maxImgs = Math.max(...imgCounts)
    const maxAllCells = Math.max(...allCellCounts)
    console.log(`DOM: ${bigName} conversion ${(bigConvMs / 1000).toFixed(1)} s; max thumbnail cells ${maxCells}, max <img> ${maxImgs} (min cells ${Math.min(...cellCounts)}); all grids on the page: max ${maxAllCells} cells`)

    // 3. Heap after GC.
    const cdp = await page.context().newCDPSession(page)
    const before = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number }
    await cdp.send('HeapProfiler.enable')
    await cdp.send('HeapProfiler.collectGarbage')
    const after = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number }
    const perfMem = (await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : 0')) as number
    const mb = (b: number) => b / 1048576
    console.log(`heap: used ${mb(before.usedSize).toFixed(1)} MB before GC, ${mb(after.usedSize).toFixed(1)} MB after GC (total ${mb(after.totalSize).toFixed(1)} MB); performance.memory ${mb(perfMem).toFixed(1)} MB`)

    // 4. Gzipped renderer JavaScript.
    const distSizes = await gzipSizes(path.join(REPO_ROOT, 'dist'))
    const harnessSizes = await gzipSizes(await ensureHarnessBuild())
    const kb = (b: number) => (b / 1024).toFixed(1)
    const sizeLine = (label: string, s: Awaited<ReturnType<typeof gzipSizes>>) =>
      s === null ? `${label}: not built` : `${label}: ${s.files} .js, ${kb(s.rawBytes)} kB raw, **${kb(s.gz9Bytes)} kB** gzip -9 (${kb(s.gz6Bytes)} kB gzip -6)`
    console.log(sizeLine('dist/', distSizes))
    console.log(sizeLine('harness build', harnessSizes))

    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED')
    const gz = distSizes?.gz9Bytes ?? harnessSizes?.gz9Bytes ?? 0
    const md = `
Measured ${new Date().toISOString().slice(0, 10)} (run took ${((Date.now() - t0) / 1000).toFixed(0)} s).
Machine: ${machine}.
Browser: Debian Chromium (${chromiumPath}) headless, 1200×820 viewport, via the browser harness (real renderer build,
real main-process services over WebSocket, PDF.co emulator at 20 DPI in its own Node process: in-process its rendering
stalls the event loop that serves thumbnails, which made the latency 3-10× worse in trial runs).

| target | measured | verdict |
|---|---|---|
| ≤ ${MAX_THUMBS} thumbnail elements in the DOM (${PAGES} pages, scrolled top→bottom in ${steps} steps) | max ${maxCells} cells, ${maxImgs} \`<img>\` | ${verdict(maxCells <= MAX_THUMBS)} |
| renderer JS heap ≤ ${MAX_HEAP_MB} MB (${PAGES} thumbnails, after the scroll, after GC) | ${mb(after.usedSize).toFixed(1)} MB (${mb(before.usedSize).toFixed(1)} MB before GC) | ${verdict(mb(after.usedSize) <= MAX_HEAP_MB)} |
| thumbnail visible ≤ ${MAX_LATENCY_MS} ms after its page file exists, local engine (${local.count} in-view thumbnails of a ${LATENCY_PAGES}-page conversion, 72 DPI) | median ${local.medianMs.toFixed(0)} ms, p95 ${local.p95Ms.toFixed(0)} ms, max ${local.maxMs.toFixed(0)} ms | ${verdict(local.p95Ms <= MAX_LATENCY_MS)} (p95) |
| same, PDF.co emulator (${pdfco.count} in view of ${LATENCY_PAGES}; pages arrive in bursts as chunks finish) | median ${pdfco.medianMs.toFixed(0)} ms, p95 ${pdfco.p95Ms.toFixed(0)} ms, max ${pdfco.maxMs.toFixed(0)} ms | ${verdict(pdfco.p95Ms <= MAX_LATENCY_MS)} (p95) |
| renderer JavaScript ≤ ${MAX_GZIP_KB} kB gzipped | ${kb(gz)} kB | ${verdict(gz / 1024 <= MAX_GZIP_KB)} |

- Size: ${sizeLine('`dist/` (app renderer build)', distSizes)}; ${sizeLine('harness build (adds the WebSocket bridge)', harnessSizes)}.
- Latency = \`outputs:added\` leaving the services (file already renamed into place) → the \`<img>\`'s \`load\` with
  \`complete && naturalWidth > 0\`, for images inside the grid's visible box; it includes the WebSocket hop, React
  render and decode (the engine's thumbnail comes with the event; a page without one adds the HTTP request). Event → \`<img>\` mounted: median
  ${local.mountMedianMs.toFixed(0)} ms (local), ${pdfco.mountMedianMs.toFixed(0)} ms (PDF.co).
- Conversion times: ${LATENCY_PAGES} pages local ${(local.conversionMs / 1000).toFixed(1)} s, emulator ${(pdfco.conversionMs / 1000).toFixed(1)} s; ${PAGES} pages emulator ${(bigConvMs / 1000).toFixed(1)} s.

Reproduce: \`npx tsx bench/ui-thumbnails.ts --record\` (needs /usr/bin/chromium; env \`BENCH_PAGES\` (1000),
\`BENCH_LATENCY_PAGES\` (40)). \`dist/\` is measured as found: run \`npx vite build\` first for a fresh one.
`
    if (shouldRecord()) {
      await writeResultsBlock('ui-thumbnails', md, SECTION)
      console.log('recorded in bench/RESULTS.md')
    }
  } finally {
    await app.close()
    await emulator.close()
    await rm(dir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
    process.exit(1)
  },
)
