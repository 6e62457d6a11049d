/**
 * Starts the PDF.co emulator in a separate Node process (see `emulator-child.ts`) and talks to it
 * over the fork IPC channel.
 *
 * Why a separate process: the emulator renders every page itself (pdf.js + sharp). In the
 * benchmark driver's process that work would share one event loop with the driver's own timing
 * and downloads; as a child it is scheduled by the OS next to the CLI child like the cloud would
 * be "next to" the client (on this 2-core machine they still share CPUs; see bench/RESULTS.md).
 */
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EmulatorFaults, EmulatorOptions } from '../../test/pdfco-emulator/server.ts'

/** One job as the emulator's `jobStats()` reports it (times are `Date.now()` ms). */
export interface JobStat {
  readonly jobId: string
  /** 0-based pages. */
  readonly pages: number[]
  readonly startedAtMs: number
  readonly finishedAtMs?: number
  readonly status: string
}

/** One request the emulator received (a trimmed {@link RecordedRequest}). */
export interface RequestStat {
  readonly method: string
  /** URL pathname as received (percent-encoded). */
  readonly path: string
  readonly query: Record<string, string>
  /** `Date.now()` at arrival. */
  readonly atMs: number
  /** 0 = dropped on purpose (fault) or still in flight. */
  readonly status: number
  readonly bodyBytes: number
  /** `jobid` of a job/check call. */
  readonly jobId?: string
}

/** A running emulator child process. */
export interface EmulatorProcess {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly pid: number
  /** Jobs started and requests received at or after `sinceMs` (`Date.now()` clock); the child's RSS. */
  stats(sinceMs?: number): Promise<{ jobs: JobStat[]; requests: RequestStat[]; rssBytes: number }>
  /** Changes fault knobs live (`emu.faults`). */
  setFaults(faults: Partial<EmulatorFaults>): Promise<void>
  /** Closes the emulator (removing its temp folder) and waits for the process to exit. */
  close(): Promise<void>
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'emulator-child.ts')

/**
 * Forks `emulator-child.ts` with `node --import tsx` and resolves once it listens.
 *
 * @throws Error when the child exits or reports no address within `startTimeoutMs` (default 30 s).
 */
export async function startEmulatorProcess(options: EmulatorOptions = {}, startTimeoutMs = 30_000): Promise<EmulatorProcess> {
  const child: ChildProcess = fork(CHILD, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let nextId = 1
  const waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`emulator process exited (code ${code}, signal ${signal})`))
    waiting.clear()
  })

  const ready = await new Promise<{ baseUrl: string; origin: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`emulator process did not start within ${startTimeoutMs} ms`))
    }, startTimeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`emulator process exited during start (code ${code})`))
    })
    child.on('message', (raw: unknown) => {
      const msg = raw as Record<string, unknown>
      if (msg['type'] === 'ready') {
        clearTimeout(timer)
        resolve({ baseUrl: String(msg['baseUrl']), origin: String(msg['origin']), pid: Number(msg['pid']) })
        return
      }
      const id = Number(msg['id'])
      const w = waiting.get(id)
      if (w === undefined) return
      waiting.delete(id)
      if (msg['ok'] === true) w.resolve(msg)
      else w.reject(new Error(String(msg['message'])))
    })
  })

  const call = (msg: Record<string, unknown>): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++
      waiting.set(id, { resolve, reject })
      child.send({ ...msg, id })
    })

  let closed = false
  return {
    ...ready,
    async stats(sinceMs) {
      const r = await call({ type: 'stats', ...(sinceMs === undefined ? {} : { sinceMs }) })
      return { jobs: r['jobs'] as JobStat[], requests: r['requests'] as RequestStat[], rssBytes: Number(r['rssBytes']) }
    },
    async setFaults(faults) {
      await call({ type: 'faults', faults })
    },
    async close() {
      if (closed) return
      closed = true
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      try {
        if (child.connected) await call({ type: 'close' }).catch(() => undefined)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
        await exited
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

/** The full URL of a recorded request (origin + encoded path + query), e.g. to fetch a result again. */
export function requestUrl(origin: string, r: RequestStat): string {
  const q = new URLSearchParams(r.query).toString()
  return `${origin}${r.path}${q === '' ? '' : `?${q}`}`
}

/**
 * Time in ms during which at least one of the jobs was running: the length of the union of their
 * `[startedAtMs, finishedAtMs]` intervals (unfinished jobs are ignored). This is "the emulator's
 * own job time" of a chunked conversion: it excludes moments when no job was in progress.
 */
export function jobBusyMs(jobs: readonly JobStat[]): number {
  const spans = jobs
    .filter((j): j is JobStat & { finishedAtMs: number } => j.finishedAtMs !== undefined)
    .map((j) => [j.startedAtMs, j.finishedAtMs] as const)
    .sort((a, b) => a[0] - b[0])
  let total = 0
  let curStart = -Infinity
  let curEnd = -Infinity
  for (const [s, e] of spans) {
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart
      curStart = s
      curEnd = e
    } else if (e > curEnd) {
      curEnd = e
    }
  }
  if (curEnd > curStart) total += curEnd - curStart
  return total
}
