/**
 * Shared helpers of the reliability tests: small page sizes, reading what the emulator recorded,
 * listing output folders, running the CLI as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { RecordedRequest } from '../pdfco-emulator/server.ts'

/** A small page: 144 x 216 pt (2 x 3 in). */
export const SMALL_PAGE = { widthPt: 144, heightPt: 216 } as const
/** Its pixel size at the emulator's 36 DPI. */
export const SMALL_PAGE_PX = [72, 108] as const

/** Every entry of a folder (hidden ones too), sorted. */
export async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort()
}

/** get-presigned-url calls (one per upload attempt). */
export function presigns(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.path === '/v1/file/upload/get-presigned-url')
}

/** Successful PUTs of a PDF. */
export function uploads(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method === 'PUT' && r.status === 200)
}

/** Accepted conversion submissions. */
export function converts(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.path.startsWith('/v1/pdf/convert/to/') && r.status === 200)
}

/** The 1-based pages of a conversion request (its `pages` param is PDF.co's 0-based syntax). */
export function pagesOf(request: RecordedRequest): number[] {
  const spec = String(request.params['pages'] ?? '')
  const out: number[] = []
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (m === null) throw new Error(`unexpected pages spec ${spec}`)
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    for (let p = a; p <= b; p++) out.push(p + 1)
  }
  return out
}

/** Successful downloads of page images (not result lists). */
export function imageDownloads(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method === 'GET' && r.path.startsWith('/s3/') && /\.(png|jpg|webp|tif)$/.test(r.path) && r.status === 200)
}

/** The file a presign or conversion request was about: its `name` param without extension. */
export function requestStem(request: RecordedRequest): string {
  const name = String(request.params['name'] ?? request.query['name'] ?? '')
  return name.replace(/\.[a-z]+$/i, '')
}

const projectRoot = path.resolve(import.meta.dirname, '../..')
const tsxLoader = pathToFileURL(path.join(projectRoot, 'node_modules/tsx/dist/loader.mjs')).href

/** A CLI child process and what it printed. */
export interface CliChild {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the exit code (null when killed) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `electron/cli/main.ts` in a child process (the emulator stays in this one). */
export function spawnCli(args: readonly string[], options: { cwd: string; env: Record<string, string | undefined> }): CliChild {
  return spawnTs(path.join(projectRoot, 'electron/cli/main.ts'), args, options)
}

/** Starts a TypeScript file (through tsx) in a child process. */
export function spawnTs(script: string, args: readonly string[], options: { cwd: string; env: Record<string, string | undefined> }): CliChild {
  const child = spawn(process.execPath, ['--import', tsxLoader, script, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal }))
  })
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

/** Polls `check` every few ms until it returns a value (an observed state, not a fixed sleep). */
export async function waitUntil<T>(check: () => T | undefined | false, what: string, timeoutMs = 60_000, everyMs = 5): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
