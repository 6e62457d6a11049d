import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../../electron/errors.ts'
import { createLocalEngine } from '../../../../../electron/engines/local/local-engine.ts'
import { checkOfflineEngine } from '../../../../../electron/engines/local/startup-check.ts'
import { inspectPdf } from '../../../../../electron/render/inspect.ts'
import { makePagesPdf } from '../../../../helpers/make-pdf.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'startup-check-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
afterEach(() => {
  delete process.env['PDFIUM_WASM_PATH']
  delete process.env['PDFIUM_FONTS_DIR']
})

describe('offline engine start-up check', () => {
  it('is clean on a complete install', () => {
    expect(checkOfflineEngine()).toEqual({})
  })

  it('without the WASM: a plain message at start, conversions fail with it, page counts still work', async () => {
    process.env['PDFIUM_WASM_PATH'] = path.join(dir, 'missing', 'pdfium.wasm')
    const engine = createLocalEngine({ workers: 1 })
    try {
      expect(engine.problem).toMatch(/^The offline engine cannot start: its PDF renderer \(PDFium WebAssembly, .*pdfium\.wasm\) is missing\. Reinstall the app, or convert with PDF\.co\.$/)
      const pdf = await makePagesPdf(dir, 'three.pdf', 3)
      const err = await engine.convert({ sourcePath: pdf, outputDir: path.join(dir, 'out'), format: 'png', pages: null }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).message).toBe(engine.problem)
      // The PDF.co engine's inspection reads the page count from the file instead.
      expect(await inspectPdf(pdf, { maxPages: 0 })).toMatchObject({ pageCount: 3, encrypted: false })
    } finally {
      await engine.close()
    }
  })

  it('without the fallback fonts: a warning that names what may be missing', () => {
    process.env['PDFIUM_FONTS_DIR'] = path.join(dir, 'no-fonts')
    const check = checkOfflineEngine()
    expect(check.fatal).toBeUndefined()
    expect(check.warning).toMatch(/^The offline engine's fallback fonts are missing \(\d+ files, e\.g\. .*\): text in fonts a PDF does not embed \(Japanese/)
  })
})
