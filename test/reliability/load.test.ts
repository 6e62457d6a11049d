/**
 * Load: many generated PDFs (1-50 pages each) through the real main-process services
 * (the app's path: register files, `jobs:start`, queue, PDF.co engine) at the configured
 * concurrency, against the emulator running in its own process (so its rendering does not count
 * against this process's memory). All files must succeed; heap after GC, sampled at intervals,
 * must stay flat; the number of open file descriptors must not grow.
 *
 * Default: 30 PDFs. `RELIABILITY_LOAD=1`: the full 200 (several minutes; numbers in
 * docs/reliability.md).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readlinkSync } from 'node:fs'
import { appendFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServicesInternals } from '../../electron/app/services.ts'
import type { EventChannels } from '../../electron/ipc/contract.ts'
import { createNodePlatform } from '../../electron/platform/node-platform.ts'
import type { Result } from '../../electron/shared/error-codes.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { SMALL_PAGE, SMALL_PAGE_PX, waitUntil } from '../helpers/reliability.ts'

const FULL = process.env['RELIABILITY_LOAD'] === '1'
const FILES = FULL ? 200 : 30
const CONCURRENCY = 3
const KEY = 'load-test-key-58d1e0'
const root = path.resolve(import.meta.dirname, '../..')

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

let emulatorProcess: ChildProcess
let baseUrl: string
let dir: string

const openFds = (): number => readdirSync('/proc/self/fd').length
const fdTargets = (): string[] =>
  readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      return '?'
    }
  })
const MB = 1024 * 1024

async function startEmulatorProcess(): Promise<void> {
  const loader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href
  emulatorProcess = spawn(process.execPath, ['--import', loader, path.join(root, 'test/pdfco-emulator/cli.ts'), '--port', '0', '--key', KEY, '--dpi', '36'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  emulatorProcess.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  baseUrl = await waitUntil(() => /listening at (\S+)/.exec(out)?.[1], 'the emulator process', 60_000, 20)
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'load-'))
  await startEmulatorProcess()
}, 120_000)
afterAll(async () => {
  emulatorProcess?.kill('SIGTERM')
  await rm(dir, { recursive: true, force: true })
})

describe('load', () => {
  it(`${FILES} PDFs of 1-50 pages at concurrency ${CONCURRENCY}: all succeed, heap flat, no descriptor leak`, { timeout: FULL ? 30 * 60_000 : 5 * 60_000 }, async () => {
    // Seeded page counts, 1-50.
    let seed = 2024
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed / 0x100000000
    }
    const srcDir = path.join(dir, 'pdfs')
    await mkdir(srcDir)
    const pageCounts: number[] = []
    const sources: string[] = []
    for (let i = 0; i < FILES; i++) {
      const pages = 1 + Math.floor(rand() * 50)
      pageCounts.push(pages)
      const file = await makePagesPdf(srcDir, `doc-${String(i + 1).padStart(3, '0')}.pdf`, pages, SMALL_PAGE)
      // A trailing comment makes every file unique (the app refuses a second copy of the same bytes).
      await appendFile(file, `\n% load test document ${i + 1}\n`)
      sources.push(file)
    }
    const totalPages = pageCounts.reduce((a, b) => a + b, 0)

    const services: AppServicesInternals = await createAppServices({
      platform: createNodePlatform({ rootDir: path.join(dir, 'platform') }),
      userDataDir: path.join(dir, 'user-data'),
      env: { PDFCO_BASE_URL: baseUrl },
      pdfcoEngineOptions: { pollSchedule: { firstDelayMs: 100, minDelayMs: 50, maxDelayMs: 400, factor: 1.3 } },
    })
    const call = async <T>(channel: string, ...args: unknown[]): Promise<T> => {
      const r = (await services.dispatch(channel, args)) as Result<T>
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
      return r.value
    }
    let finished: EventChannels['batch:finished'] | undefined
    let outputs = 0
    services.onEvent((channel, payload) => {
      if (channel === 'batch:finished') finished = payload as EventChannels['batch:finished']
      if (channel === 'outputs:added') outputs++
    })
    await call('settings:set-api-key', KEY)
    await call('settings:update', { concurrency: CONCURRENCY })
    const added = await call<{ added: { id: string }[]; rejected: unknown[] }>('files:register-dropped', sources)
    expect(added.added).toHaveLength(FILES)

    // Baselines after warm-up of everything but the conversions.
    gc()
    const fdsBefore = openFds()
    const samples: { atMs: number; done: number; rssMb: number; heapMb: number; fds: number }[] = []
    const startedMs = Date.now()
    const sample = (): void => {
      gc()
      const m = process.memoryUsage()
      samples.push({ atMs: Date.now() - startedMs, done: outputs, rssMb: m.rss / MB, heapMb: m.heapUsed / MB, fds: openFds() })
    }
    sample()
    const timer = setInterval(sample, 1_000)
    // One start for the whole batch, into the default output folder.
    const jobs = await services.dispatch('jobs:start', [
      { items: added.added.map((f) => ({ fileId: f.id, pageRange: '' })), format: 'png', overwrite: 'keep-both' },
    ])
    expect(jobs.ok).toBe(true)
    await waitUntil(() => finished, 'the batch to finish', FULL ? 30 * 60_000 : 5 * 60_000, 100)
    clearInterval(timer)
    sample()
    const elapsedMs = Date.now() - startedMs

    expect(finished).toEqual({ done: FILES, failed: 0, cancelled: 0 })
    expect(outputs).toBe(totalPages)
    const written = (await readdir(services.outputDir())).filter((n) => n.startsWith('doc-'))
    expect(written).toHaveLength(totalPages)
    for (const name of written.filter((_, i) => i % 97 === 0)) {
      const meta = await sharp(path.join(services.outputDir(), name)).metadata()
      expect([meta.width, meta.height]).toEqual(SMALL_PAGE_PX)
    }

    await services.dispose()
    // Idle keep-alive sockets to PDF.co stay pooled until the server closes them (Node's default
    // keep-alive timeout: 5 s); a leak would never come back down.
    const pooledSockets = fdTargets().filter((t) => t.startsWith('socket:')).length
    const fdsAfter = await waitUntil(() => (openFds() <= fdsBefore + 2 ? openFds() : undefined), 'descriptors back to the baseline', 20_000, 100).catch(
      (err: unknown) => {
        console.log(`open descriptors: ${fdTargets().join(', ')}`)
        throw err
      },
    )
    // Memory: heap after GC at the end of the batch vs. once a tenth of the pages were written.
    const warm = samples.find((s) => s.done >= totalPages / 10) ?? samples[0]!
    const last = samples.at(-1)!
    const peakRss = Math.max(...samples.map((s) => s.rssMb))
    const peakHeap = Math.max(...samples.map((s) => s.heapMb))
    const maxFds = Math.max(...samples.map((s) => s.fds))
    const line =
      `LOAD files=${FILES} pages=${totalPages} concurrency=${CONCURRENCY} elapsed=${(elapsedMs / 1000).toFixed(1)}s ` +
      `heapAfterGC warm=${warm.heapMb.toFixed(1)}MB end=${last.heapMb.toFixed(1)}MB peak=${peakHeap.toFixed(1)}MB ` +
      `rss start=${samples[0]!.rssMb.toFixed(0)}MB peak=${peakRss.toFixed(0)}MB end=${last.rssMb.toFixed(0)}MB ` +
      `fds before=${fdsBefore} max=${maxFds} pooledSocketsAtEnd=${pooledSockets} after=${fdsAfter} samples=${samples.length}`
    console.log(line)
    // The app keeps one small record per written page for the session (outputs registry): allow
    // 2 KB per page on top of 25 MB of noise; a leak of the pages' bytes would be far beyond.
    expect(last.heapMb - warm.heapMb).toBeLessThan(25 + (totalPages * 2) / 1024)
    expect(fdsAfter).toBeLessThanOrEqual(fdsBefore + 2)
    expect(maxFds - fdsBefore).toBeLessThan(CONCURRENCY * 40)
  })
})
