/**
 * Resume in the desktop app, services-level: after a crash (the services in a child
 * process killed with SIGKILL mid-batch) or a quit mid-batch (dispose), the next start reports the
 * unfinished batch (`jobs:get-resumable`, names only), and `jobs:resume` finishes it: the output
 * equals an uninterrupted run, nothing is uploaded again for a file whose upload was recorded,
 * temp files of the crashed run are gone. A batch the user cancelled or that finished leaves nothing
 * to resume.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServicesInternals } from '../../electron/app/services.ts'
import type { EventChannels, JobDto, ResumableBatchDto, ResumeResult } from '../../electron/ipc/contract.ts'
import { openJournalStore } from '../../electron/journal/journal.ts'
import { createNodePlatform, type NodePlatform } from '../../electron/platform/node-platform.ts'
import type { Result } from '../../electron/shared/error-codes.ts'
import { makeEncryptedPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'
import { listing, presigns, requestStem, SMALL_PAGE, spawnTs, waitUntil } from '../helpers/reliability.ts'

const KEY = 'app-resume-key-94c2d7'
let emu: Emulator
let dir: string
let n = 0

interface Session {
  readonly services: AppServicesInternals
  readonly platform: NodePlatform
  readonly events: { channel: string; payload: unknown }[]
  call<T>(channel: string, ...args: unknown[]): Promise<Result<T>>
  value<T>(channel: string, ...args: unknown[]): Promise<T>
}

async function session(root: string): Promise<Session> {
  const platform = createNodePlatform({ rootDir: path.join(root, 'platform') })
  const services = await createAppServices({
    platform,
    userDataDir: path.join(root, 'user-data'),
    env: { PDFCO_BASE_URL: emu.baseUrl },
    pdfcoEngineOptions: { chunkSize: 3, parallelJobs: 2, pollSchedule: { firstDelayMs: 50, minDelayMs: 30, maxDelayMs: 200, factor: 1.3 } },
  })
  const events: { channel: string; payload: unknown }[] = []
  services.onEvent((channel, payload) => events.push({ channel, payload }))
  const call = async <T>(channel: string, ...args: unknown[]) => (await services.dispatch(channel, args)) as Result<T>
  const value = async <T>(channel: string, ...args: unknown[]) => {
    const r = await call<T>(channel, ...args)
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
    return r.value
  }
  return { services, platform, events, call, value }
}

const finishedBatches = (s: Session) => s.events.filter((e) => e.channel === 'batch:finished').map((e) => e.payload as EventChannels['batch:finished'])

async function makeSources(root: string): Promise<string[]> {
  return [
    await makePagesPdf(root, `one-${n}.pdf`, 8, SMALL_PAGE),
    await makePagesPdf(root, `two-${n}.pdf`, 5, SMALL_PAGE),
    await makePagesPdf(root, `three-${n}.pdf`, 7, SMALL_PAGE),
  ]
}
const expectedNames = (sources: readonly string[], counts: readonly number[]) =>
  sources
    .flatMap((s, i) => Array.from({ length: counts[i]! }, (_, p) => `${path.basename(s, '.pdf')}-${p + 1}.png`))
    .sort()

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  dir = await mkdtemp(path.join(os.tmpdir(), 'app-resume-'))
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('resume in the app', () => {
  it('after a crash (SIGKILL of the services mid-batch): offered at the next start, resumed to the same output, no repeated upload', async () => {
    const root = path.join(dir, `crash-${++n}`)
    const out = path.join(root, 'out')
    const sources = await makeSources(dir)
    emu.faults.processingMsPerPage = 60
    const from = emu.requests.length
    const child = spawnTs(
      path.join(import.meta.dirname, '../helpers/services-child.ts'),
      [path.join(root, 'user-data'), path.join(root, 'platform'), emu.baseUrl, KEY, out, ...sources],
      { cwd: dir, env: {} },
    )
    // Killed once a few pages of the batch are on disk.
    await waitUntil(() => child.stdout().split('\n').filter((l) => l.includes('"outputs:added"')).length >= 4 || undefined, 'four pages written', 60_000, 5)
    child.child.kill('SIGKILL')
    await child.exited
    emu.faults.processingMsPerPage = 0
    const beforeResume = emu.requests.length
    const uploadedBefore = new Set(presigns(emu.requests.slice(from, beforeResume)).map(requestStem))

    const store = await openJournalStore({ dir: path.join(root, 'user-data', 'journal') })
    const recorded = (await store.listResumable({ origin: 'app' }))[0]
    expect(recorded).toBeDefined()
    const withUpload = recorded!.record.files
      .filter((f) => recorded!.files.get(f.key)?.progress?.upload !== undefined)
      .map((f) => path.basename(f.sourcePath, '.pdf'))

    const s = await session(root)
    try {
      const offer = await s.value<ResumableBatchDto | null>('jobs:get-resumable')
      expect(offer).toMatchObject({ fileCount: 3, pagesTotal: 20, outputFolderName: 'out' })
      expect(offer!.pagesDone).toBeGreaterThanOrEqual(4)
      expect(offer!.fileNames.every((f) => !f.includes('/'))).toBe(true)
      expect(JSON.stringify(offer)).not.toContain(dir)
      const resumed = await s.value<ResumeResult>('jobs:resume', offer!.batchId)
      expect(resumed.skipped).toEqual([])
      expect(resumed.jobs.length).toBeGreaterThan(0)
      await waitUntil(() => finishedBatches(s)[0], 'the resumed batch', 60_000, 10)
      expect(finishedBatches(s)[0]).toMatchObject({ failed: 0, cancelled: 0 })
      // Every file's job ends done, its pages counted in full (kept ones included).
      for (const job of resumed.jobs) {
        const last = s.events.filter((e) => e.channel === 'jobs:updated' && (e.payload as JobDto).id === job.id).at(-1)?.payload as JobDto
        expect(last).toMatchObject({ stage: 'done', pagesDone: job.pagesTotal })
      }
      expect(await listing(out)).toEqual(expectedNames(sources, [8, 5, 7]))
      for (const stem of withUpload) expect(presigns(emu.requests.slice(beforeResume)).filter((r) => requestStem(r) === stem)).toEqual([])
      expect(uploadedBefore.size).toBeGreaterThan(0)
      // Nothing left to resume: once the app has flushed (quit), the finished batch left no journal.
      expect(await s.value('jobs:get-resumable')).toBeNull()
    } finally {
      await s.services.dispose()
    }
    expect(await readdir(path.join(root, 'user-data', 'journal'))).toEqual([])
  })

  it('after a quit mid-batch: offered again; a password file is skipped with its reason; discard forgets it', async () => {
    const root = path.join(dir, `quit-${++n}`)
    const out = path.join(root, 'out')
    const sources = await makeSources(dir)
    const locked = await makeEncryptedPdf(dir, `locked-${n}.pdf`, { userPassword: 'Secret-Pass-4417', pages: 2 })
    const a = await session(root)
    await a.value('settings:set-api-key', KEY)
    await a.value('settings:update', { engine: 'pdfco' })
    a.platform.dialogs.queueOpenFolder(out)
    await a.value('output:pick-folder')
    const added = await a.value<{ added: { id: string }[] }>('files:register-dropped', [...sources, locked])
    await a.value('files:unlock', added.added[3]!.id, 'Secret-Pass-4417')
    emu.faults.processingMsPerPage = 80
    await a.value('jobs:start', { items: added.added.map((f) => ({ fileId: f.id, pageRange: '' })), format: 'png', overwrite: 'keep-both' })
    await waitUntil(() => a.events.some((e) => e.channel === 'outputs:added') || undefined, 'a page written', 60_000, 5)
    await a.services.dispose() // quit
    emu.faults.processingMsPerPage = 0
    // The kept journal holds links and checksums, never the key or the PDF's password.
    const journalFiles = await readdir(path.join(root, 'user-data', 'journal'), { recursive: true, withFileTypes: true })
    const journalText = (
      await Promise.all(journalFiles.filter((e) => e.isFile()).map((e) => readFile(path.join(e.parentPath, e.name), 'utf8')))
    ).join('\n')
    expect(journalText).toContain('"jobs"')
    expect(journalText).not.toContain(KEY)
    expect(journalText).not.toContain('Secret-Pass-4417')

    const b = await session(root)
    try {
      const offer = await b.value<ResumableBatchDto | null>('jobs:get-resumable')
      expect(offer).toMatchObject({ fileCount: 4 })
      const resumed = await b.value<ResumeResult>('jobs:resume', offer!.batchId)
      // The password was never stored: that file is added back but waits for it.
      expect(resumed.skipped.map((x) => [x.displayName, x.reason.code])).toEqual([[`locked-${n}.pdf`, 'file/password-required']])
      await waitUntil(() => finishedBatches(b)[0], 'the resumed batch', 60_000, 10)
      expect(finishedBatches(b)[0]).toMatchObject({ failed: 0 })
      const names = await listing(out)
      for (const name of expectedNames(sources, [8, 5, 7])) expect(names).toContain(name)
      expect(names.filter((x) => / \(\d+\)/.test(x) || x.startsWith('.'))).toEqual([])
    } finally {
      await b.services.dispose()
    }

    // A third start: the batch ended (the locked file still unconverted) — and is then discarded.
    const c = await session(root)
    try {
      const again = await c.value<ResumableBatchDto | null>('jobs:get-resumable')
      if (again !== null) {
        await c.value('jobs:discard-resumable', again.batchId)
        expect(await c.value('jobs:get-resumable')).toBeNull()
      }
    } finally {
      await c.services.dispose()
    }
  })

  it('a batch the user cancelled, or one that finished, leaves nothing to resume', async () => {
    const root = path.join(dir, `cancel-${++n}`)
    const sources = await makeSources(dir)
    const a = await session(root)
    await a.value('settings:set-api-key', KEY)
    await a.value('settings:update', { engine: 'pdfco' })
    a.platform.dialogs.queueOpenFolder(path.join(root, 'out'))
    await a.value('output:pick-folder')
    const added = await a.value<{ added: { id: string }[] }>('files:register-dropped', sources)
    emu.faults.processingMsPerPage = 200
    await a.value('jobs:start', { items: added.added.map((f) => ({ fileId: f.id, pageRange: '' })), format: 'png', overwrite: 'keep-both' })
    await waitUntil(() => a.events.some((e) => e.channel === 'jobs:updated' && (e.payload as JobDto).stage === 'converting') || undefined, 'converting')
    await a.value('jobs:cancel-all')
    await waitUntil(() => finishedBatches(a)[0], 'cancelled batch')
    emu.faults.processingMsPerPage = 0
    await a.value('jobs:start', { items: [{ fileId: added.added[1]!.id, pageRange: '1' }], format: 'jpg', overwrite: 'keep-both' })
    await waitUntil(() => finishedBatches(a)[1], 'finished batch')
    await a.services.dispose()
    const b = await session(root)
    try {
      expect(await b.value('jobs:get-resumable')).toBeNull()
      expect(await b.call('jobs:resume', '0mx1sjrao-408a329d')).toMatchObject({ ok: false, error: { code: 'input/invalid' } })
      expect(await b.call('jobs:resume', '../../etc')).toMatchObject({ ok: false, error: { code: 'ipc/bad-args' } })
    } finally {
      await b.services.dispose()
    }
  })
})
