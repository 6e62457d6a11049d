import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createThumbnailProtocolHandler, parseThumbUrl } from '../../../../electron/thumbnails/protocol.ts'
import { createThumbnailService, type ThumbnailService } from '../../../../electron/thumbnails/thumbnail-service.ts'

const BASE = 'pdf-thumb://'
let dir: string
let imagePath: string
const knownId = randomUUID()
const pageFileId = randomUUID()
let service: ThumbnailService
let handle: (r: Request) => Promise<Response>
const fsReads: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-'))
  imagePath = path.join(dir, 'page-01.png')
  await sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#3366cc' } }).png().toFile(imagePath)
  service = createThumbnailService({
    cacheDir: path.join(dir, 'cache'),
    resolveOutput: (id) => {
      fsReads.push(id)
      return id === knownId ? { path: imagePath } : undefined
    },
    resolveSourceFile: (id) => (id === pageFileId ? { pageCount: 3 } : undefined),
    renderSourcePage: async (_id, page, widthPx) =>
      sharp({ create: { width: widthPx, height: Math.round(widthPx * 1.41), channels: 3, background: page === 1 ? '#fff' : '#000' } }).png().toBuffer(),
  })
  handle = createThumbnailProtocolHandler({ base: BASE, service })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const get = (url: string, method = 'GET'): Promise<Response> => handle(new Request(url, { method }))

describe('pdf-thumb protocol', () => {
  it('serves a PNG of each allowed width, cached in memory and on disk', async () => {
    for (const w of [160, 320, 1024]) {
      const res = await get(`pdf-thumb://output/${knownId}?w=${w}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/png')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata()
      expect(meta.format).toBe('png')
      expect(meta.width).toBe(w)
      expect(meta.height).toBe(Math.round((1754 * w) / 1240))
    }
    expect((await readdir(path.join(dir, 'cache'))).filter((n) => n.endsWith('.png'))).toHaveLength(3)
    const before = service.stats.memoryHits
    expect((await get(`pdf-thumb://output/${knownId}?w=160`)).status).toBe(200)
    expect(service.stats.memoryHits).toBe(before + 1)
    expect((await get(`pdf-thumb://output/${knownId}?w=160`, 'HEAD')).status).toBe(200)
  })

  it('makes a fresh thumbnail when the image is overwritten', async () => {
    const first = Buffer.from(await (await get(`pdf-thumb://output/${knownId}?w=320`)).arrayBuffer())
    await sharp({ create: { width: 800, height: 400, channels: 3, background: '#cc3333' } }).png().toFile(imagePath + '.tmp.png')
    await writeFile(imagePath, await sharp(imagePath + '.tmp.png').png().toBuffer())
    const second = Buffer.from(await (await get(`pdf-thumb://output/${knownId}?w=320`)).arrayBuffer())
    expect((await sharp(second).metadata()).height).toBe(160)
    expect(second.equals(first)).toBe(false)
  })

  it('answers 404 for unknown ids and any path-like input, without resolving them', async () => {
    fsReads.length = 0
    const notFound = [
      `pdf-thumb://output/${randomUUID()}?w=160`,
      `pdf-thumb://output/${knownId.toUpperCase()}?w=160`,
      'pdf-thumb://output/..%2F..%2Fetc%2Fpasswd?w=160',
      'pdf-thumb://output/%2e%2e?w=160',
      'pdf-thumb://output/../../etc/passwd?w=160',
      'pdf-thumb://output//etc/passwd?w=160',
      'pdf-thumb://output/C:%5CWindows%5Cwin.ini?w=160',
      `pdf-thumb://output/${knownId}/extra?w=160`,
      `pdf-thumb://output/${knownId}/..?w=160`,
      `pdf-thumb://other/${knownId}?w=160`,
      `pdf-thumb:///${knownId}?w=160`,
      `pdf-thumb://output?w=160`,
      `http://example.com/output/${knownId}?w=160`,
      `pdf-thumb://page/${randomUUID()}/1?w=160`,
      `pdf-thumb://page/../1?w=160`,
    ]
    for (const url of notFound) expect([url, (await get(url)).status]).toEqual([url, 404])
    // Only the two well-formed unknown UUIDs reached the registry lookup.
    expect(fsReads.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true)
    expect(fsReads).toHaveLength(1)
  })

  it('answers 400 for widths outside THUMB_WIDTHS, missing or repeated widths and bad page numbers', async () => {
    const bad = [
      `pdf-thumb://output/${knownId}`,
      `pdf-thumb://output/${knownId}?w=161`,
      `pdf-thumb://output/${knownId}?w=0160`,
      `pdf-thumb://output/${knownId}?w=1e3`,
      `pdf-thumb://output/${knownId}?w=-160`,
      `pdf-thumb://output/${knownId}?w=160&w=320`,
      `pdf-thumb://output/${knownId}?w=99999999999`,
      `pdf-thumb://page/${pageFileId}/0?w=160`,
      `pdf-thumb://page/${pageFileId}/4?w=160`,
      `pdf-thumb://page/${pageFileId}/1.5?w=160`,
      `pdf-thumb://page/${pageFileId}/x?w=160`,
      `pdf-thumb://page/${pageFileId}/1?w=100`,
    ]
    for (const url of bad) expect([url, (await get(url)).status]).toEqual([url, 400])
    expect((await get(`pdf-thumb://output/${knownId}?w=160`, 'POST')).status).toBe(405)
  })

  it('serves source-page thumbnails through the renderer', async () => {
    const res = await get(`pdf-thumb://page/${pageFileId}/2?w=320`)
    expect(res.status).toBe(200)
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(320)
  })

  it('works under an HTTP base (the browser harness)', async () => {
    const harness = createThumbnailProtocolHandler({ base: 'http://127.0.0.1:5555/thumbs/', service })
    expect((await harness(new Request(`http://127.0.0.1:5555/thumbs/output/${knownId}?w=160`))).status).toBe(200)
    expect((await harness(new Request(`http://127.0.0.1:5555/other/output/${knownId}?w=160`))).status).toBe(404)
    expect(parseThumbUrl(`http://127.0.0.1:5555/thumbs/output/${knownId}?w=160#x`, 'http://127.0.0.1:5555/thumbs/')).toEqual({
      kind: 'output',
      outputId: knownId,
      widthPx: 160,
    })
  })

  it('answers 404 when the output image was deleted', async () => {
    const goneId = randomUUID()
    const gone = createThumbnailProtocolHandler({
      base: BASE,
      service: createThumbnailService({ cacheDir: path.join(dir, 'c2'), resolveOutput: (id) => (id === goneId ? { path: path.join(dir, 'nope.png') } : undefined) }),
    })
    expect((await gone(new Request(`pdf-thumb://output/${goneId}?w=160`))).status).toBe(404)
  })
})
