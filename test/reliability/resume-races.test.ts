/**
 * Resume races: liveness comes from a lock the kernel drops when the process dies (never from a
 * pid), taking a batch over is one atomic step, and only a dead run's temp files are swept.
 * Also: SIGTERM with the local engine leaves no temp file.
 */
import { readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRunAlive } from '../../electron/journal/run-lock.ts'
import { openJournalStore } from '../../electron/journal/journal.ts'
import { sweepStaleTemps } from '../../electron/journal/resume.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'
import { converts, imageDownloads, listing, SMALL_PAGE, spawnCli, spawnTs, waitUntil, type CliChild } from '../helpers/reliability.ts'

const KEY = 'resume-races-key-5be1'
const HERE = import.meta.dirname
let dir: string
let emu: Emulator
let sources: string[]
const FLAGS = ['--chunk-size', '4', '--parallel-jobs', '3', '--concurrency', '3']

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resume-races-'))
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  emu.faults.processingMsPerPage = 25
  await mkdir(path.join(dir, 'pdfs'))
  sources = [
    await makePagesPdf(path.join(dir, 'pdfs'), 'alpha.pdf', 7, SMALL_PAGE),
    await makePagesPdf(path.join(dir, 'pdfs'), 'beta.pdf', 12, SMALL_PAGE),
    await makePagesPdf(path.join(dir, 'pdfs'), 'gamma.pdf', 4, SMALL_PAGE),
  ]
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

const firstLine = (c: CliChild): Promise<string> => waitUntil(() => (c.stdout().includes('\n') ? c.stdout().split('\n')[0] : undefined), 'child output', 30_000)

describe('liveness from a kernel-dropped lock', () => {
  it('a run is alive while its process holds the run lock and dead the moment it is SIGKILLed', async () => {
    const child = spawnTs(path.join(HERE, '../helpers/hold-run-lock.ts'), [], { cwd: dir, env: {} })
    const runId = (await firstLine(child)).trim()
    expect(runId).toMatch(/^[0-9a-f]{16}$/)
    expect(await isRunAlive(runId)).toBe(true)
    child.child.kill('SIGKILL')
    await child.exited
    const t0 = Date.now()
    expect(await isRunAlive(runId)).toBe(false)
    if (process.env['RELIABILITY_REPORT'] === '1') console.log(`REPORT | run lock free ${Date.now() - t0} ms after the exit was seen`)
  })

  it('a batch recorded under a live pid whose lock nobody holds (a reused pid) is offered for resume', async () => {
    const store = await openJournalStore({ dir: path.join(dir, 'j-pid') })
    const batch = await store.createBatch({ origin: 'cli', outputDir: '/o', format: 'png', overwrite: false, files: [{ key: '1', sourcePath: '/a.pdf', pages: null, pageRange: null, needsPassword: false }] })
    await batch.end('interrupted')
    const manifest = path.join(store.dir, batch.batchId, 'batch.json')
    // The record names pid 1 (always alive) and another instance, as a reused pid would.
    const record = JSON.parse(await readFile(manifest, 'utf8'))
    await writeFile(manifest, JSON.stringify({ ...record, pid: 1, instanceId: 'f'.repeat(16), state: 'running' }))
    const other = await openJournalStore({ dir: store.dir })
    expect((await other.listResumable()).map((b) => b.record.batchId)).toEqual([batch.batchId])
  })

  it('two processes taking one batch over at the same moment: exactly one gets it (5 rounds)', async () => {
    const store = await openJournalStore({ dir: path.join(dir, 'j-race') })
    const batch = await store.createBatch({ origin: 'cli', outputDir: '/o', format: 'png', overwrite: false, files: [] })
    await batch.end('interrupted')
    for (let round = 0; round < 5; round++) {
      const at = String(Date.now() + 1500)
      const kids = [0, 1].map(() => spawnTs(path.join(HERE, '../helpers/take-batch.ts'), [store.dir, batch.batchId, at], { cwd: dir, env: {} }))
      const answers = await Promise.all(kids.map(firstLine))
      for (const k of kids) k.child.kill('SIGKILL')
      await Promise.all(kids.map((k) => k.exited))
      expect(answers.filter((a) => a === 'took'), answers.join(' / ')).toHaveLength(1)
      expect(answers.filter((a) => a.startsWith('running: the batch')), answers.join(' / ')).toHaveLength(1)
    }
  }, 60_000)
})

describe('sweeping what killed runs left', () => {
  it("removes a dead run's temp files and empty placeholders; keeps a live run's temp files", async () => {
    const out = await mkdtemp(path.join(dir, 'sweep-'))
    const live = spawnTs(path.join(HERE, '../helpers/hold-run-lock.ts'), [], { cwd: dir, env: {} })
    const dead = spawnTs(path.join(HERE, '../helpers/hold-run-lock.ts'), [], { cwd: dir, env: {} })
    const liveId = (await firstLine(live)).trim()
    const deadId = (await firstLine(dead)).trim()
    dead.child.kill('SIGKILL')
    await dead.exited
    try {
      await writeFile(path.join(out, `.alpha-1.png.part-${liveId}-0000aaaa`), 'x')
      await writeFile(path.join(out, `.alpha-2.png.part-${deadId}-0000bbbb`), 'x')
      await writeFile(path.join(out, '.alpha-3.png.part-0000cccc'), 'x')
      await writeFile(path.join(out, 'alpha-4.png'), '') // placeholder of a kill without hard links
      await writeFile(path.join(out, 'alpha-notes.txt'), '') // not an image name: the user's
      await writeFile(path.join(out, 'alpha-5.png'), 'image')
      const removed = await sweepStaleTemps(out, ['alpha'])
      expect(removed.sort()).toEqual([`.alpha-2.png.part-${deadId}-0000bbbb`, '.alpha-3.png.part-0000cccc', 'alpha-4.png'])
      expect((await listing(out)).sort()).toEqual([`.alpha-1.png.part-${liveId}-0000aaaa`, 'alpha-5.png', 'alpha-notes.txt'])
    } finally {
      live.child.kill('SIGKILL')
      await live.exited
    }
  })
})

describe('the CLI', () => {
  const run = (args: readonly string[], state: string, env: Record<string, string> = {}) =>
    spawnCli(args, { cwd: dir, env: { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl, PDF_TO_IMAGE_STATE_DIR: state, ...env } })

  it('two --resume started together right after a SIGKILL: one runs it, the other says it is running', async () => {
    const out = path.join(dir, 'out-two')
    const state = path.join(dir, 'state-two')
    const from = emu.requests.length
    const first = run([...sources, '--out', out, ...FLAGS], state)
    await waitUntil(() => converts(emu.requests.slice(from)).length >= 2, 'two jobs', 60_000, 2)
    first.child.kill('SIGKILL')
    await first.exited
    const resumedFrom = emu.requests.length
    const both = [run(['--resume', '--out', out, ...FLAGS], state), run(['--resume', '--out', out, ...FLAGS], state)]
    const exits = await Promise.all(both.map((c) => c.exited))
    const codes = exits.map((e) => e.code).sort()
    expect(codes, both.map((c) => c.stderr()).join('\n---\n')).toEqual([0, 2])
    const loser = both[exits.findIndex((e) => e.code === 2)]
    expect(loser?.stderr()).toMatch(/already running/)
    const names = await listing(out)
    expect(names).toHaveLength(23)
    expect(names.filter((x) => x.includes(' (') || x.startsWith('.'))).toEqual([])
    expect(imageDownloads(emu.requests.slice(resumedFrom)).length).toBeLessThanOrEqual(23)
    if (process.env['RELIABILITY_REPORT'] === '1') console.log(`REPORT | two --resume: exits ${codes.join(', ')}; ${imageDownloads(emu.requests.slice(resumedFrom)).length} page downloads`)
  }, 120_000)

  it('SIGTERM with the local engine mid-batch leaves no temp file', async () => {
    const out = path.join(dir, 'out-term')
    const big = await makePagesPdf(path.join(dir, 'pdfs'), 'many.pdf', 60, SMALL_PAGE)
    const child = spawnCli([big, '--engine', 'local', '--out', out, '--dpi', '300', '--workers', '2'], { cwd: dir, env: { PDF_TO_IMAGE_STATE_DIR: path.join(dir, 'state-term') } })
    await waitUntil(() => child.stderr().length + child.stdout().length > 0 && listingSync(out) >= 2, 'two pages written', 60_000, 5)
    child.child.kill('SIGTERM')
    const exit = await child.exited
    expect(exit.code ?? exit.signal).not.toBe(0)
    const names = await listing(out)
    expect(names.filter((x) => x.startsWith('.')), names.join(', ')).toEqual([])
  }, 120_000)
})

function listingSync(out: string): number {
  try {
    return readdirSync(out).length
  } catch {
    return 0
  }
}
