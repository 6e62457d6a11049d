/**
 * Thumbnails handed over by the engines: the PNG made from a raw RGBA bitmap, the service's
 * priming (the next request is a memory hit that never decodes the file; a request arriving
 * while priming waits for it; an overwritten file is decoded afresh), warming, and the job
 * manager's hand-off (primed before `outputs:added` leaves, width asked of the engine, the first
 * pages without an engine-made thumbnail warmed).
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createJobManager } from '../../../../electron/app/jobs.ts'
import { WARM_FIRST_PAGES } from '../../../../electron/app/jobs/job-events.ts'
import type { ConversionEngine, ConversionRequest } from '../../../../electron/engines/types.ts'
import type { EventChannels } from '../../../../electron/ipc/contract.ts'
import { createNodePlatform } from '../../../../electron/platform/node-platform.ts'
import { createFileRegistry } from '../../../../electron/registry/file-registry.ts'
import { createOutputRegistry } from '../../../../electron/registry/output-registry.ts'
import { GRID_THUMB_WIDTH } from '../../../../electron/shared/limits.ts'
import { thumbnailFromImageFile, thumbnailFromRgba } from '../../../../electron/thumbnails/from-bitmap.ts'
import { createThumbnailService, type ThumbnailService } from '../../../../electron/thumbnails/thumbnail-service.ts'
import { writePdf } from '../../../helpers/test-pdfs.ts'

let dir: string
let imagePath: string
const outputId = randomUUID()
let service: ThumbnailService

/** An RGBA bitmap: left half red, right half blue. */
function halves(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      data.set(x < width / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], i)
    }
  }
  return data
}

/** A whole-second mtime (utimes cannot restore a sub-millisecond one). */
const PINNED_MTIME_S = 1_700_000_000

/** Overwrites the file with bytes no decoder accepts, keeping its size and (pinned) mtime: its cache key. */
async function spoilKeepingKey(filePath: string): Promise<void> {
  const before = await stat(filePath)
  expect(before.mtimeMs).toBe(PINNED_MTIME_S * 1000)
  await writeFile(filePath, Buffer.alloc(before.size, 0x5a))
  await utimes(filePath, PINNED_MTIME_S, PINNED_MTIME_S)
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'thumb-prime-'))
  imagePath = path.join(dir, 'page-1.png')
  await sharp(Buffer.from(halves(1240, 1754)), { raw: { width: 1240, height: 1754, channels: 4 } }).png().toFile(imagePath)
  await utimes(imagePath, PINNED_MTIME_S, PINNED_MTIME_S)
  service = createThumbnailService({
    cacheDir: path.join(dir, 'cache'),
    resolveOutput: (id) => (id === outputId ? { path: imagePath } : undefined),
  })
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('thumbnails made from what the engine holds', () => {
  it('thumbnailFromRgba makes a PNG of the asked width with the bitmap’s pixels, never enlarged', async () => {
    const t = await thumbnailFromRgba({ data: halves(1240, 1754), width: 1240, height: 1754 }, GRID_THUMB_WIDTH)
    expect(t.widthPx).toBe(160)
    const { data, info } = await sharp(Buffer.from(t.png)).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).toEqual([160, Math.round((1754 * 160) / 1240)])
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)]
    expect(px(10, 100)).toEqual([255, 0, 0])
    expect(px(150, 100)).toEqual([0, 0, 255])
    const small = await thumbnailFromRgba({ data: halves(100, 50), width: 100, height: 50 }, 160)
    expect((await sharp(Buffer.from(small.png)).metadata()).width).toBe(100)
  })

  it('thumbnailFromRgba refuses a buffer that does not match its size', async () => {
    await expect(thumbnailFromRgba({ data: new Uint8Array(10), width: 4, height: 4 }, 160)).rejects.toThrow(/expected 64 bytes of RGBA for 4×4, got 10/)
    await expect(thumbnailFromRgba({ data: new Uint8Array(16), width: 2, height: 2 }, 0)).rejects.toThrow(/widthPx must be a positive integer/)
  })

  it('thumbnailFromImageFile decodes a JPEG with shrink-on-load to the asked width', async () => {
    const jpg = path.join(dir, 'page.jpg')
    await sharp(imagePath).jpeg().toFile(jpg)
    const t = await thumbnailFromImageFile(jpg, 320)
    const meta = await sharp(Buffer.from(t.png)).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 320, Math.round((1754 * 320) / 1240)])
  })
})

describe('ThumbnailService.primeOutput', () => {
  it('serves the primed PNG from memory without decoding the image file', async () => {
    const png = (await thumbnailFromImageFile(imagePath, 160)).png
    await service.primeOutput(outputId, 160, png)
    await spoilKeepingKey(imagePath)
    const served = await service.outputThumbnail(outputId, 160)
    expect(served.equals(Buffer.from(png))).toBe(true)
    expect(service.stats).toMatchObject({ primed: 1, memoryHits: 1, rendered: 0, diskHits: 0 })
    // Another width was not primed: it decodes the (now unreadable) file.
    await expect(service.outputThumbnail(outputId, 320)).rejects.toThrow('image cannot be read')
  })

  it('a request arriving while the priming is still under way waits for it', async () => {
    const png = (await thumbnailFromImageFile(imagePath, 160)).png
    const priming = service.primeOutput(outputId, 160, png)
    const served = service.outputThumbnail(outputId, 160)
    await priming
    expect((await served).equals(Buffer.from(png))).toBe(true)
    expect(service.stats.rendered).toBe(0)
  })

  it('an image overwritten after priming is decoded afresh', async () => {
    await service.primeOutput(outputId, 160, (await thumbnailFromImageFile(imagePath, 160)).png)
    await sharp({ create: { width: 800, height: 400, channels: 3, background: '#00ff00' } }).png().toFile(imagePath + '.new')
    await writeFile(imagePath, await sharp(imagePath + '.new').toBuffer())
    const served = await service.outputThumbnail(outputId, 160)
    expect((await sharp(served).metadata()).height).toBe(80)
    expect(service.stats.rendered).toBe(1)
  })

  it('warmOutput makes the thumbnail at once; the later request hits it', async () => {
    service.warmOutput(outputId, 160)
    for (let i = 0; i < 300 && service.stats.rendered === 0; i++) await new Promise((r) => setTimeout(r, 10))
    expect(service.stats.rendered).toBe(1)
    expect((await sharp(await service.outputThumbnail(outputId, 160)).metadata()).width).toBe(160)
    expect(service.stats.rendered).toBe(1) // joined or hit the warm task: decoded once
    service.warmOutput(randomUUID(), 160) // unknown: nothing happens, nothing thrown
  })

  it('primes nothing, and throws nothing, for an unknown id, a width outside THUMB_WIDTHS, or a vanished file', async () => {
    const png = (await thumbnailFromImageFile(imagePath, 160)).png
    await service.primeOutput(randomUUID(), 160, png)
    await service.primeOutput(outputId, 200, png)
    await rm(imagePath)
    await service.primeOutput(outputId, 160, png)
    expect(service.stats.primed).toBe(0)
    await expect(service.outputThumbnail(outputId, 160)).rejects.toThrow('output image is gone')
  })
})

describe('job manager hand-off', () => {
  it('asks engines for grid-width thumbnails, primes each before its outputs:added leaves, warms the first pages without one', async () => {
    const files = await createFileRegistry({ importsDir: path.join(dir, 'imports') })
    const pdf = await writePdf(path.join(dir, 'one.pdf'), 1)
    const fileId = (await files.registerPaths([pdf])).added[0]!.id
    const log: string[] = []
    const requests: ConversionRequest[] = []
    const thumbnail = { widthPx: 160, png: new Uint8Array([1, 2, 3]) }
    const engine: ConversionEngine = {
      kind: 'pdfco',
      async convert(request, options) {
        requests.push(request)
        options?.onEvent?.({ type: 'page-written', page: 1, path: imagePath, sizeBytes: 1, pagesDone: 1, pagesTotal: 60, thumbnail })
        for (let page = 2; page <= 60; page++) {
          options?.onEvent?.({ type: 'page-written', page, path: imagePath, sizeBytes: 1, pagesDone: page, pagesTotal: 60 })
        }
        return { engine: 'pdfco', sourcePath: request.sourcePath, pageCount: 1, files: [], elapsedMs: 1 }
      },
    }
    const manager = createJobManager({
      files,
      outputs: createOutputRegistry('pdf-thumb://'),
      platform: createNodePlatform({ rootDir: path.join(dir, 'platform') }),
      createEngine: () => engine,
      defaultEngine: () => 'pdfco',
      concurrency: 1,
      emit: <C extends keyof EventChannels>(channel: C, payload: EventChannels[C]) => {
        if (channel === 'outputs:added') log.push(`added ${(payload as EventChannels['outputs:added']).id}`)
      },
      thumbnails: {
        widthPx: GRID_THUMB_WIDTH,
        prime: (id, widthPx, png) => log.push(`primed ${id} ${widthPx} ${png.length}`),
        warm: (id) => log.push(`warmed ${id}`),
      },
    })
    try {
      await manager.start({ items: [{ fileId, pageRange: '' }], format: 'png', overwrite: 'keep-both' }, path.join(dir, 'out'))
      for (let i = 0; i < 200 && log.filter((l) => l.startsWith('added')).length < 60; i++) await new Promise((r) => setTimeout(r, 10))
      const id = log[1]?.split(' ')[1] ?? 'none'
      expect(log.slice(0, 2)).toEqual([`primed ${id} 160 3`, `added ${id}`])
      expect(requests[0]?.thumbnailWidthPx).toBe(160)
      // Pages without an engine-made thumbnail: the first WARM_FIRST_PAGES of the run are warmed, each before its event.
      const warmed = log.filter((l) => l.startsWith('warmed')).map((l) => l.split(' ')[1])
      expect(warmed).toHaveLength(WARM_FIRST_PAGES - 1)
      const added = log.filter((l) => l.startsWith('added')).map((l) => l.split(' ')[1])
      expect(warmed).toEqual(added.slice(1, WARM_FIRST_PAGES))
      expect(log.indexOf(`warmed ${warmed[0]}`)).toBeLessThan(log.indexOf(`added ${warmed[0]}`))
    } finally {
      await manager.dispose()
      await files.dispose()
    }
  })
})
