/**
 * Engine-made thumbnails through the services, against the PDF.co emulator: each downloaded page's
 * thumbnail rides on its `page-written` event and primes the thumbnail service, so the grid's
 * request is answered from memory: nothing decoded (the service's stats), nothing written to the
 * thumbnail disk cache. (The unit test proves the file is not read by spoiling it under the same
 * cache key; here the written file's mtime cannot be restored exactly.)
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AddFilesResult, EventChannels, JobDto, OutputPageDto } from '../../electron/ipc/contract.ts'
import { GRID_THUMB_WIDTH } from '../../electron/shared/limits.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startServicesOnEmulator, type ServicesOnEmulator } from '../helpers/services-on-emulator.ts'
import { waitFor } from '../helpers/wait-for.ts'

let fx: ServicesOnEmulator

beforeAll(async () => {
  fx = await startServicesOnEmulator({
    prefix: 'thumb-prime-',
    apiKey: 'test-key',
    dpi: 72,
    pdfcoEngineOptions: { pollSchedule: { firstDelayMs: 20, minDelayMs: 20, maxDelayMs: 100, factor: 1.2 } },
  })
  await fx.value('settings:set-api-key', 'test-key')
})
afterAll(async () => {
  await fx?.close()
})


describe('primed thumbnails (PDF.co engine)', () => {
  it('serves the grid thumbnail of each written page from memory, without reading the image file', async () => {
    const pdf = await makePagesPdf(fx.dir, 'primed.pdf', 3)
    const file = (await fx.value<AddFilesResult>('files:register-dropped', [pdf])).added[0]!
    fx.platform.dialogs.queueOpenFolder(path.join(fx.dir, 'out'))
    await fx.value('output:pick-folder')
    const [job] = await fx.value<JobDto[]>('jobs:start', { items: [{ fileId: file.id, pageRange: '' }], format: 'png', overwrite: 'keep-both' })
    const isDone = (e: { channel: keyof EventChannels; payload: unknown }) =>
      e.channel === 'jobs:updated' && (e.payload as JobDto).id === job!.id && (e.payload as JobDto).stage === 'done'
    await waitFor(() => fx.events.find(isDone), 'the job to finish')
    const outputs = fx.events.filter((e) => e.channel === 'outputs:added').map((e) => e.payload as OutputPageDto)
    expect(outputs.map((o) => o.page)).toEqual([1, 2, 3])
    expect(outputs.every((o) => o.thumbnailDataUrl?.startsWith('data:image/png;base64,') === true)).toBe(true)
    const thumbs = fx.services.thumbnails
    // Priming reads each file's stats (its cache key) after the event; requests meanwhile wait for it.
    await waitFor(() => (thumbs.stats.primed === 3 ? true : undefined), 'three primed thumbnails', 5000)

    const { width, height } = await sharp(path.join(fx.dir, 'out', outputs[0]!.displayName)).metadata()
    const cacheDir = path.join(fx.dir, 'user-data', 'thumbs')
    const rendered = thumbs.stats.rendered
    const hits = thumbs.stats.memoryHits
    for (const o of outputs) {
      const res = await fx.services.handleThumbnailRequest(new Request(`${o.thumbUrl}?w=${GRID_THUMB_WIDTH}`))
      expect(res.status).toBe(200)
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata()
      expect(meta.format).toBe('png')
      expect(meta.width).toBe(GRID_THUMB_WIDTH)
      expect(meta.height).toBe(Math.round((height! * GRID_THUMB_WIDTH) / width!))
    }
    // Answered from memory: nothing decoded, nothing written to the disk cache.
    expect(thumbs.stats.rendered).toBe(rendered)
    expect(thumbs.stats.memoryHits).toBe(hits + 3)
    expect(await readdir(cacheDir).catch(() => [])).toEqual([])
    // A width no engine made is decoded from the file (and cached on disk) as before.
    const other = await fx.services.handleThumbnailRequest(new Request(`${outputs[0]!.thumbUrl}?w=320`))
    expect(other.status).toBe(200)
    expect(thumbs.stats.rendered).toBe(rendered + 1)
    expect((await readdir(cacheDir)).filter((n) => n.endsWith('.png'))).toHaveLength(1)
  })
})

describe('primed thumbnails (local engine)', () => {
  it('each rendered page carries its thumbnail from the bitmap the worker drew: no decode for the grid', async () => {
    const pdf = await makePagesPdf(fx.dir, 'local-primed.pdf', 3)
    const file = (await fx.value<AddFilesResult>('files:register-dropped', [pdf])).added[0]!
    const thumbs = fx.services.thumbnails
    const primedBefore = thumbs.stats.primed
    const from = fx.events.length
    const [job] = await fx.value<JobDto[]>('jobs:start', { items: [{ fileId: file.id, pageRange: '' }], format: 'jpg', overwrite: 'keep-both', engine: 'local' })
    const isDone = (e: { channel: keyof EventChannels; payload: unknown }) =>
      e.channel === 'jobs:updated' && (e.payload as JobDto).id === job!.id && (e.payload as JobDto).stage === 'done'
    await waitFor(() => fx.events.slice(from).find(isDone), 'the local job to finish')
    const outputs = fx.events.slice(from).filter((e) => e.channel === 'outputs:added').map((e) => e.payload as OutputPageDto)
    expect(outputs.map((o) => o.page)).toEqual([1, 2, 3])
    // Each event carries the grid's thumbnail itself: the grid needs no request to draw it.
    for (const o of outputs) {
      const inline = /^data:image\/png;base64,(.+)$/.exec(o.thumbnailDataUrl ?? '')
      expect(inline, `page ${o.page}`).not.toBeNull()
      expect((await sharp(Buffer.from(inline![1]!, 'base64')).metadata()).width).toBe(GRID_THUMB_WIDTH)
    }
    await waitFor(() => (thumbs.stats.primed === primedBefore + 3 ? true : undefined), 'three primed thumbnails', 5000)
    const rendered = thumbs.stats.rendered
    for (const o of outputs) {
      const res = await fx.services.handleThumbnailRequest(new Request(`${o.thumbUrl}?w=${GRID_THUMB_WIDTH}`))
      expect(res.status).toBe(200)
      expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(GRID_THUMB_WIDTH)
    }
    expect(thumbs.stats.rendered).toBe(rendered)
  })
})
