/**
 * The local engine end to end on generated PDFs (always run): real worker threads, files on disk,
 * pixel sizes read with sharp. The real-corpus comparison with pdftoppm is in local-corpus.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConversionEvent } from '../../electron/engines/types.ts'
import { AppError, CancelledError } from '../../electron/errors.ts'
import { isTempFileName } from '../../electron/files/atomic-write.ts'
import { createLocalEngine, type LocalConversionRequest, type LocalEngine } from '../../electron/engines/local/local-engine.ts'
import {
  makeDamagedPdf,
  makeGeometryPdf,
  makeMixedOrientationPdf,
  makePasswordPdf,
  makeSquarePdf,
  makeTextPdf,
  makeWarningPdf,
} from '../helpers/local-make-pdf.ts'

let dir: string
let engine: LocalEngine
const pdfs: Record<string, string> = {}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'local-engine-'))
  engine = createLocalEngine({ workers: 2 })
  const sources: Record<string, Uint8Array> = {
    text3: await makeTextPdf(3),
    text30: await makeTextPdf(30),
    geometry: await makeGeometryPdf(),
    square: await makeSquarePdf(),
    mixed: await makeMixedOrientationPdf(),
    warning: await makeWarningPdf(),
    secret: await makePasswordPdf('s3cret'),
    damaged: makeDamagedPdf(),
  }
  for (const [name, bytes] of Object.entries(sources)) {
    pdfs[name] = path.join(dir, `${name}.pdf`)
    await writeFile(pdfs[name], bytes)
  }
  await writeFile(path.join(dir, 'notes.pdf'), 'just some text, not a PDF')
})

afterAll(async () => {
  await engine?.close()
  await rm(dir, { recursive: true, force: true })
})

let outCount = 0
/** A fresh output folder per conversion. */
function outDir(): string {
  outCount++
  return path.join(dir, `out-${outCount}`)
}

function request(name: string, extra: Partial<LocalConversionRequest> = {}): LocalConversionRequest {
  return { sourcePath: pdfs[name] ?? path.join(dir, name), outputDir: outDir(), format: 'png', pages: null, ...extra }
}

async function convertCollecting(req: LocalConversionRequest, signal?: AbortSignal) {
  const events: ConversionEvent[] = []
  const outcome = await engine.convert(req, { onEvent: (e) => events.push(e), ...(signal === undefined ? {} : { signal }) })
  return { outcome, events }
}

async function expectFailure(req: LocalConversionRequest, code: string): Promise<{ error: AppError; events: ConversionEvent[] }> {
  const events: ConversionEvent[] = []
  const error = await engine.convert(req, { onEvent: (e) => events.push(e) }).then(
    () => {
      throw new Error(`expected ${code}`)
    },
    (err: unknown) => err as AppError,
  )
  expect(error).toBeInstanceOf(AppError)
  expect(error.code).toBe(code)
  const failed = events.find((e) => e.type === 'failed')
  expect(failed).toMatchObject({ type: 'failed', error: { code } })
  return { error, events }
}

async function size(file: string): Promise<[number, number]> {
  const m = await sharp(file).metadata()
  return [m.width ?? 0, m.height ?? 0]
}

describe('local engine', () => {
  it('converts every page in page order with the PDF.co names, events and pixel sizes', async () => {
    const req = request('text3', { local: { dpi: 72 } })
    const { outcome, events } = await convertCollecting(req)
    expect(outcome.engine).toBe('local')
    expect(outcome.pageCount).toBe(3)
    expect(outcome.files.map((f) => path.basename(f.path))).toEqual(['text3-1.png', 'text3-2.png', 'text3-3.png'])
    expect((await readdir(req.outputDir)).sort()).toEqual(['text3-1.png', 'text3-2.png', 'text3-3.png'])
    for (const f of outcome.files) expect(await size(f.path)).toEqual([612, 792])
    const stages = events.flatMap((e) => (e.type === 'stage' ? [e.stage] : []))
    expect(stages).toEqual(['inspecting', 'converting', 'done'])
    expect(events.find((e) => e.type === 'inspected')).toEqual({ type: 'inspected', pageCount: 3, pagesTotal: 3 })
    const written = events.flatMap((e) => (e.type === 'page-written' ? [[e.page, e.pagesDone, e.pagesTotal]] : []))
    expect(written).toEqual([
      [1, 1, 3],
      [2, 2, 3],
      [3, 3, 3],
    ])
  })

  it.runIf(process.platform === 'linux')('draws and encodes below normal priority; the main thread keeps its own', async () => {
    await engine.convert(request('text30', { local: { dpi: 150 } }))
    // /proc/self/task/<tid>/stat: field 19 is the nice value; comm is the thread's name.
    const threads = readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return { tid: Number(tid), name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(fields[16]) }
    })
    expect(threads.find((t) => t.tid === process.pid)?.nice).toBe(0)
    // The two render workers (named like the main thread) and libvips' encoders.
    expect(threads.filter((t) => !t.name.startsWith('libvips') && t.nice === 10).length).toBeGreaterThanOrEqual(2)
    expect(threads.filter((t) => t.name.startsWith('libvips') && t.nice === 10).length).toBeGreaterThanOrEqual(1)
  })

  it('renders the CropBox, inherited /Rotate and /UserUnit', async () => {
    const { outcome } = await convertCollecting(request('geometry', { local: { dpi: 144 } }))
    const sizes = await Promise.all(outcome.files.map((f) => size(f.path)))
    expect(sizes).toEqual([
      [600, 800], // CropBox 300 x 400 pt at 2 px/pt
      [400, 800], // 400 x 200 pt rotated 90 (inherited)
      [400, 200], // 100 x 50 units of 2 pt
    ])
  })

  it('fits the long side exactly with scaleToPx, portrait and landscape', async () => {
    const { outcome } = await convertCollecting(request('mixed', { local: { scaleToPx: 500 } }))
    expect(await size(outcome.files[0]?.path ?? '')).toEqual([500, 250])
    expect(await size(outcome.files[1]?.path ?? '')).toEqual([250, 500])
  })

  it('converts only the selected pages, by list or by range text', async () => {
    const byList = await convertCollecting(request('text30', { pages: [2, 29], local: { dpi: 72 } }))
    expect(byList.outcome.files.map((f) => path.basename(f.path))).toEqual(['text30-02.png', 'text30-29.png'])
    expect(byList.events.find((e) => e.type === 'inspected')).toEqual({ type: 'inspected', pageCount: 30, pagesTotal: 2 })
    const byText = await convertCollecting(request('text3', { pageRange: '2-last', local: { dpi: 72 } }))
    expect(byText.outcome.files.map((f) => f.page)).toEqual([2, 3])
    await expectFailure(request('text3', { pageRange: '5' }), 'input/page-range')
  })

  it('never overwrites unless asked: name (2).png, then replaced with overwrite', async () => {
    const out = outDir()
    const first = await engine.convert({ ...request('square'), outputDir: out })
    const second = await engine.convert({ ...request('square'), outputDir: out })
    expect(path.basename(second.files[0]?.path ?? '')).toBe('square-1 (2).png')
    const third = await engine.convert({ ...request('square', { overwrite: true }), outputDir: out })
    expect(third.files[0]?.path).toBe(first.files[0]?.path)
    expect((await readdir(out)).sort()).toEqual(['square-1 (2).png', 'square-1.png'])
  })

  it('JPG is white where the page is empty; transparent PNG is see-through there', async () => {
    const jpg = await convertCollecting(request('square', { format: 'jpg', local: { dpi: 72, quality: 80 } }))
    const jpgFile = jpg.outcome.files[0]?.path ?? ''
    const { data, info } = await sharp(jpgFile).raw().toBuffer({ resolveWithObject: true })
    expect(info.channels).toBe(3)
    for (const [x, y] of [
      [2, 2],
      [197, 2],
      [2, 197],
      [197, 197],
    ] as const) {
      const i = (y * info.width + x) * 3
      expect(Math.min(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0)).toBeGreaterThanOrEqual(250)
    }
    expect(data[(100 * info.width + 100) * 3]).toBeLessThan(10) // the black square
    const png = await convertCollecting(request('square', { local: { dpi: 72, background: 'transparent' } }))
    const raw = await sharp(png.outcome.files[0]?.path ?? '').raw().toBuffer({ resolveWithObject: true })
    expect(raw.info.channels).toBe(4)
    expect(raw.data[3]).toBe(0) // corner: transparent
    expect(raw.data[(100 * raw.info.width + 100) * 4 + 3]).toBe(255) // square: opaque
  })

  it('greyscale and black-and-white output channels', async () => {
    const gray = await convertCollecting(request('square', { local: { dpi: 72, color: 'gray' } }))
    expect(await sharp(gray.outcome.files[0]?.path ?? '').metadata()).toMatchObject({ channels: 1, space: 'b-w' })
    const grayJpg = await convertCollecting(request('square', { format: 'jpg', local: { dpi: 72, color: 'gray' } }))
    expect((await sharp(grayJpg.outcome.files[0]?.path ?? '').metadata()).channels).toBe(1)
    const bw = await convertCollecting(request('square', { format: 'tiff', local: { dpi: 72, color: 'bw' } }))
    expect(await sharp(bw.outcome.files[0]?.path ?? '').metadata()).toMatchObject({ channels: 1, bitsPerSample: 1 })
    const webp = await convertCollecting(request('square', { format: 'webp', local: { dpi: 72 } }))
    expect((await sharp(webp.outcome.files[0]?.path ?? '').metadata()).format).toBe('webp')
  })

  it('TIFF: one file per page by default, one multi-page file on request', async () => {
    const single = await convertCollecting(request('text3', { format: 'tiff', local: { dpi: 72 } }))
    expect(single.outcome.files.map((f) => path.basename(f.path))).toEqual(['text3-1.tif', 'text3-2.tif', 'text3-3.tif'])
    const req = request('geometry', { format: 'tiff', local: { dpi: 72, multiPageTiff: true } })
    const multi = await convertCollecting(req)
    expect(multi.outcome.files).toHaveLength(1)
    const file = multi.outcome.files[0]
    expect(path.basename(file?.path ?? '')).toBe('geometry.tif')
    expect(file?.pageCount).toBe(3)
    expect(await readdir(req.outputDir)).toEqual(['geometry.tif'])
    expect((await sharp(file?.path ?? '').metadata()).pages).toBe(3)
    // Mixed page sizes survive: page 2 is the rotated one.
    expect(await sharp(file?.path ?? '', { page: 1 }).metadata()).toMatchObject({ width: 200, height: 400 })
    const written = multi.events.filter((e) => e.type === 'page-written')
    expect(written).toEqual([expect.objectContaining({ page: 1, pagesDone: 3, pagesTotal: 3 })])
  })

  it('reports a substituted font on its page, in plain words', async () => {
    const { events, outcome } = await convertCollecting(request('warning', { local: { dpi: 72 } }))
    expect(outcome.files).toHaveLength(2)
    const warnings = events.filter((e): e is Extract<ConversionEvent, { type: 'warning' }> => e.type === 'warning')
    expect(warnings.length).toBeGreaterThan(0)
    expect(warnings.every((w) => w.page === 2)).toBe(true)
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/font "Georgia" is not embedded in the PDF: drawn with a built-in (serif|sans-serif) font/)
  })

  it('lowers the DPI of a page over the pixel limit and names the page and the DPI', async () => {
    const small = createLocalEngine({ workers: 1, maxPagePixels: 100_000 })
    try {
      const events: ConversionEvent[] = []
      const outcome = await small.convert(request('square', { local: { dpi: 600 } }), { onEvent: (e) => events.push(e) })
      const [w, h] = await size(outcome.files[0]?.path ?? '')
      expect(w * h).toBeLessThanOrEqual(100_000)
      expect(w).toBeGreaterThan(300)
      const warning = events.find((e) => e.type === 'warning')
      expect(warning).toMatchObject({ type: 'warning', page: 1 })
      expect(warning?.type === 'warning' ? warning.message : '').toMatch(/^Page 1 is too large to render at 600 DPI .* rendered at 113\.\d DPI \(31\dx31\d px\)/)
    } finally {
      await small.close()
    }
  })

  it('invalid options fail before the PDF is opened', async () => {
    const { error, events } = await expectFailure(request('does-not-exist.pdf', { local: { dpi: 1200 } }), 'input/invalid')
    expect(error.message).toContain('"dpi" must be between 72 and 600 (got 1200)')
    expect(events.flatMap((e) => (e.type === 'stage' ? [e.stage] : []))).toEqual(['inspecting', 'failed'])
    await expectFailure(request('square', { format: 'jpg', local: { background: 'transparent' } }), 'input/invalid')
  })

  it('source errors: not found, not a PDF, damaged, password needed / wrong / right', async () => {
    await expectFailure(request('missing.pdf'), 'file/not-found')
    await expectFailure(request('notes.pdf'), 'file/not-pdf')
    await expectFailure(request('damaged'), 'file/damaged')
    await expectFailure(request('secret'), 'file/password-required')
    await expectFailure(request('secret', { password: 'nope' }), 'file/wrong-password')
    const ok = await convertCollecting(request('secret', { password: 's3cret', local: { dpi: 72 } }))
    expect(await size(ok.outcome.files[0]?.path ?? '')).toEqual([595, 842])
  })

  it('one bad file never affects the others running at the same time', async () => {
    const results = await Promise.allSettled([
      engine.convert(request('damaged')),
      engine.convert(request('text3', { local: { dpi: 72 } })),
      engine.convert(request('secret')),
      engine.convert(request('square', { local: { dpi: 72 } })),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled'])
  })

  it('renders page images of an exact width for thumbnails', async () => {
    const first = await engine.renderPageImage({ sourcePath: pdfs['text30'] ?? '', page: 1, widthPx: 160 })
    expect([first.widthPx, first.heightPx]).toEqual([160, 207])
    expect(await sharp(first.data).metadata()).toMatchObject({ format: 'png', width: 160, height: 207 })
    const rotated = await engine.renderPageImage({ sourcePath: pdfs['geometry'] ?? '', page: 2, widthPx: 100, format: 'jpg' })
    expect(await sharp(rotated.data).metadata()).toMatchObject({ format: 'jpeg', width: 100, height: 200 })
    await expect(engine.renderPageImage({ sourcePath: pdfs['text3'] ?? '', page: 4, widthPx: 160 })).rejects.toMatchObject({ code: 'input/page-range' })
    await expect(engine.renderPageImage({ sourcePath: pdfs['text3'] ?? '', page: 1, widthPx: 0 })).rejects.toMatchObject({ code: 'input/invalid' })
    await expect(engine.renderPageImage({ sourcePath: pdfs['secret'] ?? '', page: 1, widthPx: 160 })).rejects.toMatchObject({
      code: 'file/password-required',
    })
  })

  it('cancel stops the work and leaves no partial or temp files; the engine keeps working', async () => {
    const req = request('text30', { local: { dpi: 150 } })
    const controller = new AbortController()
    const events: ConversionEvent[] = []
    const run = engine.convert(req, {
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e)
        if (e.type === 'page-written' && e.pagesDone === 1) controller.abort()
      },
    })
    await expect(run).rejects.toBeInstanceOf(CancelledError)
    expect(events.slice(-2)).toEqual([
      expect.objectContaining({ type: 'stage', stage: 'cancelled' }),
      { type: 'failed', error: { code: 'cancelled', message: 'Cancelled', retryable: false } },
    ])
    const left = await readdir(req.outputDir)
    expect(left.filter(isTempFileName)).toEqual([])
    expect(left.length).toBeLessThan(30)
    // What stays is complete pages, a prefix of the selection.
    expect(left.sort()).toEqual(left.map((_, i) => `text30-${String(i + 1).padStart(2, '0')}.png`))
    for (const name of left) expect(await size(path.join(req.outputDir, name))).toEqual([1275, 1650])
    const again = await engine.convert(request('text3', { local: { dpi: 72 } }))
    expect(again.files).toHaveLength(3)
  })
})
