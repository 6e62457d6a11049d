/**
 * Benchmark 3 (PDF.co path): a 200-page document with the emulator modelling cloud processing time
 * per page: time to the first page on disk and total time, chunked (the CLI's defaults: 10 pages
 * per job, 3 jobs at once) vs one job (`--chunk-size 200`).
 * Targets: chunked first page ≤ 1/5 and chunked total ≤ 1/2 of the one-job time.
 *
 * The emulator runs in its own process with `processingMsPerPage` (env BENCH_MS_PER_PAGE, default
 * 150: a job of n pages takes at least n × 150 ms; jobs run in parallel like the cloud) and renders
 * at 36 DPI (306 × 396 px Letter pages) so that its own rendering stays well below the modelled time.
 * Times are measured by the driver from spawn; "conv." columns are from the first convert request
 * (excluding process start, inspect and upload). Modes alternate run by run.
 *
 * Run: `npx tsx bench/pdfco-chunking.ts [--record]` (BENCH_RUNS=3; BENCH_CLI=tsx|built, default
 * tsx = how `npm run convert` runs).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { makePagesPdf } from '../test/helpers/make-pdf.ts'
import { buildCliBundle } from './helpers/build-cli.ts'
import { cliEvents, runCliProcess } from './helpers/cli-process.ts'
import { jobBusyMs, startEmulatorProcess, type EmulatorProcess } from './helpers/emulator-process.ts'
import { envInt, machineLine, median, sec, shouldRecord, writeResultsBlock } from './helpers/report.ts'

const KEY = 'bench-key'
const PAGES = 200
const DPI = 36

interface ModeResult {
  readonly firstPageMs: number
  readonly totalMs: number
  readonly firstPageConvMs: number
  readonly totalConvMs: number
  readonly jobs: number
  readonly checks: number
  readonly jobBusyMs: number
}

interface Mode {
  readonly name: string
  readonly args: readonly string[]
  readonly results: ModeResult[]
}

async function oneRun(emu: EmulatorProcess, pdf: string, work: string, mode: Mode, label: string, builtCliPath: string | undefined): Promise<ModeResult> {
  const out = path.join(work, `out-${label}`)
  const sinceMs = Date.now()
  const run = await runCliProcess({
    args: [pdf, '--out', out, '--overwrite', ...mode.args],
    env: { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl },
    timeoutMs: 5 * 60_000,
    builtCliPath,
  })
  const written = (await readdir(out).catch(() => [])).filter((f) => f.endsWith('.png'))
  await rm(out, { recursive: true, force: true })
  if (run.exitCode !== 0 || written.length !== PAGES) {
    throw new Error(`${mode.name} run ${label} failed: exit ${run.exitCode}, ${written.length} PNGs\n${run.stderr}`)
  }
  const firstPage = cliEvents(run).find((e) => e.event['type'] === 'page-written')
  if (firstPage === undefined) throw new Error('no page-written event')
  const { jobs, requests } = await emu.stats(sinceMs)
  const firstConvert = requests.find((r) => r.path.startsWith('/v1/pdf/convert/'))?.atMs ?? run.spawnedAtMs
  return {
    firstPageMs: firstPage.atMs - run.spawnedAtMs,
    totalMs: run.wallMs,
    firstPageConvMs: firstPage.atMs - firstConvert,
    totalConvMs: run.exitedAtMs - firstConvert,
    jobs: jobs.length,
    checks: requests.filter((r) => r.path === '/v1/job/check').length,
    jobBusyMs: jobBusyMs(jobs),
  }
}

async function main(): Promise<void> {
  const runs = envInt('BENCH_RUNS', 3)
  const msPerPage = envInt('BENCH_MS_PER_PAGE', 150)
  const useBuilt = process.env['BENCH_CLI'] === 'built'
  const machine = machineLine()
  let builtCliPath: string | undefined
  if (useBuilt) {
    const b = await buildCliBundle()
    if (b.path === null) throw new Error(b.reason)
    builtCliPath = b.path
  }
  const cliLabel = useBuilt ? 'bundled CLI, plain node' : 'CLI via tsx (`npm run convert`)'
  const modes: Mode[] = [
    { name: 'chunked (defaults: 10 pages/job, 3 jobs at once)', args: [], results: [] },
    { name: `one job (--chunk-size ${PAGES})`, args: ['--chunk-size', String(PAGES)], results: [] },
  ]
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-chunking-'))
  const emu = await startEmulatorProcess({ apiKey: KEY, dpi: DPI, faults: { processingMsPerPage: msPerPage } })
  try {
    const pdf = await makePagesPdf(work, 'doc200.pdf', PAGES)
    process.stdout.write(`pdfco-chunking: ${PAGES}-page Letter PDF, ${msPerPage} ms/page modelled, ${DPI} DPI, ${cliLabel}, ${runs} runs per mode\n`)
    // Warm-up (tsx cache, page cache): one small conversion, not counted.
    await runCliProcess({
      args: [pdf, '--out', path.join(work, 'warm'), '--pages', '1', '--overwrite'],
      env: { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl },
      timeoutMs: 60_000,
      builtCliPath,
    })
    for (let i = 1; i <= runs; i++) {
      for (const mode of i % 2 === 1 ? modes : [...modes].reverse()) {
        const r = await oneRun(emu, pdf, work, mode, `${i}`, builtCliPath)
        mode.results.push(r)
        process.stdout.write(
          `  ${mode.name} run ${i}: first page ${sec(r.firstPageMs)} s, total ${sec(r.totalMs)} s (conv. ${sec(r.firstPageConvMs)} / ${sec(r.totalConvMs)} s), ${r.jobs} jobs, ${r.checks} checks\n`,
        )
      }
    }
  } finally {
    await emu.close()
    await rm(work, { recursive: true, force: true })
  }

  const [chunked, single] = modes as [Mode, Mode]
  const med = (m: Mode, f: (r: ModeResult) => number): number => median(m.results.map(f))
  const firstRatio = med(chunked, (r) => r.firstPageMs) / med(single, (r) => r.firstPageMs)
  const totalRatio = med(chunked, (r) => r.totalMs) / med(single, (r) => r.totalMs)
  const firstRatioConv = med(chunked, (r) => r.firstPageConvMs) / med(single, (r) => r.firstPageConvMs)
  const totalRatioConv = med(chunked, (r) => r.totalConvMs) / med(single, (r) => r.totalConvMs)
  const row = (m: Mode): string =>
    `| ${m.name} | ${sec(med(m, (r) => r.firstPageMs))} | ${sec(med(m, (r) => r.totalMs))} | ${sec(med(m, (r) => r.firstPageConvMs))} | ${sec(med(m, (r) => r.totalConvMs))} | ${sec(med(m, (r) => r.jobBusyMs))} | ${med(m, (r) => r.jobs)} | ${med(m, (r) => r.checks)} | ${m.results.map((r) => `${sec(r.firstPageMs)}/${sec(r.totalMs)}`).join(', ')} |`
  const verdict = (ratio: number, target: number): string => `${ratio.toFixed(3)} (target ≤ ${target.toFixed(2)}: ${ratio <= target ? 'met' : 'MISSED'})`
  const md = `### 3. 200 pages, modelled cloud time: chunked vs one job (targets: first page ≤ 1/5, total ≤ 1/2)

Chunked ÷ one job, medians from spawn: first page **${verdict(firstRatio, 0.2)}**, total **${verdict(totalRatio, 0.5)}**.
From the first convert request (without process start, inspect, upload): first page ${firstRatioConv.toFixed(3)}, total ${totalRatioConv.toFixed(3)}.
Machine: ${machine}. ${cliLabel}; ${runs} runs per mode, alternating.
Emulator (own process): \`processingMsPerPage: ${msPerPage}\` (a job of n pages lasts ≥ n × ${msPerPage} ms, jobs in parallel), \`dpi: ${DPI}\`
(306 × 396 px pages, so the emulator's own rendering — at most 2 pages at once — stays small next to the modelled time).
Reproduce: \`npx tsx bench/pdfco-chunking.ts --record\` (env \`BENCH_RUNS\` (3), \`BENCH_MS_PER_PAGE\` (150), \`BENCH_CLI=built\`).

| mode | first page s | total s | first page s (conv.) | total s (conv.) | job busy s | jobs | job checks | runs (first/total s) |
|---|---|---|---|---|---|---|---|---|
${row(chunked)}
${row(single)}
`
  process.stdout.write(`\n${md}\n`)
  if (shouldRecord()) {
    await writeResultsBlock('pdfco-chunking', md)
    process.stdout.write('recorded in bench/RESULTS.md\n')
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`pdfco-chunking failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
