/**
 * API key checks and PDF.co credits through the services against the emulator: a saved key is
 * checked at once (credit balance), 'Auto' uses PDF.co only with a key that passed and never with
 * a refused or unreachable one, the pass is remembered by fingerprint (never the key) across a
 * restart, a batch's credits are reported per file and in total and match what the emulator
 * charged, and a failed PDF.co file converts again on this computer.
 */
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AddFilesResult, EventChannels, JobDto, SettingsDto } from '../../electron/ipc/contract.ts'
import { CREDITS_PER_JOB_CHECK, CREDITS_PER_PAGE, CREDITS_PER_UPLOAD, estimateCredits, fileCreditsUsed, summariseCredits } from '../../electron/shared/credits.ts'
import { keyFingerprint } from '../../electron/settings/settings-store.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { createTestServices, startServicesOnEmulator, type ServicesOnEmulator } from '../helpers/services-on-emulator.ts'
import { waitFor } from '../helpers/wait-for.ts'

let fx: ServicesOnEmulator
let shapes = 0
/** A page size no other PDF of this file has (so no two files are byte-identical duplicates). */
const distinct = () => ({ widthPt: 300 + ++shapes, heightPt: 420 })

beforeAll(async () => {
  fx = await startServicesOnEmulator({
    prefix: 'keys-credits-',
    apiKey: 'test-key',
    dpi: 72,
    pdfcoEngineOptions: { pollSchedule: { firstDelayMs: 20, minDelayMs: 20, maxDelayMs: 100, factor: 1.2 } },
  })
})
afterAll(async () => {
  await fx?.close()
})

const lastUpdate = (jobId: string): JobDto | undefined =>
  fx.events.filter((e) => e.channel === 'jobs:updated' && (e.payload as JobDto).id === jobId).map((e) => e.payload as JobDto).at(-1)
const settled = (jobId: string) => waitFor(() => {
  const j = lastUpdate(jobId)
  return j !== undefined && (j.stage === 'done' || j.stage === 'failed') ? j : undefined
}, `job ${jobId} to settle`)
const batchEnds = () => fx.events.filter((e) => e.channel === 'batch:finished').map((e) => e.payload as EventChannels['batch:finished'])
const apiCalls = (p: string) => fx.emulator.requests.filter((r) => r.path === `/v1${p}`)
async function addPdf(name: string, pages: number) {
  const pdf = await makePagesPdf(fx.dir, name, pages, distinct())
  return (await fx.value<AddFilesResult>('files:register-dropped', [pdf])).added[0]!
}

describe('API key check and Auto', () => {
  it('a refused key is said at once and Auto stays on this computer (no upload, no job)', async () => {
    const s = await fx.value<SettingsDto>('settings:set-api-key', 'not-the-key')
    expect(s).toMatchObject({ hasApiKey: true, apiKeyStatus: 'refused' })
    expect(s.apiKeyProblem).toMatch(/^PDF\.co refused this key/)
    expect(apiCalls('/account/credit/balance').at(-1)?.status).toBe(401)

    const file = await addPdf('refused.pdf', 2)
    const before = fx.emulator.requests.length
    const [job] = await fx.value<JobDto[]>('jobs:start', { items: [{ fileId: file.id, pageRange: '' }], format: 'png', overwrite: 'keep-both' })
    expect(job!.engine).toBe('local')
    expect((await settled(job!.id)).stage).toBe('done')
    expect(fx.emulator.requests.slice(before)).toEqual([])
  })

  it('an unreachable PDF.co leaves the key unverified and Auto local, with the reason', async () => {
    const s = await fx.value<SettingsDto>('settings:update', { baseUrl: 'http://127.0.0.1:9/v1' })
    expect(s.apiKeyStatus).toBe('unreachable')
    expect(s.apiKeyProblem).toMatch(/could not be reached/)
    await fx.value('settings:update', { baseUrl: '' })
  })

  it('a key that passes is verified, remembered by fingerprint only, and Auto then uses PDF.co', async () => {
    const s = await fx.value<SettingsDto>('settings:set-api-key', 'test-key')
    expect(s).toMatchObject({ apiKeyStatus: 'verified', apiKeyProblem: null, remainingCredits: 1_000_000 })
    const stored = await readFile(path.join(fx.dir, 'user-data', 'settings.json'), 'utf8')
    expect(stored).not.toContain('test-key')
    expect(JSON.parse(stored).apiKeyVerified.fingerprint).toBe(keyFingerprint(fx.emulator.baseUrl, 'test-key'))

    // A restart on the same user data still trusts the key (fingerprint matches), without a new check.
    const checks = apiCalls('/account/credit/balance').length
    const again = await createTestServices({ dir: fx.dir, baseUrl: fx.emulator.baseUrl, userDataDir: path.join(fx.dir, 'user-data'), platformDir: path.join(fx.dir, 'platform') })
    try {
      const r = await again.services.dispatch('settings:get', [])
      expect(r.ok && (r.value as SettingsDto).apiKeyStatus).toBe('verified')
    } finally {
      await again.services.dispose()
    }
    expect(apiCalls('/account/credit/balance').length).toBe(checks)
  })
})

describe('credits', () => {
  it('reports per file and per batch what PDF.co charged, and the estimate is of the same order', async () => {
    const a = await addPdf('credits-a.pdf', 3)
    const b = await addPdf('credits-b.pdf', 12)
    const startBalance = 1_000_000
    fx.emulator.setCredits(startBalance)
    const reqStart = fx.emulator.requests.length
    const ends = batchEnds().length
    const jobs = await fx.value<JobDto[]>('jobs:start', {
      items: [{ fileId: a.id, pageRange: '' }, { fileId: b.id, pageRange: '' }],
      format: 'jpg',
      overwrite: 'keep-both',
    })
    expect(jobs.map((j) => j.engine)).toEqual(['pdfco', 'pdfco'])
    await waitFor(() => batchEnds()[ends], 'batch end')
    const done = jobs.map((j) => lastUpdate(j.id)!)
    expect(done.map((j) => j.stage)).toEqual(['done', 'done'])

    // What the emulator charged: pages x 12 (JPG) + 7 per presigned URL + 2 per job check.
    const seen = fx.emulator.requests.slice(reqStart)
    const uploads = seen.filter((r) => r.path === '/v1/file/upload/get-presigned-url').length
    const checks = seen.filter((r) => r.path === '/v1/job/check').length
    const charged = 15 * CREDITS_PER_PAGE.jpg + uploads * CREDITS_PER_UPLOAD + checks * CREDITS_PER_JOB_CHECK
    expect(uploads).toBe(2)

    for (const j of done) {
      expect(j.creditsUsed).toBeGreaterThan(0)
      expect(j.remainingCredits).toBeLessThan(startBalance)
    }
    const summary = summariseCredits(done)!
    expect(summary.byBalance).toBe(charged)
    expect(summary.total).toBe(charged)
    expect(summary.remainingCredits).toBe(startBalance - charged)
    // The answers' own `credits` fields leave out the page charge: a lower bound.
    expect(summary.reported).toBe(uploads * CREDITS_PER_UPLOAD + checks * CREDITS_PER_JOB_CHECK)

    // Per file: the reported credits plus the page charge the answers left out; they add up to the charge.
    expect(done.map((j) => fileCreditsUsed(j)!).reduce((x, y) => x + y, 0)).toBe(charged)

    const estimate = estimateCredits([{ pages: 3 }, { pages: 12 }], 'jpg')
    expect(estimate.pageCredits + estimate.uploadCredits).toBe(15 * 12 + 2 * 7)
    expect(Math.abs(estimate.total - charged)).toBeLessThan(charged * 0.25)
  })

  it('a file PDF.co failed converts on this computer instead, with the same output naming', async () => {
    const file = await addPdf('no-credits.pdf', 2)
    fx.emulator.setCredits(10) // enough for the upload, not for the pages: PDF.co answers 402
    const [job] = await fx.value<JobDto[]>('jobs:start', { items: [{ fileId: file.id, pageRange: '' }], format: 'png', overwrite: 'keep-both' })
    const failed = await settled(job!.id)
    expect(failed).toMatchObject({ stage: 'failed', engine: 'pdfco', error: { code: 'pdfco/no-credits' } })
    fx.emulator.setCredits(1_000_000)

    const before = fx.emulator.requests.length
    const [local] = await fx.value<JobDto[]>('jobs:start', { items: [{ fileId: file.id, pageRange: '' }], format: 'png', overwrite: 'keep-both', engine: 'local' })
    expect((await settled(local!.id)).stage).toBe('done')
    expect(fx.emulator.requests.slice(before)).toEqual([])
    const names = (await readdir(fx.services.outputDir())).filter((n) => n.startsWith('no-credits'))
    expect(names.sort()).toEqual(['no-credits-1.png', 'no-credits-2.png'])
  })
})
