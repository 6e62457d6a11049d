/**
 * Renders a source PDF page to a PNG of a given width, for `pdf-thumb://page/<fileId>/<page>`
 * (the page picker). Uses helper A's rasterizer (pdf.js + @napi-rs/canvas) at the DPI that makes
 * the page `widthPx` wide, then sharp fixes rounding to the exact width.
 *
 * Runs on the calling thread; the thumbnail service renders one page at a time.
 * TODO(issue 3): move to a utilityProcess so big pages never block the main process.
 */
import sharp from 'sharp'
import { openPdfDocument, renderPage } from '../render/rasterize.ts'
import type { SourcePageRenderer } from './thumbnail-service.ts'

/**
 * Creates a renderer reading registered files through `resolve` (path + password; undefined = unknown).
 */
export function createSourcePageRenderer(
  resolve: (fileId: string) => { readonly path: string; readonly password?: string | undefined } | undefined,
): SourcePageRenderer {
  return async (fileId, page, widthPx) => {
    const file = resolve(fileId)
    if (file === undefined) throw new Error('unknown file')
    const opened = await openPdfDocument(file.path, file.password === undefined ? {} : { password: file.password })
    try {
      const pdfPage = await opened.doc.getPage(page)
      const widthPt = pdfPage.getViewport({ scale: 1 }).width
      pdfPage.cleanup()
      const dpi = Math.min(600, Math.max(1, (widthPx * 72) / Math.max(1, widthPt)))
      const rendered = await renderPage(opened.doc, page, { format: 'png', dpi })
      if (rendered.widthPx === widthPx) return rendered.data
      return await sharp(rendered.data).resize({ width: widthPx }).png().toBuffer()
    } finally {
      await opened.close()
    }
  }
}
