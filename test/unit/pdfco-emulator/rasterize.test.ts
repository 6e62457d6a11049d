/**
 * renderPage: pixel sizes per format and DPI, /Rotate, white JPG corners, transparency, multi-page
 * TIFF (also with mixed page sizes), and the errors of openPdfDocument / renderPage.
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  openPdfDocument,
  renderMultiPageTiff,
  renderPage,
  TiffFileWriter,
  type OpenedPdf,
} from '../../pdfco-emulator/rasterize.ts'
import { joinTiffPages } from '../../../electron/render/tiff.ts'
import { makeDamagedPdf, makeEncryptedPdf, makeNotPdf, makePdf, makeRotatedPdf } from '../../helpers/make-pdf.ts'

let dir: string
let small: OpenedPdf // 2 pages: 144 x 72 pt, 100.2 x 50.3 pt
let rotated: OpenedPdf

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rasterize-test-'))
  small = await openPdfDocument(
    await makePdf(dir, 'small.pdf', [
      { widthPt: 144, heightPt: 72 },
      { widthPt: 100.2, heightPt: 50.3 },
    ]),
  )
  rotated = await openPdfDocument(await makeRotatedPdf(dir))
})
afterAll(async () => {
  await small.close()
  await rotated.close()
  await rm(dir, { recursive: true, force: true })
})

const SHARP_FORMAT = { png: 'png', jpg: 'jpeg', webp: 'webp', tiff: 'tiff' } as const

describe('renderPage', () => {
  it.each(['png', 'jpg', 'webp', 'tiff'] as const)('renders %s at round(pt / 72 * dpi) pixels', async (format) => {
    const page = await renderPage(small.doc, 1, { format, dpi: 150 })
    expect([page.widthPx, page.heightPx]).toEqual([300, 150])
    const meta = await sharp(page.data).metadata()
    expect(meta.format).toBe(SHARP_FORMAT[format])
    expect([meta.width, meta.height]).toEqual([300, 150])
  })

  it('rounds fractional sizes and honours the DPI', async () => {
    const page = await renderPage(small.doc, 2, { format: 'png', dpi: 96 })
    // 100.2 / 72 * 96 = 133.6 → 134; 50.3 / 72 * 96 = 67.07 → 67
    expect([page.widthPx, page.heightPx]).toEqual([134, 67])
    const meta = await sharp(page.data).metadata()
    expect([meta.width, meta.height, meta.density]).toEqual([134, 67, 96])
  })

  it('applies /Rotate (90 and 270 swap width and height) and draws the page turned', async () => {
    const sizes = []
    for (let n = 1; n <= 4; n++) {
      const page = await renderPage(rotated.doc, n, { format: 'png', dpi: 72 })
      sizes.push([page.widthPx, page.heightPx])
    }
    expect(sizes).toEqual([
      [200, 100],
      [100, 200],
      [200, 100],
      [100, 200],
    ])
  })

  it('gives JPG a white background, never black', async () => {
    const page = await renderPage(small.doc, 1, { format: 'jpg', background: 'transparent', dpi: 72 })
    const { data, info } = await sharp(page.data).raw().toBuffer({ resolveWithObject: true })
    expect(info.channels).toBe(3)
    // A pixel just inside the page's black frame (frame is 2 pt wide at the edge) and the centre-left area.
    const at = (x: number, y: number): number[] => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)]
    for (const [x, y] of [
      [10, 10],
      [info.width - 10, info.height - 10],
      [10, info.height - 10],
    ] as const) {
      expect(Math.min(...at(x, y))).toBeGreaterThan(240)
    }
  })

  it('keeps transparency for PNG when asked, and draws content (not blank)', async () => {
    const page = await renderPage(small.doc, 1, { format: 'png', background: 'transparent', dpi: 72 })
    const meta = await sharp(page.data).metadata()
    expect(meta.channels).toBe(4)
    const stats = await sharp(page.data).stats()
    expect(stats.channels[3]?.min).toBe(0) // transparent background
    expect(stats.channels[3]?.max).toBe(255) // opaque page number and frame
  })

  it('renders opaque white PNG by default with dark content on it', async () => {
    const page = await renderPage(small.doc, 1, { format: 'png', dpi: 72 })
    const stats = await sharp(page.data).stats()
    expect((await sharp(page.data).metadata()).channels).toBe(3)
    expect(stats.channels[0]?.max).toBe(255)
    expect(stats.channels[0]?.min).toBeLessThan(30)
  })

  it('rejects a page number outside the document', async () => {
    await expect(renderPage(small.doc, 3)).rejects.toMatchObject({ code: 'input/invalid' })
    await expect(renderPage(small.doc, 0)).rejects.toMatchObject({ code: 'input/invalid' })
  })

  it('stops with CancelledError for an aborted signal', async () => {
    await expect(renderPage(small.doc, 1, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' })
  })
})

describe('multi-page TIFF', () => {
  it('joins pages of different sizes into one TIFF with one IFD per page', async () => {
    const tiff = await renderMultiPageTiff(rotated.doc, [1, 2, 3, 4], { dpi: 72 })
    expect(tiff.pageCount).toBe(4)
    const meta = await sharp(tiff.data).metadata()
    expect(meta.format).toBe('tiff')
    expect(meta.pages).toBe(4)
    const sizes = []
    for (let p = 0; p < 4; p++) {
      const m = await sharp(tiff.data, { page: p }).metadata()
      sizes.push([m.width, m.height])
    }
    expect(sizes).toEqual([
      [200, 100],
      [100, 200],
      [200, 100],
      [100, 200],
    ])
  })

  it('streams pages to a file with TiffFileWriter (same bytes as joinTiffPages)', async () => {
    const parts = [await renderPage(small.doc, 1, { format: 'tiff', dpi: 72 }), await renderPage(small.doc, 2, { format: 'tiff', dpi: 72 })]
    const file = path.join(dir, 'streamed.tif')
    const handle = await open(file, 'w')
    const writer = new TiffFileWriter(handle)
    for (const part of parts) await writer.addPage(part.data)
    await writer.finish()
    await handle.close()
    const bytes = await readFile(file)
    expect(bytes.equals(joinTiffPages(parts.map((p) => p.data)))).toBe(true)
    expect((await sharp(bytes).metadata()).pages).toBe(2)
    const second = await sharp(bytes, { page: 1 }).raw().toBuffer({ resolveWithObject: true })
    expect([second.info.width, second.info.height]).toEqual([100, 50])
  })

  it('refuses data that is not a TIFF', () => {
    expect(() => joinTiffPages([Buffer.from('not a tiff at all')])).toThrow(/TIFF/)
  })
})

describe('openPdfDocument', () => {
  it('maps open failures to FileError codes', async () => {
    await expect(openPdfDocument(await makeNotPdf(dir))).rejects.toMatchObject({ code: 'file/not-pdf' })
    await expect(openPdfDocument(await makeDamagedPdf(dir))).rejects.toMatchObject({ code: 'file/damaged' })
    await expect(openPdfDocument(path.join(dir, 'nope.pdf'))).rejects.toMatchObject({ code: 'file/not-found' })
    const locked = await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'pw' })
    await expect(openPdfDocument(locked)).rejects.toMatchObject({ code: 'file/password-required' })
    await expect(openPdfDocument(locked, { password: 'bad' })).rejects.toMatchObject({ code: 'file/wrong-password' })
    const ok = await openPdfDocument(locked, { password: 'pw' })
    expect(ok.pageCount).toBe(1)
    await ok.close()
  })

  it('repairs a broken xref and reports pdf.js warnings instead of printing them', async () => {
    const good = await readFile(path.join(dir, 'small.pdf'), 'latin1')
    const broken = good.replace(/startxref\s+\d+/, 'startxref\n999999')
    const doc = await openPdfDocument(Buffer.from(broken, 'latin1'))
    try {
      expect(doc.pageCount).toBe(2)
      expect(doc.openWarnings.join('\n')).toMatch(/Indexing all PDF objects/)
      const page = await renderPage(doc.doc, 1, { dpi: 72 })
      expect([page.widthPx, page.heightPx]).toEqual([144, 72])
    } finally {
      await doc.close()
    }
  })

  it('opens from bytes too', async () => {
    const bytes = await readFile(path.join(dir, 'small.pdf'))
    const doc = await openPdfDocument(bytes)
    expect(doc.pageCount).toBe(2)
    await doc.close()
    await doc.close() // idempotent
    await expect(openPdfDocument(Buffer.from('hello'))).rejects.toMatchObject({ code: 'file/not-pdf' })
  })
})
