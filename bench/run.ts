/**
 * `npm run bench [-- [name-filter...] [--record]]`: runs every benchmark script `bench/*.ts`
 * (not this runner, not `bench/helpers/`) one after another — never in parallel, they measure
 * time and memory on a small machine — each as `node --import tsx <script> [--record]` with its
 * output passed through, then prints a summary. Exit code 1 if any script failed or timed out.
 *
 * - Filters: `npm run bench -- pdfco` runs only scripts whose file name contains "pdfco".
 * - `--record`: each script rewrites its own block of bench/RESULTS.md.
 * - Env `BENCH_TIMEOUT_MIN` (default 20): a script still running after that is killed (SIGTERM,
 *   then SIGKILL after 10 s) and counted as failed. Other `BENCH_*` variables reach the scripts.
 */
import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))
const SELF = path.basename(fileURLToPath(import.meta.url))

/** Benchmark scripts in `bench/`, sorted by name, filtered by `filters` (substring of the file name). */
async function listBenchScripts(filters: readonly string[] = []): Promise<string[]> {
  const entries = await readdir(BENCH_DIR, { withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && e.name !== SELF)
    .map((e) => e.name)
    .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
    .sort()
}

function runScript(file: string, args: readonly string[], timeoutMs: number): Promise<{ code: number | null; ms: number; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, file), ...args], {
      cwd: path.dirname(BENCH_DIR),
      stdio: 'inherit',
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
    }, timeoutMs)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, ms: performance.now() - t0, timedOut })
    })
  })
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const passThrough = argv.filter((a) => a.startsWith('--'))
  const filters = argv.filter((a) => !a.startsWith('--'))
  const timeoutMin = Number(process.env['BENCH_TIMEOUT_MIN'] ?? 20)
  const timeoutMs = (Number.isFinite(timeoutMin) && timeoutMin > 0 ? timeoutMin : 20) * 60_000
  const scripts = await listBenchScripts(filters)
  if (scripts.length === 0) {
    process.stderr.write(`no benchmark scripts match ${JSON.stringify(filters)} in ${BENCH_DIR}\n`)
    process.exit(1)
  }
  process.stdout.write(`bench: running ${scripts.join(', ')}${passThrough.length > 0 ? ` with ${passThrough.join(' ')}` : ''}\n`)
  const summary: string[] = []
  let failed = 0
  for (const file of scripts) {
    process.stdout.write(`\n=== ${file} ===\n`)
    const r = await runScript(file, passThrough, timeoutMs)
    const ok = r.code === 0 && !r.timedOut
    if (!ok) failed++
    summary.push(`${ok ? 'ok  ' : 'FAIL'} ${file} (${(r.ms / 1000).toFixed(1)} s${r.timedOut ? `, killed after ${timeoutMs / 60_000} min` : r.code !== 0 ? `, exit ${r.code}` : ''})`)
  }
  process.stdout.write(`\n=== summary ===\n${summary.join('\n')}\n`)
  process.exit(failed === 0 ? 0 : 1)
}

main().catch((err: unknown) => {
  process.stderr.write(`bench runner failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
