/**
 * Benchmark 2 (PDF.co path): peak RSS of the CLI uploading a generated 1 GiB PDF to the emulator.
 * Target ≤ 150 MB.
 *
 * - The PDF (`helpers/big-pdf.ts`): a valid one-page PDF whose bulk is one unreferenced stream of
 *   random bytes, streamed to a temp folder and deleted at the end.
 * - The CLI converts page 1 (`--pages 1`) against the emulator (own process, 36 DPI). Peak RSS of
 *   the CLI process = `/usr/bin/time` %M (else the last /proc VmHWM); /proc VmRSS is also sampled
 *   every 20 ms to attribute the peak to a stage (inspecting / uploading / converting+downloading).
 * - Two CLI variants: as `npm run convert` runs it (tsx) and bundled to plain JS (as a built app).
 *   Baselines: the same CLI on a tiny PDF, and the local inspect alone in a fresh process
 *   (`helpers/inspect-probe.ts`: bytes read from files, RSS).
 *
 * - A sweep of smaller files (BENCH_SWEEP_MB) with the bundled CLI shows where the local inspect
 *   switches from reading the whole file to range reads.
 *
 * Run: `npx tsx bench/pdfco-upload-rss.ts [--record]` (BENCH_RUNS=2 per variant; BENCH_BIG_MB=1024;
 * BENCH_SWEEP_MB="8,32,48,63,65,256").
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { buildBundle, buildCliBundle } from './helpers/build-cli.ts'
import { writeBigPdf } from './helpers/big-pdf.ts'
import { cliEvents, REPO_ROOT, runCliProcess, type CliRun } from './helpers/cli-process.ts'
import { startEmulatorProcess, type EmulatorProcess } from './helpers/emulator-process.ts'
import { envInt, machineLine, median, sec, shouldRecord, writeResultsBlock } from './helpers/report.ts'

const KEY = 'bench-key'
const TARGET_MB = 150
const MB = 1024 * 1024

interface RssResult {
  readonly maxRssMb: number
  readonly source: string
  /** Peak sampled VmRSS per stage, MB. */
  readonly byStage: Record<string, number>
  readonly uploadMs: number
  readonly wallMs: number
  readonly putBytes: number
}

/** Stage of the CLI at time t, from its `stage` events. */
function stageAt(run: CliRun, t: number): string {
  let stage = 'start'
  for (const e of cliEvents(run)) {
    if (e.atMs > t) break
    if (e.event['type'] === 'stage') stage = String(e.event['stage'])
  }
  return stage === 'queued' ? 'start' : stage === 'downloading' || stage === 'done' ? 'converting' : stage
}

async function cliRun(emu: EmulatorProcess, pdf: string, out: string, builtCliPath: string | undefined): Promise<RssResult> {
  const sinceMs = Date.now()
  const run = await runCliProcess({
    args: [pdf, '--pages', '1', '--out', out, '--overwrite'],
    env: { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl },
    timeoutMs: 5 * 60_000,
    sampleEveryMs: 20,
    builtCliPath,
  })
  await rm(out, { recursive: true, force: true })
  if (run.exitCode !== 0) throw new Error(`CLI failed (exit ${run.exitCode}): ${run.stderr}\n${JSON.stringify(run.lines.slice(-2))}`)
  const byStage: Record<string, number> = {}
  for (const s of run.samples) {
    const st = stageAt(run, s.atMs)
    byStage[st] = Math.max(byStage[st] ?? 0, s.rssKb / 1024)
  }
  const at = (stage: string): number | undefined => cliEvents(run).find((e) => e.event['type'] === 'stage' && e.event['stage'] === stage)?.atMs
  const { requests } = await emu.stats(sinceMs)
  const put = requests.find((r) => r.method === 'PUT')
  return {
    maxRssMb: (run.maxRssKb ?? 0) / 1024,
    source: run.maxRssSource,
    byStage,
    uploadMs: (at('converting') ?? 0) - (at('uploading') ?? 0),
    wallMs: run.wallMs,
    putBytes: put?.bodyBytes ?? 0,
  }
}

type Probe = { pageCount: number; ms: number; readBytes: number; hwmBeforeKb: number; hwmAfterKb: number }

/** Runs `helpers/inspect-probe.ts` in a fresh process: bundled with plain node when `bundle` is given, else through tsx. */
async function inspectProbe(pdf: string, bundle: string | null): Promise<Probe> {
  const args = bundle === null ? ['--import', 'tsx', path.join(REPO_ROOT, 'bench', 'helpers', 'inspect-probe.ts'), pdf] : [bundle, pdf]
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: REPO_ROOT,
    timeout: 120_000,
  })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Probe
}

/** File sizes (MiB) of the sweep, from env BENCH_SWEEP_MB ("8,32,48,63,65,256" by default; "" = none). */
function sweepSizesMb(): number[] {
  const text = process.env['BENCH_SWEEP_MB'] ?? '8,32,48,63,65,256'
  return text
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isFinite(x) && x > 0)
}

async function main(): Promise<void> {
  const runs = envInt('BENCH_RUNS', 2)
  const bigBytes = envInt('BENCH_BIG_MB', 1024) * MB
  const sweep = sweepSizesMb()
  const machine = machineLine()
  const bundle = await buildCliBundle()
  const probeBundle = await buildBundle('bench/helpers/inspect-probe.ts', 'inspect-probe.mjs')
  const variants: { name: string; builtCliPath: string | undefined; big: RssResult[]; tiny: RssResult[] }[] = [
    { name: 'CLI via tsx (`npm run convert`)', builtCliPath: undefined, big: [], tiny: [] },
  ]
  if (bundle.path !== null) variants.push({ name: 'CLI bundled, plain `node`', builtCliPath: bundle.path, big: [], tiny: [] })
  else process.stdout.write(`skipping the bundled-CLI variant: ${bundle.reason}\n`)

  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-rss-'))
  const big = path.join(work, 'big.pdf')
  const tiny = path.join(work, 'tiny.pdf')
  const emu = await startEmulatorProcess({ apiKey: KEY, dpi: 36 })
  let genMs: number
  let bigSize = 0
  const probes: { label: string; big: Probe; tiny: Probe }[] = []
  const sweepRows: { mb: number; rssMb: number }[] = []
  try {
    const t0 = performance.now()
    bigSize = await writeBigPdf(big, bigBytes)
    genMs = performance.now() - t0
    await writeBigPdf(tiny, 4096)
    process.stdout.write(`pdfco-upload-rss: generated ${(bigSize / MB).toFixed(0)} MiB PDF in ${sec(genMs)} s; emulator pid ${emu.pid}\n`)
    probes.push({ label: 'tsx', tiny: await inspectProbe(tiny, null), big: await inspectProbe(big, null) })
    if (probeBundle.path !== null) {
      probes.push({ label: 'bundled, plain node', tiny: await inspectProbe(tiny, probeBundle.path), big: await inspectProbe(big, probeBundle.path) })
    }
    for (const v of variants) await cliRun(emu, tiny, path.join(work, 'warm'), v.builtCliPath) // warm-up
    for (let i = 1; i <= runs; i++) {
      for (const v of variants) {
        const t = await cliRun(emu, tiny, path.join(work, `tiny-${i}`), v.builtCliPath)
        v.tiny.push(t)
        const b = await cliRun(emu, big, path.join(work, `big-${i}`), v.builtCliPath)
        if (b.putBytes !== bigSize) throw new Error(`emulator received ${b.putBytes} bytes, expected ${bigSize}`)
        v.big.push(b)
        process.stdout.write(
          `  ${v.name} run ${i}: big PDF peak RSS ${b.maxRssMb.toFixed(1)} MB (${b.source}; by stage ${JSON.stringify(Object.fromEntries(Object.entries(b.byStage).map(([k, x]) => [k, Math.round(x)])))}), upload ${sec(b.uploadMs)} s; tiny PDF ${t.maxRssMb.toFixed(1)} MB\n`,
        )
      }
    }
    await rm(big, { force: true })
    if (bundle.path !== null) {
      for (const mb of sweep) {
        const file = path.join(work, `sweep-${mb}.pdf`)
        await writeBigPdf(file, mb * MB)
        const r = await cliRun(emu, file, path.join(work, `sweep-${mb}`), bundle.path)
        await rm(file, { force: true })
        sweepRows.push({ mb, rssMb: r.maxRssMb })
        process.stdout.write(`  sweep, bundled CLI: ${mb} MiB PDF → peak RSS ${r.maxRssMb.toFixed(1)} MB\n`)
      }
    }
  } finally {
    await emu.close()
    await rm(work, { recursive: true, force: true })
  }

  const stageCell = (rs: readonly RssResult[], stage: string): string => {
    const xs = rs.map((r) => r.byStage[stage]).filter((x): x is number => x !== undefined)
    return xs.length === 0 ? '–' : median(xs).toFixed(0)
  }
  const rows = variants
    .map((v) => {
      const peak = median(v.big.map((r) => r.maxRssMb))
      const uploadMs = median(v.big.map((r) => r.uploadMs))
      return `| ${v.name} | **${peak.toFixed(1)}** (${peak <= TARGET_MB ? 'met' : 'MISSED'}) | ${v.big.map((r) => r.maxRssMb.toFixed(1)).join(', ')} | ${stageCell(v.big, 'start')} | ${stageCell(v.big, 'inspecting')} | ${stageCell(v.big, 'uploading')} | ${stageCell(v.big, 'converting')} | ${median(v.tiny.map((r) => r.maxRssMb)).toFixed(1)} | ${sec(uploadMs)} (${(bigSize / 1e6 / (uploadMs / 1000)).toFixed(0)} MB/s) |`
    })
    .join('\n')
  const probeText = (p: Probe): string =>
    `${(p.readBytes / MB).toFixed(2)} MiB read, ${p.ms.toFixed(0)} ms, VmHWM ${(p.hwmBeforeKb / 1024).toFixed(0)} → ${(p.hwmAfterKb / 1024).toFixed(0)} MB`
  const probeLines = probes.map((p) => `- ${p.label}: 1 GiB PDF: ${probeText(p.big)}; 4 KiB PDF: ${probeText(p.tiny)}`).join('\n')
  const sweepTable =
    sweepRows.length === 0
      ? ''
      : `
Peak RSS by file size (bundled CLI, 1 run each; files ≤ 64 MiB are read whole by the local inspect, larger ones in ranges):

| PDF size MiB | ${sweepRows.map((r) => r.mb).join(' | ')} |
|---|${sweepRows.map(() => '---').join('|')}|
| peak RSS MB | ${sweepRows.map((r) => `${r.rssMb.toFixed(1)}${r.rssMb > TARGET_MB ? ' ✗' : ''}`).join(' | ')} |
`
  const md = `### 2. Peak RSS of the CLI uploading a 1 GiB PDF (target ≤ ${TARGET_MB} MB)

Machine: ${machine}. ${runs} runs per variant (medians), after one warm-up.
Reproduce: \`npx tsx bench/pdfco-upload-rss.ts --record\` (env \`BENCH_RUNS\` (2), \`BENCH_BIG_MB\` (1024), \`BENCH_SWEEP_MB\`); the PDF is
written to a temp folder (${(bigSize / MB).toFixed(0)} MiB = ${bigSize} bytes, random bytes, ${sec(genMs)} s) and deleted afterwards.
The CLI converts \`--pages 1\` of it through the emulator (own process, 36 DPI); the emulator received every byte.
Peak = \`/usr/bin/time\` max RSS of the CLI process (MB = MiB); per-stage columns = highest sampled VmRSS (every 20 ms) in that stage
("start" = before the first event: Node start and module loading).

| CLI | peak RSS MB, ${(bigSize / MB).toFixed(0)} MiB PDF | runs | start | inspecting | uploading | converting + download | peak RSS MB, 4 KiB PDF | upload time |
|---|---|---|---|---|---|---|---|---|
${rows}
${sweepTable}
Local inspect alone (\`inspectPdf(path, { maxPages: 0 })\` in a fresh process after loading pdf.js; bytes read from files include
pdf.js' worker module, ≈2.3 MiB, loaded with the first document):
${probeLines}
`
  process.stdout.write(`\n${md}\n`)
  if (shouldRecord()) {
    await writeResultsBlock('pdfco-upload-rss', md)
    process.stdout.write('recorded in bench/RESULTS.md\n')
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`pdfco-upload-rss failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
