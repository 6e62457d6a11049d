/**
 * One document, one page at a time: measuring pages and rendering a planned page to encoded
 * bytes. Runs inside a render worker (`render-worker.ts`), and in plain Node for tests.
 *
 * Viewer parity (issue 4 §1): the document is opened through `render/rasterize.ts`
 * (`openPdfDocument`: standard fonts, packed CMaps, WASM JPEG 2000/JBIG2 decoders and ICC
 * profiles passed to pdf.js); pages are drawn with `AnnotationMode.ENABLE_STORAGE` (annotation
 * appearances and filled form values), through pdf.js' viewport, which renders the CropBox and
 * applies /Rotate (inherited too) and /UserUnit. Non-embedded CJK fonts fall back to an installed
 * CJK system font (`configureFallbackFonts`).
 *
 * Memory: one canvas at a time; sharp reads the canvas' pixel memory directly (`canvas.data()` is
 * a view, not a copy), the canvas is freed right after encoding, and `page.cleanup()` frees the
 * page's pdf.js resources after each page.
 */
import { createCanvas } from '@napi-rs/canvas'
import { AppError, FileError } from '../../errors.ts'
import { collectPdfjsWarnings, loadPdfjs, type PdfjsPage } from '../../render/pdfjs.ts'
import { configureFallbackFonts, type OpenedPdf } from '../../render/rasterize.ts'
import { encodePixels, type EncodeSettings } from './encode.ts'
import type { PageGeometry, PagePlan } from './page-plan.ts'

type RenderParameters = Parameters<PdfjsPage['render']>[0]

/**
 * Displayed size of each page at scale 1 (points; CropBox, /Rotate, /UserUnit applied), with the
 * pdf.js warnings raised meanwhile.
 *
 * @throws FileError 'file/damaged' naming the page that cannot be read.
 */
export async function measurePages(opened: OpenedPdf, pages: readonly number[]): Promise<{ geometries: PageGeometry[]; warnings: string[] }> {
  const collector = collectPdfjsWarnings()
  try {
    return { geometries: await measureAll(opened, pages), warnings: uniqueWarnings(collector.messages) }
  } finally {
    collector.stop()
  }
}

async function measureAll(opened: OpenedPdf, pages: readonly number[]): Promise<PageGeometry[]> {
  const out: PageGeometry[] = []
  for (const n of pages) {
    let page: PdfjsPage
    try {
      page = await opened.doc.getPage(n)
    } catch (err) {
      throw new FileError('file/damaged', `Page ${n} cannot be read: ${errorMessage(err)}`, { cause: err })
    }
    const viewport = page.getViewport({ scale: 1 })
    out.push({ page: n, widthPt: viewport.width, heightPt: viewport.height })
    page.cleanup()
  }
  return out
}

/**
 * Renders one planned page and encodes it; returns the bytes and the page's pdf.js warnings.
 *
 * @throws FileError 'file/damaged' when pdf.js cannot read or draw the page; AppError 'internal'
 *   when encoding fails.
 */
export async function renderPlannedPage(
  opened: OpenedPdf,
  plan: PagePlan,
  encode: EncodeSettings,
): Promise<{ data: Buffer; warnings: string[] }> {
  // Non-embedded CJK text is drawn with the canvas' generic families: point them at a CJK font.
  configureFallbackFonts()
  const collector = collectPdfjsWarnings()
  try {
    const data = await renderAndEncode(opened, plan, encode)
    return { data, warnings: uniqueWarnings(collector.messages) }
  } finally {
    collector.stop()
  }
}

async function renderAndEncode(opened: OpenedPdf, plan: PagePlan, encode: EncodeSettings): Promise<Buffer> {
  const pdfjs = await loadPdfjs()
  let page: PdfjsPage
  try {
    page = await opened.doc.getPage(plan.page)
  } catch (err) {
    throw new FileError('file/damaged', `Page ${plan.page} cannot be read: ${errorMessage(err)}`, { cause: err })
  }
  try {
    const viewport = page.getViewport({ scale: plan.scale })
    const canvas = createCanvas(plan.widthPx, plan.heightPx)
    try {
      // Given a canvas, pdf.js makes its own opaque context (`alpha: false`): right for white pages.
      // A transparent page needs our own context with alpha, passed without the canvas.
      const transparent = encode.background === 'transparent'
      const target = transparent
        ? { canvas: null, canvasContext: canvas.getContext('2d') as unknown as NonNullable<RenderParameters['canvasContext']> }
        : { canvas: canvas as unknown as RenderParameters['canvas'] }
      try {
        await page.render({
          ...target,
          viewport,
          intent: 'display',
          annotationMode: pdfjs.AnnotationMode.ENABLE_STORAGE,
          background: transparent ? 'rgba(0,0,0,0)' : 'rgb(255,255,255)',
        }).promise
      } catch (err) {
        throw new FileError('file/damaged', `Page ${plan.page} cannot be drawn: ${errorMessage(err)}`, { cause: err })
      }
      // `data()` is a view of the canvas' own pixel memory (no copy): encode before freeing it.
      const pixels = canvas.data()
      try {
        return await encodePixels({ data: pixels, widthPx: plan.widthPx, heightPx: plan.heightPx, premultiplied: true }, encode)
      } catch (err) {
        throw new AppError('internal', `Page ${plan.page} could not be encoded as ${encode.format.toUpperCase()}: ${errorMessage(err)}`, {
          cause: err,
        })
      }
    } finally {
      // Free the native pixel buffer now: V8 does not see its size, so GC would come late.
      canvas.width = 0
      canvas.height = 0
    }
  } finally {
    page.cleanup()
  }
}

/** At most this many distinct warnings are kept per page. */
const MAX_WARNINGS_PER_PAGE = 20

/** Distinct warnings in order of first appearance, at most {@link MAX_WARNINGS_PER_PAGE}. */
export function uniqueWarnings(messages: readonly string[]): string[] {
  return [...new Set(messages.map((m) => m.trim()).filter((m) => m !== ''))].slice(0, MAX_WARNINGS_PER_PAGE)
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
