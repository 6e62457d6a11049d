import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createJobManager, UPLOAD_UPDATE_INTERVAL_MS, type JobManager } from '../../../../electron/app/jobs.ts'
import type { ConversionEngine, ConversionEvent } from '../../../../electron/engines/types.ts'
import { CancelledError, FileError } from '../../../../electron/errors.ts'
import type { EventChannels, FileId, JobDto } from '../../../../electron/ipc/contract.ts'
import { createNodePlatform, type NodePlatform } from '../../../../electron/platform/node-platform.ts'
import { createFileRegistry, type FileRegistry } from '../../../../electron/registry/file-registry.ts'
import { createOutputRegistry } from '../../../../electron/registry/output-registry.ts'
import { writePdf } from '../../../helpers/test-pdfs.ts'

let dir: string
let files: FileRegistry
let platform: NodePlatform
let events: { channel: keyof EventChannels; payload: unknown }[]
let manager: JobManager | undefined

/** An engine scripted by the test: emits `script(emit)` and resolves, honouring the abort signal. */
function scriptedEngine(script: (emit: (e: ConversionEvent) => void, signal: AbortSignal) => Promise<void>): ConversionEngine {
  return {
    kind: 'pdfco',
    async convert(request, options) {
      const emit = (e: ConversionEvent): void => options?.onEvent?.(e)
      await script(emit, options!.signal!)
      if (options?.signal?.aborted) throw new CancelledError()
      return { engine: 'pdfco', sourcePath: request.sourcePath, pageCount: 1, files: [], elapsedMs: 1 }
    },
  }
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'jobs-'))
  files = await createFileRegistry({ importsDir: path.join(dir, 'imports') })
  platform = createNodePlatform({ rootDir: path.join(dir, 'platform') })
  events = []
})
afterEach(async () => {
  await manager?.dispose()
  await rm(dir, { recursive: true, force: true })
})

function makeManager(engine: ConversionEngine, now?: () => number): JobManager {
  manager = createJobManager({
    ...(now === undefined ? {} : { now }),
    files,
    outputs: createOutputRegistry('pdf-thumb://'),
    platform,
    createEngine: () => engine,
    defaultEngine: () => 'pdfco',
    concurrency: 2,
    emit: (channel, payload) => events.push({ channel, payload }),
  })
  return manager
}
const updates = (): JobDto[] => events.filter((e) => e.channel === 'jobs:updated').map((e) => e.payload as JobDto)
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}

describe('job manager', () => {
  it(`throttles upload progress to one update per ${UPLOAD_UPDATE_INTERVAL_MS} ms per job, keeping the last value`, async () => {
    const pdf = await writePdf(path.join(dir, 'a.pdf'), 1)
    const id = (await files.registerPaths([pdf])).added[0]!.id
    let uploadMs = 0
    const jobs = makeManager(
      scriptedEngine(async (emit) => {
        emit({ type: 'stage', stage: 'uploading', atMs: Date.now() })
        const started = Date.now()
        for (let sent = 1; sent <= 1000; sent++) {
          emit({ type: 'upload-progress', bytesSent: sent * 1000, bytesTotal: 1_000_000 })
          if (sent % 100 === 0) await new Promise((r) => setTimeout(r, 15))
        }
        uploadMs = Date.now() - started
        emit({ type: 'stage', stage: 'converting', atMs: Date.now() })
      }),
    )
    await jobs.start({ items: [{ fileId: id, pageRange: '' }], format: 'png', overwrite: 'keep-both' }, path.join(dir, 'out'))
    await until(() => events.some((e) => e.channel === 'batch:finished'))
    const uploading = updates().filter((u) => u.stage === 'uploading')
    // 1000 events in ~10 bursts: at most one update per 100 ms window, plus the first and the 100 % one.
    expect(uploading.length).toBeGreaterThan(1)
    expect(uploading.length).toBeLessThanOrEqual(Math.ceil(uploadMs / UPLOAD_UPDATE_INTERVAL_MS) + 3)
    expect(uploading.at(-1)?.uploadPercent).toBe(100)
    expect(updates().at(-1)?.stage).toBe('done')
  })

  it('validates the whole request before queueing anything', async () => {
    const pdf = await writePdf(path.join(dir, 'b.pdf'), 2)
    const id = (await files.registerPaths([pdf])).added[0]!.id
    const jobs = makeManager(scriptedEngine(async () => undefined))
    await expect(
      jobs.start(
        { items: [{ fileId: id, pageRange: '1' }, { fileId: id, pageRange: '3' }], format: 'png', overwrite: 'keep-both' },
        path.join(dir, 'out'),
      ),
    ).rejects.toMatchObject({ code: 'input/page-range', message: expect.stringContaining('b.pdf') })
    await expect(
      jobs.start({ items: [{ fileId: '0f8fad5b-d9cb-469f-a165-70867728950e' as FileId, pageRange: '' }], format: 'png', overwrite: 'keep-both' }, dir),
    ).rejects.toMatchObject({ code: 'input/invalid' })
    expect(events).toEqual([])
  })

  it('cancels queued and running jobs, reports one batch end and clears the taskbar progress', async () => {
    const ids: FileId[] = []
    for (const n of [1, 2, 3]) ids.push((await files.registerPaths([await writePdf(path.join(dir, `c${n}.pdf`), 1, `c${n}`)])).added[0]!.id)
    const jobs = makeManager(
      scriptedEngine(async (emit, signal) => {
        emit({ type: 'stage', stage: 'converting', atMs: Date.now() })
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
      }),
    )
    const started = await jobs.start({ items: ids.map((fileId) => ({ fileId, pageRange: '' })), format: 'png', overwrite: 'keep-both' }, dir)
    await until(() => updates().filter((u) => u.stage === 'converting').length === 2)
    jobs.cancel(started[0]!.id)
    jobs.cancelForFile(ids[1]!)
    await until(() => updates().some((u) => u.id === started[1]!.id && u.stage === 'cancelled'))
    jobs.cancelAll()
    await until(() => events.some((e) => e.channel === 'batch:finished'))
    expect(events.filter((e) => e.channel === 'batch:finished').map((e) => e.payload)).toEqual([{ done: 0, failed: 0, cancelled: 3 }])
    expect(platform.recorded.progress.at(-1)).toBe(-1)
    expect(() => jobs.cancel('nope')).toThrow(/Unknown job/)
  })

  it('the taskbar shows the one progress module (pages across the batch, error mode) and a retry reports its own attempt', async () => {
    const a = (await files.registerPaths([await writePdf(path.join(dir, 'a.pdf'), 4, 'a')])).added[0]!.id
    const b = (await files.registerPaths([await writePdf(path.join(dir, 'b.pdf'), 4, 'b')])).added[0]!.id
    let clock = 1_000
    let releaseB: () => void = () => undefined
    const engine: ConversionEngine = {
      kind: 'pdfco',
      async convert(request, options) {
        const emit = (e: ConversionEvent): void => options?.onEvent?.(e)
        emit({ type: 'stage', stage: 'converting', atMs: clock })
        if (request.sourcePath.endsWith('b.pdf')) await new Promise<void>((resolve) => (releaseB = resolve))
        else if (request.pages?.[0] === 1) {
          for (const page of [1, 2]) emit({ type: 'page-written', page, path: path.join(dir, `a-${page}.png`), sizeBytes: 1, pagesDone: page, pagesTotal: 4 })
          throw new FileError('file/write-failed', 'disk said no')
        }
        return { engine: 'pdfco', sourcePath: request.sourcePath, pageCount: 4, files: [], elapsedMs: 1 }
      },
    }
    const jobs = makeManager(engine, () => clock)
    const [jobA, jobB] = await jobs.start({ items: [a, b].map((fileId) => ({ fileId, pageRange: '' })), format: 'png', overwrite: 'keep-both' }, path.join(dir, 'Scans'))
    expect(jobA).toMatchObject({ attemptStartedAtMs: 1_000, pagesAtAttemptStart: 0, outputFolderName: 'Scans' })
    await until(() => updates().some((u) => u.id === jobA!.id && u.stage === 'failed'))
    // 2 of 8 pages written: a quarter, not the old per-stage formula (0.2 + 0.8 × 2/4 averaged with B).
    const i = platform.recorded.progress.indexOf(0.25)
    expect(i).toBeGreaterThanOrEqual(0)
    expect(platform.recorded.progress.at(-1)).toBe(0.25)
    expect(platform.recorded.progressModes.at(-1)).toBe('error')
    clock = 20_000
    const retried = jobs.retry(jobA!.id)
    expect(retried).toMatchObject({ startedAtMs: 1_000, attemptStartedAtMs: 20_000, pagesAtAttemptStart: 2, pagesDone: 2, outputFolderName: 'Scans' })
    await until(() => updates().some((u) => u.id === jobA!.id && u.stage === 'done'))
    releaseB()
    await until(() => events.some((e) => e.channel === 'batch:finished'))
    expect(updates().filter((u) => u.id === jobB!.id).at(-1)).toMatchObject({ stage: 'done', attemptStartedAtMs: 1_000, outputFolderName: 'Scans' })
    expect(platform.recorded.progress.at(-1)).toBe(-1)
  })
})
