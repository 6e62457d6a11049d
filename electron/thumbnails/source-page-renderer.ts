/**
 * Renders a source PDF page to a PNG of a given width, for `pdf-thumb://page/<fileId>/<page>`
 * (the page picker). Uses helper A's rasterizer (pdf.js + @napi-rs/canvas) at the DPI that makes
 * the page `widthPx` wide, then sharp fixes rounding to the exact width.
 *
 * The picker asks for many pages of one file in a row, so the opened document is kept for a short
 * while ({@link SOURCE_DOC_IDLE_MS}, at most {@link MAX_OPEN_SOURCE_DOCS} files) instead of being
 * parsed again for every page. Runs on the calling thread; the thumbnail service renders one page
 * at a time. TODO(issue 3): move to a utilityProcess so big pages never block the main process.
 */
import sharp from 'sharp'
import { openPdfDocument, renderPage, type OpenedPdf } from '../render/rasterize.ts'
import type { SourcePageRenderer } from './thumbnail-service.ts'

/** An opened source document is closed after this long without a request, in ms. */
export const SOURCE_DOC_IDLE_MS = 15_000
/** Most source documents kept open at once. */
export const MAX_OPEN_SOURCE_DOCS = 2

interface OpenDoc {
  readonly key: string
  readonly opened: Promise<OpenedPdf>
  timer: ReturnType<typeof setTimeout> | undefined
}

/** A source-page renderer that can release its open documents. */
export interface ClosableSourcePageRenderer extends SourcePageRenderer {
  /** Closes every document kept open. */
  close(): Promise<void>
}

/**
 * Creates a renderer reading registered files through `resolve` (path + password; undefined = unknown).
 */
export function createSourcePageRenderer(
  resolve: (fileId: string) => { readonly path: string; readonly password?: string | undefined } | undefined,
  options: { readonly idleMs?: number } = {},
): ClosableSourcePageRenderer {
  const idleMs = options.idleMs ?? SOURCE_DOC_IDLE_MS
  const docs = new Map<string, OpenDoc>()

  const release = (doc: OpenDoc): Promise<void> => {
    clearTimeout(doc.timer)
    if (docs.get(doc.key) === doc) docs.delete(doc.key)
    return doc.opened.then((o) => o.close()).catch(() => undefined)
  }
  const touch = (doc: OpenDoc): void => {
    clearTimeout(doc.timer)
    doc.timer = setTimeout(() => void release(doc), idleMs)
    doc.timer.unref?.()
  }
  const acquire = (fileId: string, file: { readonly path: string; readonly password?: string | undefined }): OpenDoc => {
    // The password is part of the key: unlocking a file opens it afresh.
    const key = `${fileId}\0${file.path}\0${file.password ?? ''}`
    let doc = docs.get(key)
    if (doc === undefined) {
      const opened = openPdfDocument(file.path, file.password === undefined ? {} : { password: file.password })
      doc = { key, opened, timer: undefined }
      docs.set(key, doc)
      opened.catch(() => {
        if (docs.get(key) === doc) docs.delete(key)
      })
      while (docs.size > MAX_OPEN_SOURCE_DOCS) {
        const oldest = docs.values().next().value
        if (oldest === undefined) break
        void release(oldest)
      }
    } else {
      // Most recently used last.
      docs.delete(key)
      docs.set(key, doc)
    }
    touch(doc)
    return doc
  }

  const render = async (fileId: string, page: number, widthPx: number): Promise<Buffer> => {
    const file = resolve(fileId)
    if (file === undefined) throw new Error('unknown file')
    const doc = acquire(fileId, file)
    const opened = await doc.opened
    const pdfPage = await opened.doc.getPage(page)
    const widthPt = pdfPage.getViewport({ scale: 1 }).width
    pdfPage.cleanup()
    const dpi = Math.min(600, Math.max(1, (widthPx * 72) / Math.max(1, widthPt)))
    const rendered = await renderPage(opened.doc, page, { format: 'png', dpi })
    touch(doc)
    if (rendered.widthPx === widthPx) return rendered.data
    return await sharp(rendered.data).resize({ width: widthPx }).png().toBuffer()
  }
  return Object.assign(render, {
    close: async () => {
      await Promise.all([...docs.values()].map((doc) => release(doc)))
    },
  })
}
