/**
 * The main-process services end to end, through the IPC handlers with a fake trusted event, against
 * the PDF.co emulator on loopback: add files, set the key, convert with live updates, thumbnails,
 * failure + retry, cancel, notifications and taskbar progress, and the log without the key.
 */
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServicesOnEmulator, type ServicesOnEmulator } from '../helpers/services-on-emulator.ts'
import type { AppServicesInternals } from '../../electron/app/services.ts'
import type { AddFilesResult, EventChannels, FileDescriptor, JobDto, OutputPageDto, SettingsDto } from '../../electron/ipc/contract.ts'
import { createChannelHandler } from '../../electron/ipc/handle.ts'
import { appUrlMatcher, createTrustedSenders } from '../../electron/ipc/trusted-senders.ts'
import type { NodePlatform } from '../../electron/platform/node-platform.ts'
import type { Result } from '../../electron/shared/error-codes.ts'
import type { Emulator } from '../pdfco-emulator/server.ts'
import { makeDamagedPdf, makeEncryptedPdf, makeNotPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import { waitFor } from '../helpers/wait-for.ts'

const INDEX_URL = 'file:///app/dist/index.html'
const SMALL = { widthPt: 298, heightPt: 420 }
let shapes = 0
/**
 * A page size no other test PDF here has. pdf-lib's output depends only on the pages and the
 * creation time in whole seconds, so two PDFs with the same pages made in the same second are
 * byte-identical and the second is refused as a duplicate ('file/exists'). Distinct sizes keep
 * every file distinct however fast the tests run.
 */
const distinct = () => ({ widthPt: 300 + ++shapes, heightPt: 420 })
let dir: string
let emulator: Emulator
let platform: NodePlatform
let services: AppServicesInternals
const events: { channel: keyof EventChannels; payload: unknown }[] = []
const trusted = createTrustedSenders(appUrlMatcher({ indexHtmlUrl: INDEX_URL }))
trusted.add({ id: 1, once: () => undefined })

/** Calls a channel the way the renderer would (through the sender gate and dispatch). */
async function call<T>(channel: string, ...args: unknown[]): Promise<Result<T>> {
  const handler = createChannelHandler(channel, { services, trusted })
  return (await handler({ sender: { id: 1 }, senderFrame: { url: INDEX_URL, parent: null } }, ...args)) as Result<T>
}
async function value<T>(channel: string, ...args: unknown[]): Promise<T> {
  const result = await call<T>(channel, ...args)
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`)
  return result.value
}
const jobUpdates = (jobId: string): JobDto[] =>
  events.filter((e) => e.channel === 'jobs:updated' && (e.payload as JobDto).id === jobId).map((e) => e.payload as JobDto)
const batchEnds = (): EventChannels['batch:finished'][] =>
  events.filter((e) => e.channel === 'batch:finished').map((e) => e.payload as EventChannels['batch:finished'])

let fixture: ServicesOnEmulator | undefined

beforeAll(async () => {
  fixture = await startServicesOnEmulator({
    prefix: 'services-',
    apiKey: 'test-key',
    dpi: 72,
    pdfcoEngineOptions: { pollSchedule: { firstDelayMs: 20, minDelayMs: 20, maxDelayMs: 100, factor: 1.2 } },
  })
  ;({ dir, emulator, platform, services } = fixture)
  services.onEvent((channel, payload) => events.push({ channel, payload }))
})
afterAll(async () => {
  await fixture?.close()
})

describe('services over IPC with the PDF.co emulator', () => {
  let file: FileDescriptor
  const outDir = () => path.join(dir, 'out')

  it('without a key converts offline with the local engine at the settings DPI and colour', async () => {
    const settings = await value<SettingsDto>('settings:get')
    expect(settings).toMatchObject({
      hasApiKey: false,
      engine: 'auto',
      hasLocalEngine: true,
      defaultOutputFolderName: 'PDF to Image',
      outputFolderName: null,
      localDpi: 150,
      localQuality: 90,
      localColor: 'color',
    })
    expect(await value<SettingsDto>('settings:update', { localDpi: 100, localColor: 'gray' })).toMatchObject({ localDpi: 100, localColor: 'gray' })
    expect(await call('settings:update', { localDpi: 50 })).toMatchObject({ ok: false, error: { code: 'ipc/bad-args' } })
    const pdf = await makePagesPdf(dir, 'offline.pdf', 2, SMALL)
    const added = (await value<AddFilesResult>('files:register-dropped', [pdf])).added[0]!
    expect(added.pageThumbUrlBase).toBe(`pdf-thumb://page/${added.id}/`)
    const pageThumb = await services.handleThumbnailRequest(new Request(`${added.pageThumbUrlBase}2?w=160`))
    expect(pageThumb.status).toBe(200)
    expect((await sharp(Buffer.from(await pageThumb.arrayBuffer())).metadata()).width).toBe(160)

    const [job] = await value<JobDto[]>('jobs:start', { items: [{ fileId: added.id, pageRange: '2' }], format: 'png', overwrite: 'keep-both' })
    expect(job).toMatchObject({ engine: 'local', stage: 'queued', pagesTotal: 1 })
    await waitFor(() => batchEnds()[0], 'local batch end')
    expect(batchEnds()[0]).toEqual({ done: 1, failed: 0, cancelled: 0 })
    expect(jobUpdates(job!.id).at(-1)).toMatchObject({ stage: 'done', engine: 'local', pagesDone: 1, pagesTotal: 1 })
    // No folder chosen: Pictures/PDF to Image. 298 x 420 pt at 100 dpi = 414 x 583 px, one grey channel.
    const written = path.join(services.outputDir(), 'offline-2.png')
    expect(path.basename(path.dirname(written))).toBe('PDF to Image')
    const meta = await sharp(written).metadata()
    expect([meta.width, meta.height, meta.channels]).toEqual([414, 583, 1])
    expect(emulator.requests).toEqual([])
    await value('settings:update', { localDpi: 150, localColor: 'color' })
  })

  it('explains how to start when PDF.co is chosen without a key, and checks a key against the emulator', async () => {
    const a = await makePagesPdf(dir, 'three.pdf', 3, distinct())
    file = (await value<AddFilesResult>('files:register-dropped', [a])).added[0]!
    const noKey = await call('jobs:start', { items: [{ fileId: file.id, pageRange: '' }], format: 'png', overwrite: 'keep-both', engine: 'pdfco' })
    expect(noKey).toMatchObject({ ok: false, error: { code: 'pdfco/unauthorized' } })
    expect(!noKey.ok && noKey.error.message).toMatch(/Settings → API key.*"This computer"/s)
    expect(!noKey.ok && noKey.error.message).not.toMatch(/emulator|npm/)

    // A wrong key is checked when saved: refused at once, and Auto stays on this computer.
    const wrong = await value<SettingsDto>('settings:set-api-key', 'wrong-key-123')
    expect(wrong).toMatchObject({ hasApiKey: true, apiKeyStatus: 'refused', remainingCredits: null })
    expect(wrong.apiKeyProblem).toMatch(/^PDF\.co refused this key/)
    expect(await call('settings:check-key')).toMatchObject({ ok: false, error: { code: 'pdfco/unauthorized' } })
    const set = await value<SettingsDto>('settings:set-api-key', 'test-key')
    expect(set).toMatchObject({ hasApiKey: true, apiKeyMasked: '••••••••', apiKeyStatus: 'verified', apiKeyProblem: null })
    expect(set.remainingCredits).toBeGreaterThan(0)
    expect(JSON.stringify(set)).not.toContain('test-key')
    const credits = await value<{ remainingCredits: number }>('settings:check-key')
    expect(credits.remainingCredits).toBeGreaterThan(0)
  })

  it('refuses non-PDFs, damaged PDFs and duplicates with reasons; lists skipped folder entries', async () => {
    const notPdf = await makeNotPdf(dir)
    const damaged = await makeDamagedPdf(dir)
    const result = await value<AddFilesResult>('files:register-dropped', [notPdf, damaged, path.join(dir, 'three.pdf')])
    expect(result.added).toEqual([])
    expect(result.rejected.map((r) => [r.displayName, r.reason.code])).toEqual([
      ['not-a-pdf.pdf', 'file/not-pdf'],
      ['damaged.pdf', 'file/damaged'],
      ['three.pdf', 'file/exists'],
    ])
  })

  it('converts with live stages, writes pages, announces outputs and serves their thumbnails', async () => {
    platform.dialogs.queueOpenFolder(outDir())
    expect(await value('output:pick-folder')).toEqual({ folderName: 'out' })
    const started = await value<JobDto[]>('jobs:start', { items: [{ fileId: file.id, pageRange: '1, 3' }], format: 'png', overwrite: 'keep-both' })
    expect(started).toHaveLength(1)
    const job = started[0]!
    expect(job).toMatchObject({ fileId: file.id, stage: 'queued', engine: 'pdfco', pagesTotal: 2 })
    await waitFor(() => batchEnds()[1], 'batch end')
    const stages = [...new Set(jobUpdates(job.id).map((u) => u.stage))]
    expect(stages).toEqual(['queued', 'inspecting', 'uploading', 'converting', 'downloading', 'done'])
    const last = jobUpdates(job.id).at(-1)!
    expect(last).toMatchObject({ stage: 'done', pagesDone: 2, pagesTotal: 2, error: null, uploadPercent: 100 })
    expect(batchEnds()[1]).toEqual({ done: 1, failed: 0, cancelled: 0 })

    const outputs = events
      .filter((e) => e.channel === 'outputs:added')
      .map((e) => e.payload as OutputPageDto)
      .filter((o) => o.jobId === job.id)
    expect(outputs.map((o) => [o.page, o.displayName])).toEqual([
      [1, 'three-1.png'],
      [3, 'three-3.png'],
    ])
    expect(JSON.stringify(events)).not.toContain(dir)
    expect((await readdir(outDir())).sort()).toEqual(['three-1.png', 'three-3.png'])
    for (const o of outputs) {
      expect(o.thumbUrl).toBe(`pdf-thumb://output/${o.id}`)
      const res = await services.handleThumbnailRequest(new Request(`${o.thumbUrl}?w=160`))
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/png')
      expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(160)
    }
    // What PDF.co saw: the key in a header, 0-based pages.
    const convert = emulator.requests.find((r) => r.path === '/v1/pdf/convert/to/png')!
    expect(convert.headers['x-api-key']).toBe('test-key')
    expect(String(convert.params['pages'])).toBe('0,2')
    // Taskbar progress rose and was cleared; no notification while focused.
    expect(platform.recorded.progress.at(-1)).toBe(-1)
    expect(platform.recorded.progress.some((p) => p > 0 && p < 1)).toBe(true)
    expect(platform.recorded.notifications).toEqual([])

    await value('outputs:open', outputs[0]!.id)
    await value('outputs:reveal', outputs[1]!.id)
    expect(platform.recorded.openedPaths).toEqual([path.join(outDir(), 'three-1.png')])
    expect(platform.recorded.shownInFolder).toEqual([path.join(outDir(), 'three-3.png')])
  })

  it('reports a failed job with its reason, retries it under the same id, and notifies when unfocused', async () => {
    platform.setWindowFocused(false)
    emulator.faults.jobOutcome = 'failed'
    const b = await makePagesPdf(dir, 'two.pdf', 2, distinct())
    const added = (await value<AddFilesResult>('files:register-dropped', [b])).added[0]!
    const [job] = await value<JobDto[]>('jobs:start', { items: [{ fileId: added.id, pageRange: '' }], format: 'jpg', overwrite: 'keep-both' })
    await waitFor(() => batchEnds()[2], 'failed batch')
    const failed = jobUpdates(job!.id).at(-1)!
    expect(failed.stage).toBe('failed')
    expect(failed.error?.code).toMatch(/^pdfco\//)
    expect(batchEnds()[2]).toEqual({ done: 0, failed: 1, cancelled: 0 })
    expect(platform.recorded.notifications.at(-1)?.title).toMatch(/errors/)

    emulator.faults.jobOutcome = 'success'
    const retried = await value<JobDto>('jobs:retry', job!.id)
    expect(retried).toMatchObject({ id: job!.id, stage: 'queued', error: null })
    await waitFor(() => batchEnds()[3], 'retried batch')
    expect(jobUpdates(job!.id).at(-1)).toMatchObject({ stage: 'done', pagesDone: 2 })
    expect(platform.recorded.notifications.at(-1)).toEqual({ title: 'PDF to Image: conversion finished', body: '1 converted.' })
    expect(await call('jobs:retry', job!.id)).toMatchObject({ ok: false, error: { code: 'input/invalid' } })
    platform.setWindowFocused(true)
  })

  it('cancels a running job and cancel-all stops queued ones', async () => {
    // Jobs that cannot finish during the test: only the cancels end them.
    emulator.faults.processingMsPerPage = 600_000
    const c = await makePagesPdf(dir, 'slow.pdf', 2, distinct())
    const d = await makePagesPdf(dir, 'slow2.pdf', 1, distinct())
    const result = await value<AddFilesResult>('files:register-dropped', [c, d])
    expect(result.rejected).toEqual([])
    const added = result.added
    await value('settings:update', { concurrency: 1 })
    const jobs = await value<JobDto[]>('jobs:start', {
      items: added.map((f) => ({ fileId: f.id, pageRange: '' })),
      format: 'png',
      overwrite: 'keep-both',
    })
    await waitFor(() => jobUpdates(jobs[0]!.id).find((u) => u.stage === 'converting'), 'converting')
    await value('jobs:cancel', jobs[0]!.id)
    await waitFor(() => jobUpdates(jobs[0]!.id).find((u) => u.stage === 'cancelled'), 'cancelled')
    await value('jobs:cancel-all')
    await waitFor(() => batchEnds()[4], 'cancelled batch')
    expect(batchEnds()[4]).toEqual({ done: 0, failed: 0, cancelled: 2 })
    expect(jobUpdates(jobs[1]!.id).at(-1)?.stage).toBe('cancelled')
    emulator.faults.processingMsPerPage = 0
    expect((await readdir(outDir())).filter((n) => n.startsWith('.'))).toEqual([])
  })

  it('a retry right after a cancelled batch ends starts a fresh PDF.co job (not the cancelled run’s)', async () => {
    // The cancelled run's PDF.co job keeps running (no cancel endpoint) and would succeed; the
    // retry must not pick it up from the batch journal while that journal is still being deleted.
    emulator.faults.processingMsPerPage = 300
    const e = await makePagesPdf(dir, 'cancel-then-retry.pdf', 2, distinct())
    const added = (await value<AddFilesResult>('files:register-dropped', [e])).added[0]!
    const before = batchEnds().length
    const [job] = await value<JobDto[]>('jobs:start', { items: [{ fileId: added.id, pageRange: '' }], format: 'png', overwrite: 'keep-both' })
    // A job check means the job was submitted and recorded in the journal (recordJob runs first).
    const checks = () => emulator.requests.filter((r) => r.path === '/v1/job/check').length
    const checksBefore = checks()
    await waitFor(() => (checks() > checksBefore ? true : undefined), 'first job check')
    emulator.faults.jobOutcome = 'failed'
    let retried: Promise<Result<JobDto>> | undefined
    const off = services.onEvent((channel) => {
      // As soon as the cancelled batch is reported: the journal of that batch is still being discarded.
      if (channel === 'batch:finished' && retried === undefined) retried = call<JobDto>('jobs:retry', job!.id)
    })
    try {
      await value('jobs:cancel', job!.id)
      await waitFor(() => retried, 'retry after the cancelled batch')
      expect(await retried).toMatchObject({ ok: true, value: { id: job!.id, stage: 'queued' } })
      await waitFor(() => batchEnds()[before + 1], 'retried batch')
    } finally {
      off()
      emulator.faults.jobOutcome = 'success'
      emulator.faults.processingMsPerPage = 0
    }
    expect(batchEnds().slice(before)).toEqual([
      { done: 0, failed: 0, cancelled: 1 },
      { done: 0, failed: 1, cancelled: 0 },
    ])
    expect(jobUpdates(job!.id).at(-1)).toMatchObject({ stage: 'failed', error: { code: expect.stringMatching(/^pdfco\//) } })
    const converts = emulator.requests.filter((r) => r.path === '/v1/pdf/convert/to/png' && String(r.params['name']).startsWith('cancel-then-retry'))
    // The cancelled run's job, then the retry's own job and its one chunk retry (chunkAttempts = 2).
    expect(converts).toHaveLength(3)
  })

  it('needs a password before converting a protected PDF and rejects a wrong one', async () => {
    const locked = await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'pw-1234', pages: 1 })
    const added = (await value<AddFilesResult>('files:register-dropped', [locked])).added[0]!
    expect(added).toMatchObject({ needsPassword: true, pageCount: 0 })
    expect(await call('jobs:start', { items: [{ fileId: added.id, pageRange: '' }], format: 'png', overwrite: 'keep-both' })).toMatchObject({
      ok: false,
      error: { code: 'file/password-required' },
    })
    expect(await call('files:unlock', added.id, 'nope')).toMatchObject({ ok: false, error: { code: 'file/wrong-password' } })
    expect(await value('files:unlock', added.id, 'pw-1234')).toMatchObject({ isUnlocked: true, pageCount: 1 })
    expect(await call('jobs:start', { items: [{ fileId: added.id, pageRange: '2' }], format: 'png', overwrite: 'keep-both' })).toMatchObject({
      ok: false,
      error: { code: 'input/page-range' },
    })
  })

  it('app info, log reveal, and a log file without the key', async () => {
    const info = await value<{ logFileName: string }>('app:get-info')
    expect(info.logFileName).toBe('main.log')
    await value('app:reveal-log')
    expect(platform.recorded.shownInFolder.at(-1)).toBe(services.logFile.filePath)
    const log = await readFile(services.logFile.filePath, 'utf8')
    expect(log).toContain('jobs started')
    expect(log).not.toContain('test-key')
    expect(log).not.toContain('wrong-key-123')
    const settingsFile = await readFile(path.join(dir, 'user-data', 'settings.json'), 'utf8')
    expect(settingsFile).not.toContain('test-key')
  })
})
