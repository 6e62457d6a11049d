/**
 * The TIFF layout through the services, as the window drives them: one file per page or one
 * multi-page file, on the PDF.co engine (emulator: PDF.co answers one multi-page TIFF per job,
 * split here) and on the local engine; and dragging an image out by its id.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AddFilesResult, JobDto, OutputPageDto, SettingsDto } from '../../electron/ipc/contract.ts'
import type { TiffLayout } from '../../electron/shared/formats.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { waitUntil } from '../helpers/reliability.ts'
import { startServicesOnEmulator, type ServicesOnEmulator } from '../helpers/services-on-emulator.ts'

const KEY = 'tiff-layout-key-4c19'
const DPI = 36
const LETTER_AT_DPI = [Math.round((612 / 72) * DPI), Math.round((792 / 72) * DPI)]
let t: ServicesOnEmulator
let pdf: string
let round = 0

beforeAll(async () => {
  t = await startServicesOnEmulator({
    prefix: 'tiff-layout-',
    apiKey: KEY,
    dpi: DPI,
    pdfcoEngineOptions: { pollSchedule: { firstDelayMs: 30, minDelayMs: 20, maxDelayMs: 100, factor: 1.3 } },
  })
  await t.value('settings:set-api-key', KEY)
  pdf = await makePagesPdf(t.dir, 'three.pdf', 3)
})
afterAll(async () => {
  await t?.close()
})

/** Converts three.pdf to TIFF with `layout` on `engine` into a fresh folder; returns what main said. */
async function convert(engine: 'pdfco' | 'local', layout: TiffLayout) {
  const out = path.join(t.dir, `out-${++round}`)
  t.platform.dialogs.queueOpenFolder(out)
  await t.value('output:pick-folder')
  const added = await t.value<AddFilesResult>('files:register-dropped', [pdf])
  const fileId = added.added[0]!.id
  const from = t.events.length
  const converts = t.emulator.requests.filter((r) => r.path.startsWith('/v1/pdf/convert/to/')).length
  const [job] = await t.value<JobDto[]>('jobs:start', { items: [{ fileId, pageRange: '' }], format: 'tiff', overwrite: 'keep-both', engine, tiffLayout: layout })
  await waitUntil(() => t.events.slice(from).some((e) => e.channel === 'batch:finished'), 'the batch to finish')
  const events = t.events.slice(from)
  const final = events.filter((e) => e.channel === 'jobs:updated').map((e) => e.payload as JobDto).filter((j) => j.id === job!.id).at(-1)!
  const outputs = events.filter((e) => e.channel === 'outputs:added').map((e) => e.payload as OutputPageDto)
  await t.value('files:remove', fileId)
  return {
    out,
    final,
    outputs,
    listing: (await readdir(out)).sort(),
    pdfcoJobs: t.emulator.requests.filter((r) => r.path.startsWith('/v1/pdf/convert/to/')).length - converts,
  }
}

async function tiffPages(file: string): Promise<{ pages: number; size: number[] }> {
  const meta = await sharp(file).metadata()
  return { pages: meta.pages ?? 1, size: [meta.width, meta.height] }
}

describe('TIFF layout', () => {
  it('the choice is a setting, one file per page until changed', async () => {
    expect((await t.value<SettingsDto>('settings:get')).tiffLayout).toBe('page-files')
    expect((await t.value<SettingsDto>('settings:update', { tiffLayout: 'multi-page' })).tiffLayout).toBe('multi-page')
    expect((await t.value<SettingsDto>('settings:get')).tiffLayout).toBe('multi-page')
    await t.value('settings:update', { tiffLayout: 'page-files' })
  })

  it('PDF.co, one file per page: one job, its multi-page TIFF split here into three one-page TIFFs', async () => {
    const r = await convert('pdfco', 'page-files')
    expect(r.final).toMatchObject({ stage: 'done', pagesDone: 3, imagesDone: 3, error: null })
    expect(r.pdfcoJobs).toBe(1)
    expect(r.listing).toEqual(['three-1.tif', 'three-2.tif', 'three-3.tif'])
    for (const name of r.listing) expect(await tiffPages(path.join(r.out, name))).toEqual({ pages: 1, size: LETTER_AT_DPI })
    expect(r.outputs.map((o) => [o.page, o.pageCount, o.displayName])).toEqual([
      [1, 1, 'three-1.tif'],
      [2, 1, 'three-2.tif'],
      [3, 1, 'three-3.tif'],
    ])
  })

  it('PDF.co, one multi-page file: PDF.co’s one TIFF kept whole (1 image, 3 pages)', async () => {
    const r = await convert('pdfco', 'multi-page')
    expect(r.final).toMatchObject({ stage: 'done', pagesDone: 3, imagesDone: 1 })
    expect(r.listing).toEqual(['three.tif'])
    expect(await tiffPages(path.join(r.out, 'three.tif'))).toEqual({ pages: 3, size: LETTER_AT_DPI })
    expect(r.outputs.map((o) => [o.page, o.pageCount])).toEqual([[1, 3]])
  })

  it('local engine, one multi-page file and one file per page', async () => {
    const multi = await convert('local', 'multi-page')
    expect(multi.final).toMatchObject({ stage: 'done', pagesDone: 3, imagesDone: 1 })
    expect(multi.listing).toEqual(['three.tif'])
    expect((await tiffPages(path.join(multi.out, 'three.tif'))).pages).toBe(3)
    expect(multi.outputs.map((o) => o.pageCount)).toEqual([3])
    const each = await convert('local', 'page-files')
    expect(each.final).toMatchObject({ stage: 'done', pagesDone: 3, imagesDone: 3 })
    expect(each.listing).toEqual(['three-1.tif', 'three-2.tif', 'three-3.tif'])
    expect(each.pdfcoJobs).toBe(0)
  })
})

describe('dragging an image out', () => {
  it('starts the OS drag of the image file named by its id, with a small PNG icon; an unknown id is refused', async () => {
    const r = await convert('pdfco', 'page-files')
    const second = r.outputs[1]!
    await t.value('outputs:start-drag', second.id)
    expect(t.platform.recorded.dragged.at(-1)).toEqual({ path: path.join(r.out, 'three-2.tif'), iconBytes: expect.any(Number) })
    expect(t.platform.recorded.dragged.at(-1)!.iconBytes).toBeGreaterThan(60)
    const bad = await t.services.dispatch('outputs:start-drag', ['0f8fad5b-d9cb-469f-a165-70867728950e'])
    expect(bad).toMatchObject({ ok: false, error: { code: 'input/invalid' } })
    expect(await t.services.dispatch('outputs:start-drag', ['/etc/passwd'])).toMatchObject({ ok: false, error: { code: 'ipc/bad-args' } })
  })
})
