/**
 * The emulator's conversion work: open the uploaded PDF with the app's render module, pick the
 * pages (0-based `pages`) and write one image per page (TIFF: one multi-page file).
 */
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { LimitFunction } from 'p-limit'
import { AppError } from '../../electron/errors.ts'
import { openPdfDocument, renderPage, TiffFileWriter } from './rasterize.ts'
import type { OutputFormat } from '../../electron/shared/formats.ts'
import { parsePdfCoPages } from './pages.ts'

/** What to convert. */
export interface RenderJobInput {
  readonly pdfPath: string
  readonly password?: string
  readonly format: OutputFormat
  /** PDF.co `pages` text (0-based), undefined = all. */
  readonly pagesSpec?: string
  readonly dpi: number
  readonly jpegQuality?: number
  /** Where each output file goes: called once per page (TIFF: once) with a suggested file name. */
  readonly placeOutput: (fileName: string, index: number) => Promise<string>
  /** Output file name without extension, e.g. `result`. */
  readonly baseName: string
  readonly signal: AbortSignal
  /** Bounds concurrent page renders across all jobs. */
  readonly limit: LimitFunction
  /** Called once the selected 0-based pages are known, before rendering starts. */
  readonly onPagesSelected?: (pages: readonly number[], pageCount: number) => void
}

/** One written output file. */
export interface RenderedFile {
  readonly path: string
  readonly sizeBytes: number
  /** 0-based pages in this file. */
  readonly pages: readonly number[]
}

/** Outcome: files, or the PDF.co error code the cloud would answer. */
export type RenderJobResult =
  | { readonly ok: true; readonly pageCount: number; readonly pages: readonly number[]; readonly files: readonly RenderedFile[] }
  | { readonly ok: false; readonly errorCode: 441 | 442 | 449 | 450 | 500; readonly message: string }

const EXTENSION: Readonly<Record<OutputFormat, string>> = { png: 'png', jpg: 'jpg', webp: 'webp', tiff: 'tif' }

/**
 * Runs one conversion; never throws for input problems (they become error codes), only for
 * cancellation (`signal`) and bugs.
 */
export async function runRenderJob(input: RenderJobInput): Promise<RenderJobResult> {
  let opened
  try {
    opened = await openPdfDocument(input.pdfPath, input.password === undefined || input.password === '' ? {} : { password: input.password })
  } catch (err) {
    return mapOpenError(err)
  }
  try {
    const selection = parsePdfCoPages(input.pagesSpec, opened.pageCount)
    if (!selection.ok) return selection
    input.onPagesSelected?.(selection.pages, opened.pageCount)
    const ext = EXTENSION[input.format]
    const files: RenderedFile[] = []
    if (input.format === 'tiff') {
      const target = await input.placeOutput(`${input.baseName}.${ext}`, 0)
      await mkdir(path.dirname(target), { recursive: true })
      const temp = `${target}.part`
      const handle = await open(temp, 'w')
      try {
        const writer = new TiffFileWriter(handle)
        for (const index of selection.pages) {
          input.signal.throwIfAborted()
          const page = await input.limit(() => renderPage(opened.doc, index + 1, { format: 'tiff', dpi: input.dpi, signal: input.signal }))
          await writer.addPage(page.data)
        }
        await writer.finish()
      } finally {
        await handle.close()
      }
      await rename(temp, target)
      files.push({ path: target, sizeBytes: (await stat(target)).size, pages: selection.pages })
    } else {
      let i = 0
      for (const index of selection.pages) {
        input.signal.throwIfAborted()
        const page = await input.limit(() =>
          renderPage(opened.doc, index + 1, {
            format: input.format,
            dpi: input.dpi,
            signal: input.signal,
            ...(input.jpegQuality === undefined ? {} : { jpegQuality: input.jpegQuality }),
          }),
        )
        const target = await input.placeOutput(`${input.baseName}-${index}.${ext}`, i++)
        await mkdir(path.dirname(target), { recursive: true })
        await writeFile(`${target}.part`, page.data)
        await rename(`${target}.part`, target)
        files.push({ path: target, sizeBytes: page.data.length, pages: [index] })
      }
    }
    return { ok: true, pageCount: opened.pageCount, pages: selection.pages, files }
  } catch (err) {
    if (input.signal.aborted) throw err
    if (err instanceof AppError && err.code === 'file/damaged') return { ok: false, errorCode: 442, message: `Damaged input: ${err.message}` }
    if (err instanceof AppError) return { ok: false, errorCode: 500, message: err.message }
    throw err
  } finally {
    await opened.close()
  }
}

function mapOpenError(err: unknown): RenderJobResult {
  if (err instanceof AppError) {
    switch (err.code) {
      case 'file/password-required':
        return { ok: false, errorCode: 441, message: 'The PDF is password-protected: pass its password in the "password" parameter' }
      case 'file/wrong-password':
        return { ok: false, errorCode: 441, message: 'Invalid password for the PDF' }
      case 'file/not-pdf':
        return { ok: false, errorCode: 442, message: 'The input is not a PDF file' }
      case 'file/damaged':
        return { ok: false, errorCode: 442, message: 'The input PDF is damaged and cannot be processed' }
      default:
        return { ok: false, errorCode: 500, message: `Cannot read the input file: ${err.message}` }
    }
  }
  return { ok: false, errorCode: 500, message: `Cannot read the input file: ${err instanceof Error ? err.message : String(err)}` }
}

/** Removes a file if it exists. */
export async function removeQuietly(p: string): Promise<void> {
  await rm(p, { force: true }).catch(() => undefined)
}
