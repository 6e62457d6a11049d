/**
 * Local engine benchmark (issue 4 §5): pages per second and peak RSS at 150 DPI PNG on a 50-page
 * document, side by side in the same run with `pdftoppm -r 150 -png` (and `mutool draw` where
 * installed); RSS per page on the 241-page fixture; what the time goes to (render vs PNG encode,
 * PNG compression levels).
 *
 * Every measured conversion runs in its own child process (`node --import tsx`, the way the CLI
 * runs), so its peak RSS (`/usr/bin/time -f %M`, else /proc VmHWM) is the whole process: main
 * thread plus render worker threads. Runs alternate between tools; medians are reported.
 *
 * Run: `npx tsx bench/local-engine.ts [--record]` (`--record` rewrites this benchmark's block in
 * bench/RESULTS.md). Env: BENCH_RUNS (3), PDF_CORPUS_DIR (the fixtures folder).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PDFDocument } from 'pdf-lib'
import sharp from 'sharp'
import { envInt, machineLine, median, shouldRecord, writeResultsBlock } from './helpers/report.ts'

const HERE = fileURLToPath(import.meta.url)
const REPO = path.resolve(path.dirname(HERE), '..')
const CORPUS = process.env['PDF_CORPUS_DIR'] || path.resolve(REPO, '../shared/fixtures/pdfs')
const TIME_BIN = '/usr/bin/time'
const DPI = 150
const SECTION = '## Local engine'

// ---------------------------------------------------------------------------------------------
// Child mode: one conversion with the local engine, result as one JSON line on stdout.

interface ChildResult {
  readonly pages: number
  /** From the convert() call to its end (worker start included). */
  readonly convertMs: number
  /** From stage 'converting' to 'done'. */
  readonly renderMs: number
  readonly hwmKb: number
  /** RSS (KiB) after each page written, in page order. */
  readonly rssPerPageKb: readonly number[]
  readonly outBytes: number
}

async function child(pdf: string, outDir: string, workers: number): Promise<void> {
  const { createLocalEngine } = await import('../electron/engines/local/local-engine.ts')
  const engine = createLocalEngine({ workers })
  const rssPerPageKb: number[] = []
  let convertingAt = 0
  let doneAt = 0
  const t0 = performance.now()
  const outcome = await engine.convert(
    { sourcePath: pdf, outputDir: outDir, format: 'png', pages: null, local: { dpi: DPI } },
    {
      onEvent: (e) => {
        if (e.type === 'stage' && e.stage === 'converting') convertingAt = performance.now()
        if (e.type === 'stage' && e.stage === 'done') doneAt = performance.now()
        if (e.type === 'page-written') rssPerPageKb.push(Math.round(process.memoryUsage().rss / 1024))
      },
    },
  )
  const convertMs = performance.now() - t0
  await engine.close()
  const result: ChildResult = {
    pages: outcome.files.length,
    convertMs,
    renderMs: doneAt - convertingAt,
    hwmKb: vmHwmKb(),
    rssPerPageKb,
    outBytes: outcome.files.reduce((a, f) => a + f.sizeBytes, 0),
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

function vmHwmKb(): number {
  const status = readFileSync('/proc/self/status', 'utf8')
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

// ---------------------------------------------------------------------------------------------
// Driver.

interface ProcessRun {
  readonly wallMs: number
  /** User + system CPU seconds of the process (all threads), from /usr/bin/time. */
  readonly cpuS: number | undefined
  readonly maxRssKb: number | undefined
  readonly stdout: string
  readonly code: number | null
}

/** Runs a command, under `/usr/bin/time -f %M` when present, and measures wall time. */
function runMeasured(cmd: string, args: readonly string[]): Promise<ProcessRun> {
  const timed = existsSync(TIME_BIN)
  const marker = '@@maxrss='
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = timed ? spawn(TIME_BIN, ['-f', `${marker}%M %U %S`, cmd, ...args], { cwd: REPO }) : spawn(cmd, args, { cwd: REPO })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      const wallMs = performance.now() - t0
      const m = new RegExp(`${marker}(\\d+) ([\\d.]+) ([\\d.]+)`).exec(stderr)
      if (code !== 0) process.stderr.write(stderr)
      resolve({
        wallMs,
        maxRssKb: m === null ? undefined : Number(m[1]),
        cpuS: m === null ? undefined : Number(m[2]) + Number(m[3]),
        stdout,
        code,
      })
    })
  })
}

async function runLocal(pdf: string, workers: number, scratch: string): Promise<{ run: ProcessRun; result: ChildResult }> {
  const outDir = await mkdtemp(path.join(scratch, 'local-'))
  const run = await runMeasured(process.execPath, ['--import', 'tsx', HERE, '--child', pdf, outDir, String(workers)])
  if (run.code !== 0) throw new Error(`local engine child failed (${run.code})`)
  const last = run.stdout.trim().split('\n').pop() ?? '{}'
  const result = JSON.parse(last) as ChildResult
  await rm(outDir, { recursive: true, force: true })
  return { run: { ...run, maxRssKb: run.maxRssKb ?? result.hwmKb }, result }
}

async function runPdftoppm(pdf: string, scratch: string, cropBox = false, format: 'png' | 'jpeg' = 'png'): Promise<{ run: ProcessRun; outBytes: number; pages: number }> {
  const outDir = await mkdtemp(path.join(scratch, 'pdftoppm-'))
  const run = await runMeasured('pdftoppm', ['-r', String(DPI), ...(cropBox ? ['-cropbox'] : []), `-${format}`, pdf, path.join(outDir, 'p')])
  if (run.code !== 0) throw new Error('pdftoppm failed')
  const files = await readdir(outDir)
  let outBytes = 0
  for (const f of files) outBytes += (await stat(path.join(outDir, f))).size
  await rm(outDir, { recursive: true, force: true })
  return { run, outBytes, pages: files.length }
}

async function runMutool(pdf: string, scratch: string): Promise<{ run: ProcessRun; pages: number } | undefined> {
  if (spawnSync('sh', ['-c', 'command -v mutool']).status !== 0) return undefined
  const outDir = await mkdtemp(path.join(scratch, 'mutool-'))
  const run = await runMeasured('mutool', ['draw', '-q', '-r', String(DPI), '-o', path.join(outDir, 'p-%d.png'), pdf])
  const pages = (await readdir(outDir)).length
  await rm(outDir, { recursive: true, force: true })
  return { run, pages }
}

/** `source`'s pages repeated to `pageCount` pages, copied in one call so fonts stay shared. */
async function makeRepeated(source: string, pageCount: number, file: string): Promise<void> {
  const src = await PDFDocument.load(readFileSync(source))
  const doc = await PDFDocument.create()
  const indices = Array.from({ length: pageCount }, (_, i) => i % src.getPageCount())
  for (const page of await doc.copyPages(src, indices)) doc.addPage(page)
  await writeFile(file, await doc.save())
}

/** In-process: where one page's time goes (pdf.js + canvas vs sharp PNG at several levels). */
async function encodeStudy(): Promise<{
  renderMsPerPage: number
  getImageDataMs: number
  levels: Array<{ level: number; msPerPage: number; kbPerPage: number }>
}> {
  const { createCanvas } = await import('@napi-rs/canvas')
  const canvas = createCanvas(1275, 1650)
  const context = canvas.getContext('2d')
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, 1275, 1650)
  const g0 = performance.now()
  for (let i = 0; i < 10; i++) context.getImageData(0, 0, 1275, 1650)
  const getImageDataMs = (performance.now() - g0) / 10
  const { openPdfDocument, renderPageRgba } = await import('../electron/render/rasterize.ts')
  const opened = await openPdfDocument(path.join(CORPUS, 'tracemonkey.pdf'))
  const pages = Array.from({ length: 14 }, (_, i) => i + 1)
  for (const n of pages.slice(0, 4)) await renderPageRgba(opened.doc, n, { dpi: DPI }) // warm-up
  const raws = []
  const t0 = performance.now()
  for (const n of pages) raws.push(await renderPageRgba(opened.doc, n, { dpi: DPI }))
  const renderMsPerPage = (performance.now() - t0) / pages.length
  await opened.close()
  const levels = []
  for (const level of [1, 3, 6, 9]) {
    let bytes = 0
    const t = performance.now()
    for (const r of raws) {
      const out = await sharp(r.rgba, { raw: { width: r.widthPx, height: r.heightPx, channels: 4 } })
        .flatten({ background: '#ffffff' })
        .png({ compressionLevel: level, adaptiveFiltering: false })
        .toBuffer()
      bytes += out.length
    }
    levels.push({ level, msPerPage: (performance.now() - t) / raws.length, kbPerPage: bytes / raws.length / 1024 })
  }
  return { renderMsPerPage, getImageDataMs, levels }
}

/** Least-squares slope of a series, per step. */
function slopeKbPerPage(values: readonly number[]): number {
  const n = values.length
  if (n < 2) return 0
  const meanX = (n - 1) / 2
  const meanY = values.reduce((a, v) => a + v, 0) / n
  let num = 0
  let den = 0
  values.forEach((v, i) => {
    num += (i - meanX) * (v - meanY)
    den += (i - meanX) ** 2
  })
  return num / den
}

const mb = (kb: number | undefined): string => (kb === undefined ? 'n/a' : (kb / 1024).toFixed(0))
const pps = (pages: number, ms: number): string => (pages / (ms / 1000)).toFixed(2)

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv[0] === '--child') {
    await child(argv[1] ?? '', argv[2] ?? '', Number(argv[3] ?? 2))
    return
  }
  if (!existsSync(path.join(CORPUS, 'tracemonkey.pdf'))) {
    process.stdout.write(`local-engine bench skipped: no corpus at ${CORPUS} (set PDF_CORPUS_DIR)\n`)
    return
  }
  const runs = envInt('BENCH_RUNS', 3)
  const machine = machineLine()
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-local-'))
  try {
    const fifty = path.join(scratch, 'tracemonkey-x50.pdf')
    await makeRepeated(path.join(CORPUS, 'tracemonkey.pdf'), 50, fifty)
    process.stdout.write(`50-page document ready (${(await stat(fifty)).size} bytes); ${runs} runs per tool, alternating\n`)

    const local2: Array<{ run: ProcessRun; result: ChildResult }> = []
    const poppler: Array<{ run: ProcessRun; outBytes: number; pages: number }> = []
    for (let i = 0; i < runs; i++) {
      const l = await runLocal(fifty, 2, scratch)
      local2.push(l)
      process.stdout.write(`  local (2 workers): ${(l.run.wallMs / 1000).toFixed(2)} s process, ${(l.result.convertMs / 1000).toFixed(2)} s convert(), peak ${mb(l.run.maxRssKb)} MB\n`)
      const p = await runPdftoppm(fifty, scratch)
      poppler.push(p)
      process.stdout.write(`  pdftoppm:          ${(p.run.wallMs / 1000).toFixed(2)} s, peak ${mb(p.run.maxRssKb)} MB\n`)
    }
    const local1 = await runLocal(fifty, 1, scratch)
    process.stdout.write(`  local (1 worker):  ${(local1.run.wallMs / 1000).toFixed(2)} s process, peak ${mb(local1.run.maxRssKb)} MB\n`)
    const mutool = await runMutool(fifty, scratch)
    const popplerJpeg = await runPdftoppm(fifty, scratch, false, 'jpeg')

    const t241 = path.join(CORPUS, 'test_241.pdf')
    const long = existsSync(t241) ? await runLocal(t241, 2, scratch) : undefined
    const longRef = existsSync(t241) ? await runPdftoppm(t241, scratch, true) : undefined
    const t723 = path.join(scratch, 'test_241-x3.pdf')
    if (existsSync(t241)) await makeRepeated(t241, 723, t723)
    const longer = existsSync(t241) ? await runLocal(t723, 2, scratch) : undefined
    const study = await encodeStudy()

    const localWall = median(local2.map((l) => l.run.wallMs))
    const localConvert = median(local2.map((l) => l.result.convertMs))
    const localRender = median(local2.map((l) => l.result.renderMs))
    const popplerWall = median(poppler.map((p) => p.run.wallMs))
    const localPeak = Math.max(...local2.map((l) => l.run.maxRssKb ?? 0))
    const popplerPeak = Math.max(...poppler.map((p) => p.run.maxRssKb ?? 0))
    const ratioProcess = popplerWall / localWall
    const ratioConvert = popplerWall / localConvert
    const localBytes = local2[0]?.result.outBytes ?? 0
    const popplerBytes = poppler[0]?.outBytes ?? 0

    const lines: string[] = []
    lines.push('### 1. 50 pages at 150 DPI PNG: local engine vs pdftoppm (targets: ≥ 4x pdftoppm pages/s on 2 cores; peak RSS ≤ 500 MB)')
    lines.push('')
    lines.push(
      `Speed ratio local ÷ pdftoppm (pages/s, medians): **${ratioProcess.toFixed(2)}x** whole process incl. Node/tsx start and worker start ` +
        `(target ≥ 4x: ${ratioProcess >= 4 ? 'met' : 'missed'}); ${ratioConvert.toFixed(2)}x from the convert() call. ` +
        `Peak RSS of the local engine's process: **${mb(localPeak)} MB** (target ≤ 500 MB: ${localPeak / 1024 <= 500 ? 'met' : 'missed'}).`,
    )
    const localCpu = median(local2.flatMap((l) => (l.run.cpuS === undefined ? [] : [l.run.cpuS])).concat(local2.some((l) => l.run.cpuS !== undefined) ? [] : [NaN]))
    const popplerCpu = median(poppler.flatMap((p) => (p.run.cpuS === undefined ? [] : [p.run.cpuS])).concat(poppler.some((p) => p.run.cpuS !== undefined) ? [] : [NaN]))
    if (Number.isFinite(localCpu) && Number.isFinite(popplerCpu)) {
      lines.push('')
      lines.push(
        `CPU time (all threads, medians): local ${localCpu.toFixed(1)} s, pdftoppm ${popplerCpu.toFixed(1)} s, so the engine needs ${(popplerCpu / localCpu).toFixed(2)}x less CPU per page. ` +
          `This ratio does not depend on the machine's other load; the wall-clock ratio does (pdftoppm uses one core, the engine two), ` +
          `and on two otherwise idle cores it would be about ${((2 * popplerCpu) / localCpu).toFixed(1)}x (an estimate: CPU ratio x 2 threads).`,
      )
    }
    lines.push('')
    lines.push(`Machine: ${machine}. ${mutool === undefined ? '`mutool` is not installed here (no MuPDF comparison).' : ''}`)
    lines.push(
      'Document: tracemonkey.pdf (14-page paper, embedded Type1 fonts, figures) pages repeated to 50, copied in one pdf-lib call so fonts are shared. ' +
        'Each run is a fresh process (`node --import tsx bench/local-engine.ts --child …`, the way `npm run convert` runs); peak RSS from `/usr/bin/time -f %M` (whole process: main thread + render worker threads).',
    )
    lines.push('')
    const cpu = (runs: readonly ProcessRun[]): string => {
      const values = runs.flatMap((r) => (r.cpuS === undefined ? [] : [r.cpuS]))
      return values.length === 0 ? 'n/a' : median(values).toFixed(1)
    }
    lines.push('| tool | pages | wall s (median) | pages/s | CPU s (median, all threads) | peak RSS MB | output MB | runs (wall s) |')
    lines.push('|---|---|---|---|---|---|---|---|')
    lines.push(
      `| local engine, 2 workers (process) | 50 | ${(localWall / 1000).toFixed(2)} | ${pps(50, localWall)} | ${cpu(local2.map((l) => l.run))} | ${mb(localPeak)} | ${(localBytes / 1048576).toFixed(1)} | ${local2.map((l) => (l.run.wallMs / 1000).toFixed(2)).join(', ')} |`,
    )
    lines.push(`| local engine, 2 workers (convert() call) | 50 | ${(localConvert / 1000).toFixed(2)} | ${pps(50, localConvert)} | | | | ${local2.map((l) => (l.result.convertMs / 1000).toFixed(2)).join(', ')} |`)
    lines.push(`| local engine, 2 workers (rendering stage only) | 50 | ${(localRender / 1000).toFixed(2)} | ${pps(50, localRender)} | | | | ${local2.map((l) => (l.result.renderMs / 1000).toFixed(2)).join(', ')} |`)
    lines.push(`| local engine, 1 worker (process) | 50 | ${(local1.run.wallMs / 1000).toFixed(2)} | ${pps(50, local1.run.wallMs)} | ${cpu([local1.run])} | ${mb(local1.run.maxRssKb)} | | 1 run |`)
    lines.push(
      `| pdftoppm -r 150 -png | ${poppler[0]?.pages ?? 50} | ${(popplerWall / 1000).toFixed(2)} | ${pps(50, popplerWall)} | ${cpu(poppler.map((p) => p.run))} | ${mb(popplerPeak)} | ${(popplerBytes / 1048576).toFixed(1)} | ${poppler.map((p) => (p.run.wallMs / 1000).toFixed(2)).join(', ')} |`,
    )
    lines.push(`| pdftoppm -r 150 -jpeg (for scale: its PNG writer's share) | ${popplerJpeg.pages} | ${(popplerJpeg.run.wallMs / 1000).toFixed(2)} | ${pps(popplerJpeg.pages, popplerJpeg.run.wallMs)} | ${cpu([popplerJpeg.run])} | ${mb(popplerJpeg.run.maxRssKb)} | ${(popplerJpeg.outBytes / 1048576).toFixed(1)} | 1 run |`)
    if (mutool !== undefined) lines.push(`| mutool draw -r 150 | ${mutool.pages} | ${(mutool.run.wallMs / 1000).toFixed(2)} | ${pps(mutool.pages, mutool.run.wallMs)} | ${cpu([mutool.run])} | ${mb(mutool.run.maxRssKb)} | | 1 run |`)
    lines.push('')
    lines.push(
      `Memory: one worker peaks at ${mb(local1.run.maxRssKb)} MB, two at ${mb(localPeak)} MB, so each render thread costs about ` +
        `${mb(localPeak - (local1.run.maxRssKb ?? 0))} MB (pdf.js heap and caches, Skia canvas, libvips, per-thread malloc arenas); the rest is Node, tsx and the main thread. ` +
        'Timings on this shared 2-core machine vary with the other work on it (see the runs column and the load average); the ratio compares runs made alternately.',
    )
    lines.push('')
    lines.push('What the time goes to (one thread, in-process, tracemonkey pages 1-14 at 150 DPI after warm-up; PNG via sharp, no adaptive filtering):')
    lines.push('')
    lines.push(`- pdf.js + @napi-rs/canvas render (incl. getImageData copy): ${study.renderMsPerPage.toFixed(0)} ms/page.`)
    lines.push(
      `- PNG encode by zlib level: ${study.levels.map((l) => `level ${l.level}: ${l.msPerPage.toFixed(0)} ms, ${l.kbPerPage.toFixed(0)} KB`).join('; ')} (per page).`,
    )
    const level = (n: number): { msPerPage: number; kbPerPage: number } => study.levels.find((l) => l.level === n) ?? { msPerPage: 0, kbPerPage: 0 }
    lines.push(
      `- The engine uses level 6 (sharp's default). Level 1 would save ${(level(6).msPerPage - level(1).msPerPage).toFixed(0)} ms per page ` +
        `for files ${((level(1).kbPerPage / level(6).kbPerPage - 1) * 100).toFixed(0)} % larger; level 9 costs ${(level(9).msPerPage / Math.max(1, level(6).msPerPage)).toFixed(1)}x ` +
        `the encode time for files ${((1 - level(9).kbPerPage / level(6).kbPerPage) * 100).toFixed(0)} % smaller. Rendering, not PNG encoding, dominates with pdf.js; ` +
        `for pdftoppm the PNG writer is most of the time (compare its JPEG row).`,
    )
    lines.push(
      `- The engine skips \`getImageData\` (sharp reads the canvas memory as premultiplied RGBA): ${study.getImageDataMs.toFixed(0)} ms per 1275 x 1650 page saved.`,
    )
    if (long !== undefined) {
      const r = long.result.rssPerPageKb
      const at = (n: number): number => r[Math.min(r.length, n) - 1] ?? 0
      const maxFrom = (n: number): number => Math.max(...r.slice(n), at(n))
      const growth20 = maxFrom(20) - at(20)
      const stops = growth20 <= 0.1 * at(20)
      const slope = slopeKbPerPage(r.slice(40))
      lines.push('')
      lines.push(`### 2. 241 pages (test_241.pdf) at 150 DPI PNG: RSS per page (target: stops growing after the first 20 pages)`)
      lines.push('')
      lines.push(
        `RSS after page 20: ${mb(at(20))} MB; highest after page 20: ${mb(maxFrom(20))} MB (+${mb(growth20)} MB: ` +
          `${stops ? 'met' : 'missed'}, criterion: no later RSS more than 10 % above the page-20 RSS). ` +
          `After page 40: highest ${mb(maxFrom(40))} MB, trend over pages 41-241 ${((slope * 100) / 1024).toFixed(1)} MB per 100 pages (least squares). ` +
          `Peak RSS ${mb(long.run.maxRssKb)} MB; ${(long.run.wallMs / 1000).toFixed(1)} s, ${pps(long.result.pages, long.run.wallMs)} pages/s (process). ` +
          `pdftoppm -cropbox on the same file: ${longRef === undefined ? 'n/a' : `${(longRef.run.wallMs / 1000).toFixed(1)} s, ${pps(longRef.pages, longRef.run.wallMs)} pages/s, peak ${mb(longRef.run.maxRssKb)} MB`}.`,
      )
      lines.push('')
      lines.push('| after page | 1 | 10 | 20 | 30 | 40 | 60 | 80 | 120 | 160 | 200 | 241 |')
      lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|')
      lines.push(`| RSS MB | ${[1, 10, 20, 30, 40, 60, 80, 120, 160, 200, 241].map((n) => mb(at(n))).join(' | ')} |`)
      if (longer !== undefined) {
        const q = longer.result.rssPerPageKb
        const atQ = (n: number): number => q[Math.min(q.length, n) - 1] ?? 0
        const tail = q.slice(100)
        lines.push('')
        lines.push(
          `Longer run, the same pages three times (723 pages, one process): RSS ${mb(atQ(100))} MB after page 100, ` +
            `${mb(Math.min(...tail))}-${mb(Math.max(...tail))} MB over pages 101-723, trend ${((slopeKbPerPage(tail) * 100) / 1024).toFixed(1)} MB per 100 pages; ` +
            `peak ${mb(longer.run.maxRssKb)} MB; ${pps(longer.result.pages, longer.run.wallMs)} pages/s.`,
        )
        lines.push('')
        lines.push('| after page | 1 | 20 | 40 | 100 | 200 | 300 | 400 | 500 | 600 | 723 |')
        lines.push('|---|---|---|---|---|---|---|---|---|---|---|')
        lines.push(`| RSS MB | ${[1, 20, 40, 100, 200, 300, 400, 500, 600, 723].map((n) => mb(atQ(n))).join(' | ')} |`)
      }
    }
    lines.push('')
    lines.push('Reproduce: `npx tsx bench/local-engine.ts --record` (env `BENCH_RUNS`, `PDF_CORPUS_DIR`).')
    const markdown = lines.join('\n')
    process.stdout.write(`\n${markdown}\n`)
    if (shouldRecord(argv)) await writeResultsBlock('local-engine', markdown, SECTION)
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`local-engine bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
