/**
 * The app's services give one batch one name registry: two PDFs called report.pdf from different
 * folders, converted together into one folder (default and overwrite mode, both engines), keep
 * all their pages: none is overwritten by the other.
 */
import { mkdir, readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AddFilesResult, EventChannels, FileId, JobDto } from '../../electron/ipc/contract.ts'
import { makePdf } from '../helpers/make-pdf.ts'
import { startServicesOnEmulator, type ServicesOnEmulator } from '../helpers/services-on-emulator.ts'

let fx: ServicesOnEmulator
let ids: FileId[]

beforeAll(async () => {
  fx = await startServicesOnEmulator({
    prefix: 'batch-names-app-',
    apiKey: 'test-key',
    dpi: 72,
    pdfcoEngineOptions: { pollSchedule: { firstDelayMs: 20, minDelayMs: 20, maxDelayMs: 100, factor: 1.2 } },
  })
  await fx.value('settings:set-api-key', 'test-key')
  await mkdir(path.join(fx.dir, 'a'))
  await mkdir(path.join(fx.dir, 'b'))
  const a = await makePdf(path.join(fx.dir, 'a'), 'report.pdf', Array.from({ length: 4 }, () => ({ widthPt: 200, heightPt: 200 })))
  const b = await makePdf(path.join(fx.dir, 'b'), 'report.pdf', Array.from({ length: 4 }, () => ({ widthPt: 300, heightPt: 120 })))
  const added = await fx.value<AddFilesResult>('files:register-dropped', [a, b])
  expect(added.rejected).toEqual([])
  ids = added.added.map((f) => f.id)
})
afterAll(async () => {
  await fx?.close()
})

async function convertBoth(engine: 'local' | 'pdfco', overwrite: 'keep-both' | 'overwrite', out: string): Promise<void> {
  await rm(out, { recursive: true, force: true })
  fx.platform.dialogs.queueOpenFolder(out)
  await fx.value('output:pick-folder')
  const from = fx.events.length
  const jobs = await fx.value<JobDto[]>('jobs:start', { items: ids.map((fileId) => ({ fileId, pageRange: '' })), format: 'png', overwrite, engine })
  const settled = (id: string) => (e: { channel: keyof EventChannels; payload: unknown }) =>
    e.channel === 'jobs:updated' && (e.payload as JobDto).id === id && ['done', 'failed', 'cancelled'].includes((e.payload as JobDto).stage)
  const until = Date.now() + 60_000
  while (!jobs.every((j) => fx.events.slice(from).some(settled(j.id)))) {
    if (Date.now() > until) throw new Error('timed out waiting for the batch')
    await new Promise((r) => setTimeout(r, 25))
  }
  for (const j of jobs) expect(fx.events.slice(from).find(settled(j.id))?.payload).toMatchObject({ stage: 'done' })
}

describe.each(['local', 'pdfco'] as const)('same-name PDFs in one app batch (%s engine)', (engine) => {
  it.each(['keep-both', 'overwrite'] as const)('%s: 8 images, 4 of each source, none overwritten', async (overwrite) => {
    const out = path.join(fx.dir, `out-${engine}-${overwrite}`)
    await convertBoth(engine, overwrite, out)
    const names = (await readdir(out)).filter((n) => n.endsWith('.png')).sort()
    expect(names).toHaveLength(8)
    const shapes = await Promise.all(names.map(async (n) => (await sharp(path.join(out, n)).metadata()) as { width: number; height: number }))
    expect(shapes.filter((s) => s.width === s.height)).toHaveLength(4)
    expect(shapes.filter((s) => s.width > 2 * s.height)).toHaveLength(4)
  })
})
