/**
 * Runs the real CLI (`electron/cli/main.ts`) as a child process, the way a user would
 * (`node --import tsx electron/cli/main.ts … --json`), and records what a benchmark needs: wall time,
 * every JSON event with the time the driver received it, and the child's memory (peak RSS from
 * `/usr/bin/time` when present, plus VmRSS/VmHWM samples from `/proc/<pid>/status`).
 *
 * `node --import tsx` (not the `tsx` binary) so that the measured process IS the CLI: the `tsx`
 * binary would put a second Node process in between.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root (two levels above this file). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const CLI_PATH = path.join(REPO_ROOT, 'electron', 'cli', 'main.ts')
const TIME_BIN = '/usr/bin/time'

/** One `--json` line of the CLI with the driver's receive time (`Date.now()` clock). */
export interface TimedLine {
  readonly atMs: number
  readonly line: Record<string, unknown>
}

/** One memory sample of the CLI process, in KiB (from /proc/<pid>/status). */
export interface RssSample {
  readonly atMs: number
  readonly rssKb: number
  readonly hwmKb: number
}

/** What {@link runCliProcess} observed. */
export interface CliRun {
  readonly exitCode: number | null
  /** `Date.now()` just before spawn. */
  readonly spawnedAtMs: number
  /** `Date.now()` when the process exited. */
  readonly exitedAtMs: number
  /** Exit - spawn, in ms (high-resolution clock). */
  readonly wallMs: number
  readonly lines: readonly TimedLine[]
  readonly stderr: string
  /** Peak RSS in KiB: `/usr/bin/time` %M when available, else the last VmHWM sample. */
  readonly maxRssKb: number | null
  /** Where {@link maxRssKb} came from. */
  readonly maxRssSource: 'time' | 'proc' | 'none'
  /** CPU seconds of the CLI process (user, system) from `/usr/bin/time`, when available. */
  readonly cpuUserS: number | null
  readonly cpuSysS: number | null
  readonly samples: readonly RssSample[]
}

/** Options of {@link runCliProcess}. */
export interface CliRunOptions {
  /** Arguments after `electron/cli/main.ts`; `--json` is added. */
  readonly args: readonly string[]
  readonly env: Record<string, string>
  /** Kill the CLI after this long (ms); default 10 min. */
  readonly timeoutMs?: number
  /** Interval of /proc RSS samples (ms); 0 = none. Default 0. */
  readonly sampleEveryMs?: number
  /** Run this built bundle with plain `node` (see `build-cli.ts`) instead of `node --import tsx electron/cli/main.ts`. */
  readonly builtCliPath?: string | undefined
}

/**
 * Spawns the CLI, waits for it to exit and returns the observations. Never throws for a failing
 * CLI (look at `exitCode`); throws only when the process cannot be started.
 */
export async function runCliProcess(options: CliRunOptions): Promise<CliRun> {
  const useTime = existsSync(TIME_BIN)
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-cli-'))
  const timeFile = path.join(tmp, 'time.txt')
  const entry = options.builtCliPath === undefined ? ['--import', 'tsx', CLI_PATH] : [options.builtCliPath]
  const nodeArgs = [...entry, ...options.args, '--json']
  const [cmd, argv] = useTime ? [TIME_BIN, ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs]
  const env = { ...process.env, ...options.env }
  delete env['NODE_OPTIONS']

  const lines: TimedLine[] = []
  const samples: RssSample[] = []
  let stderr = ''
  let partial = ''
  const spawnedAtMs = Date.now()
  const t0 = performance.now()
  const child = spawn(cmd, argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    const atMs = Date.now()
    partial += chunk
    let nl: number
    while ((nl = partial.indexOf('\n')) >= 0) {
      const text = partial.slice(0, nl).trim()
      partial = partial.slice(nl + 1)
      if (text === '') continue
      try {
        lines.push({ atMs, line: JSON.parse(text) as Record<string, unknown> })
      } catch {
        lines.push({ atMs, line: { type: 'text', text } })
      }
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 64 * 1024) stderr += chunk
  })

  let cliPid: number | undefined = useTime ? undefined : child.pid
  const sampleEveryMs = options.sampleEveryMs ?? 0
  const sampler =
    sampleEveryMs > 0
      ? setInterval(() => {
          void (async () => {
            if (cliPid === undefined && child.pid !== undefined) cliPid = await firstChildPid(child.pid)
            if (cliPid === undefined) return
            const s = await readStatus(cliPid)
            if (s !== null) samples.push({ atMs: Date.now(), ...s })
          })()
        }, sampleEveryMs)
      : undefined
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000)
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve(code))
  })
  const wallMs = performance.now() - t0
  const exitedAtMs = Date.now()
  clearTimeout(timer)
  if (sampler !== undefined) clearInterval(sampler)

  let maxRssKb: number | null = null
  let maxRssSource: CliRun['maxRssSource'] = 'none'
  let cpuUserS: number | null = null
  let cpuSysS: number | null = null
  if (useTime) {
    const text = await readFile(timeFile, 'utf8').catch(() => '')
    const m = /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(text.trim())
    if (m !== null) {
      maxRssKb = Number(m[1])
      maxRssSource = 'time'
      cpuUserS = Number(m[2])
      cpuSysS = Number(m[3])
    }
  }
  if (maxRssKb === null && samples.length > 0) {
    maxRssKb = Math.max(...samples.map((s) => s.hwmKb))
    maxRssSource = 'proc'
  }
  await rm(tmp, { recursive: true, force: true })
  return { exitCode, spawnedAtMs, exitedAtMs, wallMs, lines, stderr, maxRssKb, maxRssSource, cpuUserS, cpuSysS, samples }
}

/** The CLI's conversion events in arrival order (`{ type: 'event', event }` lines). */
export function cliEvents(run: CliRun): { atMs: number; event: Record<string, unknown> }[] {
  return run.lines
    .filter((l) => l.line['type'] === 'event')
    .map((l) => ({ atMs: l.atMs, event: l.line['event'] as Record<string, unknown> }))
}

/** Receive time of the first event matching `pred`, or undefined. */
export function firstEventAt(run: CliRun, pred: (e: Record<string, unknown>) => boolean): number | undefined {
  return cliEvents(run).find((e) => pred(e.event))?.atMs
}

async function firstChildPid(pid: number): Promise<number | undefined> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')
  const first = text.trim().split(/\s+/)[0]
  return first === undefined || first === '' ? undefined : Number(first)
}

async function readStatus(pid: number): Promise<{ rssKb: number; hwmKb: number } | null> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null)
  if (text === null) return null
  const rss = /VmRSS:\s+(\d+) kB/.exec(text)
  const hwm = /VmHWM:\s+(\d+) kB/.exec(text)
  if (rss === null || hwm === null) return null
  return { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) }
}
