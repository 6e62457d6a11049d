/**
 * The fault matrix through the desktop app's services: what the renderer is told
 * (`jobs:updated` snapshots, `batch:finished`) when one file of a batch meets a fault, with the
 * services' own engine and client settings (default retry policy). The full matrix runs through
 * the queue and engine in fault-matrix.test.ts.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServicesOnEmulator, type ServicesOnEmulator } from '../helpers/services-on-emulator.ts'
import type { AppServicesInternals } from '../../electron/app/services.ts'
import type { EventChannels, JobDto } from '../../electron/ipc/contract.ts'
import type { NodePlatform } from '../../electron/platform/node-platform.ts'
import type { ErrorCode } from '../../electron/shared/error-codes.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import type { Emulator, EmulatorFaults } from '../pdfco-emulator/server.ts'
import { SMALL_PAGE, waitUntil } from '../helpers/reliability.ts'

const KEY = 'fault-services-key-61ab0e'
let emu: Emulator
let dir: string
let platform: NodePlatform
let services: AppServicesInternals
const defaults: Partial<EmulatorFaults> = {}
const events: { channel: string; payload: unknown }[] = []
let round = 0

const value = async <T>(channel: string, ...args: unknown[]): Promise<T> => {
  const r = await services.dispatch(channel, args)
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
  return r.value as T
}

let fixture: ServicesOnEmulator | undefined

beforeAll(async () => {
  fixture = await startServicesOnEmulator({
    prefix: 'fault-services-',
    apiKey: KEY,
    dpi: 36,
    pdfcoEngineOptions: { pollSchedule: { firstDelayMs: 30, minDelayMs: 20, maxDelayMs: 100, factor: 1.3 } },
  })
  ;({ dir, emulator: emu, platform, services } = fixture)
  Object.assign(defaults, emu.faults)
  services.onEvent((channel, payload) => events.push({ channel, payload }))
  await value('settings:set-api-key', KEY)
  await value('settings:update', { engine: 'pdfco', concurrency: 1 })
})
afterAll(async () => {
  await fixture?.close()
})

const CASES: readonly [string, (e: Emulator) => void, 'done' | ErrorCode][] = [
  ['429 storm', (e) => (e.faults.fail429Next = 2), 'done'],
  ['503 burst', (e) => (e.faults.fail5xxNext = 2), 'done'],
  ['job failed', (e) => (e.faults.jobOutcome = 'failed'), 'pdfco/job-failed'],
  ['result links expired', (e) => (e.faults.linkExpiryMs = 0), 'pdfco/bad-response'],
  ['no credits', (e) => e.setCredits(0), 'pdfco/no-credits'],
]

describe('faults through the services', () => {
  it.each(CASES)('%s on the middle file', async (_name, arm, expected) => {
    const r = ++round
    const out = path.join(dir, `out-${r}`)
    platform.dialogs.queueOpenFolder(out)
    await value('output:pick-folder')
    const sources = [
      await makePagesPdf(dir, `first-${r}.pdf`, 2, SMALL_PAGE),
      await makePagesPdf(dir, `middle-${r}.pdf`, 3, SMALL_PAGE),
      await makePagesPdf(dir, `last-${r}.pdf`, 2, SMALL_PAGE),
    ]
    const added = await value<{ added: { id: string }[] }>('files:register-dropped', sources)
    const middleFile = added.added[1]!.id
    const from = events.length
    let armed = false
    const off = services.onEvent((channel, payload) => {
      const job = payload as JobDto
      if (channel === 'jobs:updated' && job.fileId === middleFile) {
        if (!armed && job.stage === 'inspecting') {
          armed = true
          arm(emu)
        }
        if (job.stage === 'done' || job.stage === 'failed') {
          Object.assign(emu.faults, defaults)
          emu.setCredits(1_000_000)
        }
      }
    })
    try {
      await value('jobs:start', { items: added.added.map((f) => ({ fileId: f.id, pageRange: '' })), format: 'png', overwrite: 'keep-both' })
      const summary = await waitUntil(
        () => events.slice(from).find((e) => e.channel === 'batch:finished')?.payload as EventChannels['batch:finished'] | undefined,
        'the batch',
        60_000,
        10,
      )
      const last = (fileId: string) =>
        events
          .slice(from)
          .filter((e) => e.channel === 'jobs:updated' && (e.payload as JobDto).fileId === fileId)
          .at(-1)?.payload as JobDto
      expect(last(added.added[0]!.id)).toMatchObject({ stage: 'done', pagesDone: 2 })
      expect(last(added.added[2]!.id)).toMatchObject({ stage: 'done', pagesDone: 2 })
      if (expected === 'done') {
        expect(last(middleFile)).toMatchObject({ stage: 'done', pagesDone: 3, error: null })
        expect(summary).toEqual({ done: 3, failed: 0, cancelled: 0 })
      } else {
        expect(last(middleFile)).toMatchObject({ stage: 'failed', error: { code: expected } })
        expect(summary).toEqual({ done: 2, failed: 1, cancelled: 0 })
      }
      const names = (await readdir(out)).sort()
      for (const n of names) expect(n).toMatch(new RegExp(`^(first|middle|last)-${r}-\\d\\.png$`))
      expect(names).toHaveLength(expected === 'done' ? 7 : 4)
    } finally {
      off()
    }
  })
})
