/**
 * One PDFium instance and at most one open document, page by page: what a render worker
 * (`render-worker.ts`) does, also usable in plain Node (tests).
 *
 * Memory stays flat on any length: each page is closed right after drawing, and the document is
 * reopened every {@link REOPEN_EVERY_PAGES} pages or as soon as the WASM memory passes
 * {@link REOPEN_PAST_HEAP_BYTES} (PDFium caches fonts, images and parsed objects per document;
 * a PDF with one font dictionary per page would grow without end).
 *
 * A page that needs more memory than the instance's cap (`pdfium-module.ts`), or any abort of the
 * module, fails with FileError 'file/damaged' and marks the session dead: the worker then exits and
 * the pool replaces it, so the rest of the batch goes on.
 */
import { FileError } from '../../errors.ts'
import { PdfiumDocument, type PdfiumOpenInfo, type RenderedRgba } from '../../render/pdfium-document.ts'
import { installFontFallback, type FontFallback } from '../../render/pdfium-fonts.ts'
import { loadPdfium, type PdfiumRuntime } from '../../render/pdfium-module.ts'
import { thumbnailFromRgba } from '../../thumbnails/from-bitmap.ts'
import { encodePixels, type EncodeSettings } from './encode.ts'
import type { PageGeometry, PagePlan } from './page-plan.ts'

/** Pages drawn between two reopenings of a document. */
export const REOPEN_EVERY_PAGES = 100
/** WASM memory past which the document is reopened before the next page. */
export const REOPEN_PAST_HEAP_BYTES = 320 * 1024 * 1024

/** A warning with optional technical details (grouped messages of the renderer). */
export interface PageWarning {
  readonly message: string
  readonly details?: readonly string[]
}

/** Geometry of one page as the page picker and PDF.co upload checks need it. */
export interface InspectedPage extends PageGeometry {
  /** The page's /Rotate, normalised to 0, 90, 180 or 270. */
  readonly rotate: number
}

/** See the module comment. */
export class RenderSession {
  readonly #runtime: PdfiumRuntime
  readonly #fonts: FontFallback
  #doc: PdfiumDocument | undefined
  #docKey: string | undefined
  #dead: string | undefined

  private constructor(runtime: PdfiumRuntime, fonts: FontFallback) {
    this.#runtime = runtime
    this.#fonts = fonts
  }

  /** Loads PDFium and the fallback fonts. @throws Error in plain words when the WASM cannot load. */
  static async start(maxMemoryBytes?: number): Promise<RenderSession> {
    const runtime = await loadPdfium({ maxMemoryBytes })
    const fonts = installFontFallback(runtime.raw, (ptr) => runtime.module.FPDF_SetSystemFontInfo(ptr))
    return new RenderSession(runtime, fonts)
  }

  /** Set once the PDFium instance is unusable (memory cap, abort): the reason. */
  get deadReason(): string | undefined {
    return this.#dead
  }

  /** Bytes of WASM memory in use by this instance. */
  get heapBytes(): number {
    return this.#runtime.heapBytes()
  }

  /**
   * Opens a PDF (closing any other); an open of the same key (path, password, size, mtime) is free.
   *
   * @throws FileError as {@link PdfiumDocument.open}.
   */
  open(sourcePath: string, password: string | undefined, key: string | undefined): PdfiumOpenInfo & { reused: boolean } {
    if (this.#doc !== undefined && key !== undefined && key === this.#docKey) return { ...this.#doc.info, reused: true }
    this.close()
    const doc = this.#guard(undefined, () => PdfiumDocument.open(this.#runtime, this.#fonts, sourcePath, password))
    this.#doc = doc
    this.#docKey = key
    return { ...doc.info, reused: false }
  }

  /** Sizes of pages (1-based) in points at scale 1. @throws FileError 'file/damaged'. */
  measure(pages: readonly number[]): PageGeometry[] {
    const doc = this.#requireOpen()
    return pages.map((page) => ({ page, ...doc.pageSize(page) }))
  }

  /** Sizes and /Rotate of the first `limit` pages. @throws FileError 'file/damaged'. */
  inspect(limit: number): InspectedPage[] {
    const doc = this.#requireOpen()
    const out: InspectedPage[] = []
    for (let page = 1; page <= Math.min(limit, doc.info.pageCount); page++) out.push({ page, ...doc.pageSize(page), rotate: doc.rotation(page) })
    return out
  }

  /**
   * Draws and encodes one planned page.
   *
   * @throws FileError 'file/damaged' (page unreadable, memory cap passed); Error from sharp.
   */
  async render(plan: PagePlan, encode: EncodeSettings, thumbnailWidthPx?: number): Promise<{ data: Buffer; warnings: PageWarning[]; thumbnail?: Uint8Array }> {
    const drawn = this.renderRaw(plan, encode.background === 'transparent')
    const warnings: PageWarning[] = drawn.warnings.map((message) => ({ message }))
    const technical = groupMessages(this.#runtime.takeMessages())
    if (technical.length > 0) {
      warnings.push({ message: `The PDF renderer reported ${technical.length} kind${technical.length === 1 ? '' : 's'} of technical problem drawing this page`, details: technical })
    }
    for (const problem of this.#fonts.takeProblems()) warnings.push({ message: problem })
    try {
      // Nothing else runs on this thread's PDFium until the encoder has read the bitmap.
      // The grid's thumbnail comes from the same bitmap: the written file is never decoded for it.
      const bitmap = { data: drawn.rgba, width: plan.widthPx, height: plan.heightPx }
      const [data, thumbnail] = await Promise.all([
        encodePixels({ data: drawn.rgba, widthPx: plan.widthPx, heightPx: plan.heightPx, premultiplied: false }, encode),
        thumbnailWidthPx === undefined ? undefined : thumbnailFromRgba(bitmap, thumbnailWidthPx).then((t) => t.png, () => undefined),
      ])
      return thumbnail === undefined ? { data, warnings } : { data, warnings, thumbnail }
    } finally {
      drawn.release()
    }
  }

  /**
   * Draws one planned page to RGBA without encoding; the caller must `release()` the result
   * before the next PDFium call. Reopens the document first when due (see the module comment).
   *
   * @throws FileError 'file/damaged' (page unreadable, memory cap passed).
   */
  renderRaw(plan: PagePlan, transparent = false): RenderedRgba {
    const doc = this.#requireOpen()
    if (doc.pagesSinceOpen >= REOPEN_EVERY_PAGES || (doc.pagesSinceOpen > 0 && this.heapBytes > REOPEN_PAST_HEAP_BYTES)) {
      this.#guard(plan.page, () => doc.reopen())
    }
    return this.#guard(plan.page, () => doc.render(plan.page, plan.widthPx, plan.heightPx, transparent))
  }

  /** Closes the open document, if any. */
  close(): void {
    const doc = this.#doc
    this.#doc = undefined
    this.#docKey = undefined
    if (doc !== undefined && this.#dead === undefined) doc.close()
  }

  #requireOpen(): PdfiumDocument {
    if (this.#doc === undefined) throw new Error('No PDF is open in this render worker')
    return this.#doc
  }

  /** Runs a PDFium call; a memory-cap hit or an abort becomes a specific FileError and kills the session. */
  #guard<T>(page: number | undefined, fn: () => T): T {
    if (this.#dead !== undefined) throw new FileError('file/damaged', this.#dead)
    let result: T
    try {
      result = fn()
    } catch (err) {
      if (err instanceof FileError && !this.#runtime.memoryCapHit && !this.#runtime.aborted) throw err
      throw this.#kill(page, err)
    }
    if (this.#runtime.memoryCapHit || this.#runtime.aborted) throw this.#kill(page, undefined)
    return result
  }

  #kill(page: number | undefined, cause: unknown): FileError {
    const where = page === undefined ? 'This PDF' : `Page ${page}`
    const capMb = Math.round(this.#runtime.maxMemoryBytes / (1024 * 1024))
    this.#dead = this.#runtime.memoryCapHit
      ? `${where} needs more than ${capMb} MB of memory to draw (for example a compressed stream that expands enormously); it was stopped`
      : `${where} could not be drawn: the PDF renderer failed (${cause instanceof Error ? cause.message : String(cause)})`
    this.#doc = undefined
    return new FileError('file/damaged', this.#dead, { cause })
  }
}

/** Distinct messages with their counts, e.g. "Bad xref (x241)". */
export function groupMessages(messages: readonly string[]): string[] {
  const counts = new Map<string, number>()
  for (const m of messages) {
    const text = m.trim()
    if (text !== '') counts.set(text, (counts.get(text) ?? 0) + 1)
  }
  return [...counts].slice(0, 20).map(([text, n]) => (n > 1 ? `${text} (x${n})` : text))
}
