/**
 * Small shared pieces of the benchmarks: statistics, the machine description written next to
 * every result, and the updater of one marked block of `bench/RESULTS.md`.
 */
import { readFile, rename, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from './cli-process.ts'

/** `bench/RESULTS.md`. */
export const RESULTS_PATH = path.join(REPO_ROOT, 'bench', 'RESULTS.md')
/** Heading of the section this project's PDF.co benchmarks own in RESULTS.md. */
export const PDFCO_SECTION = '## PDF.co path'

/** Median of a non-empty list (mean of the middle two for even lengths). @throws Error when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list')
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** Seconds with 2 decimals from ms. */
export function sec(ms: number): string {
  return (ms / 1000).toFixed(2)
}

/** One-line description of this machine and run: date, CPUs, memory, Node, load. */
export function machineLine(): string {
  const cpus = os.cpus()
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ')
  return (
    `${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; nproc ${os.availableParallelism()} (${cpus[0]?.model.trim() ?? 'unknown CPU'}); ` +
    `${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM; Node ${process.version}; ${os.platform()} ${os.release()}; load avg at start ${load}`
  )
}

/** Positive integer from env `name`, else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name])
  return Number.isInteger(v) && v > 0 ? v : fallback
}

/** True when the script was asked to write its block into RESULTS.md (`--record` or BENCH_RECORD=1). */
export function shouldRecord(argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes('--record') || process.env['BENCH_RECORD'] === '1'
}

/**
 * Replaces the block `<!-- bench:ID:start -->…<!-- bench:ID:end -->` in RESULTS.md with `markdown`.
 *
 * The file is re-read right before writing (other benchmarks own other sections). A missing block
 * is appended at the end of the {@link PDFCO_SECTION} section (created, with the file, when
 * missing). Written through a temp file + rename.
 */
export async function writeResultsBlock(id: string, markdown: string, section = PDFCO_SECTION): Promise<void> {
  const start = `<!-- bench:${id}:start -->`
  const end = `<!-- bench:${id}:end -->`
  const block = `${start}\n${markdown.trim()}\n${end}`
  let text = await readFile(RESULTS_PATH, 'utf8').catch(() => '# Benchmark results\n\nRun every benchmark with `npm run bench` (see bench/run.ts).\n')
  const a = text.indexOf(start)
  const b = text.indexOf(end)
  if (a >= 0 && b > a) {
    text = text.slice(0, a) + block + text.slice(b + end.length)
  } else {
    let s = text.indexOf(`\n${section}\n`)
    if (s < 0) {
      text = `${text.trimEnd()}\n\n${section}\n\n`
      s = text.indexOf(`\n${section}\n`)
    }
    const bodyStart = s + section.length + 2
    const next = text.indexOf('\n## ', bodyStart)
    const insertAt = next < 0 ? text.length : next + 1
    const before = text.slice(0, insertAt).trimEnd()
    text = `${before}\n\n${block}\n\n${text.slice(insertAt).trimStart()}`.trimEnd() + '\n'
  }
  const temp = `${RESULTS_PATH}.${process.pid}.tmp`
  await writeFile(temp, text)
  await rename(temp, RESULTS_PATH)
}
