/**
 * Benchmark 1 (PDF.co path): client overhead of a 50-page async conversion through the emulator.
 *
 *   overhead = CLI wall time ÷ (emulator job time + raw download time)     target ≤ 1.10
 *
 * - CLI wall time: spawn → exit of `node --import tsx electron/cli/main.ts doc50.pdf --json` (default
 *   chunking: 10 pages per job, 3 jobs at once, 4 downloads at once), PNG.
 * - Emulator job time: the union of the run's job intervals from `jobStats()` (time during which
 *   at least one job was running), measured in the same run.
 * - Raw download time: right after the run, a plain `http.get` of the same 50 result URLs (from the
 *   emulator's request log) to files, 4 at once (the engine's download concurrency); a
 *   sequential fetch is reported too.
 * The emulator runs in its own process (`helpers/emulator-process.ts`) at its default 150 DPI,
 * no simulated processing time. One warm-up run per variant (tsx cache, page cache) is not
 * counted. Two variants, interleaved: the CLI as `npm run convert` runs it (tsx) and the same CLI
 * bundled to plain JS (`helpers/build-cli.ts`), as a built app would run it.
 *
 * Run: `npx tsx bench/pdfco-overhead.ts [--record]` (BENCH_RUNS=5 by default; BENCH_MS_PER_PAGE=0:
 * modelled cloud time per page; BENCH_BASELINE_CLI=<bundled cli.mjs of another checkout> with
 * BENCH_BASELINE_LABEL adds that CLI as a variant, run interleaved, instead of the one-wave
 * diagnostic; BENCH_SKIP_TSX=1 leaves out the tsx variant). The `checks` column counts job/check
 * requests per conversion (2 credits each at PDF.co). `--record` rewrites this benchmark's block in bench/RESULTS.md
 * (only when BENCH_MS_PER_PAGE is 0, the configuration of the target).
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { makePagesPdf } from '../test/helpers/make-pdf.ts'
import { runCliProcess, type CliRun } from './helpers/cli-process.ts'
import { jobBusyMs, requestUrl, startEmulatorProcess, type EmulatorProcess, type RequestStat } from './helpers/emulator-process.ts'
import { buildCliBundle } from './helpers/build-cli.ts'
import { rawDownload } from './helpers/raw-download.ts'
import { envInt, machineLine, median, sec, shouldRecord, writeResultsBlock } from './helpers/report.ts'

const KEY = 'bench-key'
const PAGES = 50
const TARGET = 1.1

interface RunResult {
  readonly wallMs: number
  readonly jobBusyMs: number
  readonly jobSpanMs: number
  readonly rawParallelMs: number
  readonly rawSequentialMs: number
  readonly ratio: number
  readonly jobs: number
  readonly checks: number
  /** spawn → first API request (process start, tsx, inspect). */
  readonly startupMs: number
  /** Mean of (first job/check after a job finished − its finish). */
  readonly meanPollLagMs: number
  /** Last job finished → CLI exit. */
  readonly tailMs: number
  readonly cpuS: number | null
  readonly bytes: number
}

async function oneRun(
  emu: EmulatorProcess,
  pdf: string,
  work: string,
  label: string,
  builtCliPath: string | undefined,
  extraArgs: readonly string[] = [],
): Promise<RunResult> {
  const out = path.join(work, `out-${label}`)
  const sinceMs = Date.now()
  const run: CliRun = await runCliProcess({
    args: [pdf, '--out', out, '--overwrite', ...extraArgs],
    env: { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl },
    timeoutMs: 5 * 60_000,
    builtCliPath,
  })
  const written = (await readdir(out).catch(() => [])).filter((f) => f.endsWith('.png'))
  if (run.exitCode !== 0 || written.length !== PAGES) {
    throw new Error(`CLI run ${label} failed: exit ${run.exitCode}, ${written.length} PNGs\n${run.stderr}\n${JSON.stringify(run.lines.slice(-3))}`)
  }
  const { jobs, requests } = await emu.stats(sinceMs)
  const images = requests.filter((r) => r.method === 'GET' && r.status === 200 && /\.png$/.test(r.path))
  if (images.length !== PAGES) throw new Error(`expected ${PAGES} image downloads in the log, saw ${images.length}`)
  const urls = images.map((r) => requestUrl(emu.origin, r))
  const rawDir = path.join(work, `raw-${label}`)
  await mkdir(rawDir, { recursive: true })
  const parallel = await rawDownload(urls, rawDir, 4)
  const sequential = await rawDownload(urls, rawDir, 1)
  await rm(rawDir, { recursive: true, force: true })
  await rm(out, { recursive: true, force: true })

  const busy = jobBusyMs(jobs)
  const starts = jobs.map((j) => j.startedAtMs)
  const ends = jobs.map((j) => j.finishedAtMs ?? j.startedAtMs)
  const checks = requests.filter((r) => r.path === '/v1/job/check')
  const lags = jobs.map((j) => {
    const seen = checks.find((c: RequestStat) => c.jobId === j.jobId && c.atMs >= (j.finishedAtMs ?? Infinity))
    return seen === undefined ? 0 : seen.atMs - (j.finishedAtMs ?? seen.atMs)
  })
  const firstRequest = requests[0]?.atMs ?? run.spawnedAtMs
  return {
    wallMs: run.wallMs,
    jobBusyMs: busy,
    jobSpanMs: Math.max(...ends) - Math.min(...starts),
    rawParallelMs: parallel.ms,
    rawSequentialMs: sequential.ms,
    ratio: run.wallMs / (busy + parallel.ms),
    jobs: jobs.length,
    checks: checks.length,
    startupMs: firstRequest - run.spawnedAtMs,
    meanPollLagMs: lags.reduce((a, b) => a + b, 0) / Math.max(1, lags.length),
    tailMs: run.exitedAtMs - Math.max(...ends),
    cpuS: run.cpuUserS === null || run.cpuSysS === null ? null : run.cpuUserS + run.cpuSysS,
    bytes: parallel.bytes,
  }
}

interface Variant {
  readonly name: string
  readonly builtCliPath: string | undefined
  readonly extraArgs: readonly string[]
  /** Diagnostic variants explain the gap; they are not the measured product configuration. */
  readonly diagnostic: boolean
  readonly results: RunResult[]
}

async function main(): Promise<void> {
  const runs = envInt('BENCH_RUNS', 5)
  const msPerPage = Number(process.env['BENCH_MS_PER_PAGE'] ?? 0) || 0
  const machine = machineLine()
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-overhead-'))
  const bundle = await buildCliBundle()
  const variants: Variant[] =
    process.env['BENCH_SKIP_TSX'] === '1' ? [] : [{ name: 'CLI via tsx (`npm run convert`)', builtCliPath: undefined, extraArgs: [], diagnostic: false, results: [] }]
  const baseline = process.env['BENCH_BASELINE_CLI']
  if (bundle.path !== null) {
    variants.push({ name: 'CLI bundled, plain `node`', builtCliPath: bundle.path, extraArgs: [], diagnostic: false, results: [] })
  }
  if (baseline !== undefined && baseline !== '') {
    // Another checkout's bundled CLI (e.g. the commit before a change), run interleaved with this
    // one so that both meet the same machine load.
    variants.push({ name: `baseline: ${process.env['BENCH_BASELINE_LABEL'] ?? baseline}, bundled`, builtCliPath: baseline, extraArgs: [], diagnostic: true, results: [] })
  } else if (bundle.path !== null) {
    variants.push({
      name: 'diagnostic: bundled + `--parallel-jobs 5` (all 5 chunks in one wave)',
      builtCliPath: bundle.path,
      extraArgs: ['--parallel-jobs', '5'],
      diagnostic: true,
      results: [],
    })
  }
  if (bundle.path === null) process.stdout.write(`skipping the bundled-CLI variant: ${bundle.reason}\n`)
  const emu = await startEmulatorProcess({ apiKey: KEY, faults: { processingMsPerPage: msPerPage } })
  try {
    const pdf = await makePagesPdf(work, 'doc50.pdf', PAGES)
    process.stdout.write(`pdfco-overhead: ${PAGES}-page Letter PDF, emulator pid ${emu.pid} at 150 DPI, ${msPerPage} ms/page modelled, ${runs} runs + 1 warm-up per variant\n`)
    for (const v of variants) await oneRun(emu, pdf, work, 'warmup', v.builtCliPath, v.extraArgs)
    // Variants interleaved run by run, so that load changes on the machine hit both alike.
    for (let i = 1; i <= runs; i++) {
      for (const v of variants) {
        const r = await oneRun(emu, pdf, work, String(i), v.builtCliPath, v.extraArgs)
        v.results.push(r)
        process.stdout.write(
          `  ${v.name} run ${i}: wall ${sec(r.wallMs)} s, job busy ${sec(r.jobBusyMs)} s (span ${sec(r.jobSpanMs)} s, ${r.jobs} jobs), raw download ${sec(r.rawParallelMs)} s (seq ${sec(r.rawSequentialMs)} s), startup ${sec(r.startupMs)} s → ratio ${r.ratio.toFixed(3)}\n`,
        )
      }
    }
  } finally {
    await emu.close()
    await rm(work, { recursive: true, force: true })
  }

  const fmtRow = (label: string, r: RunResult): string =>
    `| ${label} | ${sec(r.wallMs)} | ${sec(r.jobBusyMs)} | ${sec(r.jobSpanMs)} | ${sec(r.rawParallelMs)} | ${sec(r.rawSequentialMs)} | **${r.ratio.toFixed(3)}** | ${sec(r.startupMs)} | ${sec(r.meanPollLagMs)} | ${sec(r.tailMs)} | ${r.checks} | ${r.cpuS?.toFixed(2) ?? 'n/a'} |`
  const medianRun = (results: readonly RunResult[]): RunResult => {
    const m = (f: (r: RunResult) => number): number => median(results.map(f))
    return {
      wallMs: m((r) => r.wallMs),
      jobBusyMs: m((r) => r.jobBusyMs),
      jobSpanMs: m((r) => r.jobSpanMs),
      rawParallelMs: m((r) => r.rawParallelMs),
      rawSequentialMs: m((r) => r.rawSequentialMs),
      ratio: m((r) => r.ratio),
      jobs: m((r) => r.jobs),
      checks: m((r) => r.checks),
      startupMs: m((r) => r.startupMs),
      meanPollLagMs: m((r) => r.meanPollLagMs),
      tailMs: m((r) => r.tailMs),
      cpuS: results.every((r) => r.cpuS !== null) ? m((r) => r.cpuS ?? 0) : null,
      bytes: m((r) => r.bytes),
    }
  }
  const summaries = variants.map((v) => ({ v, med: medianRun(v.results) }))
  const headline = summaries
    .map(({ v, med }) => `${v.name}: median overhead **${med.ratio.toFixed(3)}**${v.diagnostic ? '' : ` (${med.ratio <= TARGET ? 'met' : 'MISSED'})`}`)
    .join('; ')
  const tables = summaries
    .map(
      ({ v, med }) => `${v.name}:

| run | CLI wall s | job busy s | job span s | raw dl ×4 s | raw dl ×1 s | ratio | startup s | poll lag s | tail s | checks | CLI CPU s |
|---|---|---|---|---|---|---|---|---|---|---|---|
${v.results.map((r, i) => fmtRow(String(i + 1), r)).join('\n')}
${fmtRow('median', med)}
`,
    )
    .join('\n')
  const bytes = summaries[0]?.med.bytes ?? 0
  const md = `### 1. Client overhead, 50-page async conversion (target ≤ ${TARGET.toFixed(2)})

${headline}; ${runs} runs each.
Machine: ${machine}.
Emulator: 150 DPI, \`processingMsPerPage: ${msPerPage}\`.
Reproduce: \`npx tsx bench/pdfco-overhead.ts --record\` (env \`BENCH_RUNS\` (5), \`BENCH_MS_PER_PAGE\` (0)).

Ratio = CLI wall time (spawn → exit) ÷ (emulator job busy time + raw parallel download time). Job
busy = union of the run's job intervals from \`jobStats()\`; raw download = plain \`http.get\` of the
same ${PAGES} PNG URLs (${(bytes / 1e6).toFixed(1)} MB) to files, 4 at once (the engine's download
concurrency); the sequential fetch is shown too. Startup = spawn → first API request (Node start,
module loading, local pdf.js inspect); poll lag = mean time from a job's end to the client's next
job/check of it; tail = last job end → CLI exit. CPU = user+sys seconds of the CLI process.

${tables}`
  process.stdout.write(`\n${md}\n`)
  if (shouldRecord() && msPerPage === 0) {
    await writeResultsBlock('pdfco-overhead', md)
    process.stdout.write('recorded in bench/RESULTS.md\n')
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`pdfco-overhead failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
