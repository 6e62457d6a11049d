/**
 * The emulator's page rasterizer (pdf.js, a second renderer standing in for the cloud, so tests
 * compare two engines): one page of an open pdf.js document → PNG, JPG, WebP or TIFF bytes.
 *
 * Built for reuse by the emulator and the local engine (worker threads, page by page, bounded
 * memory): a document is opened once with {@link openPdfDocument}, each page is rendered with
 * {@link renderPage}, and the page's pdf.js resources are freed right after (`page.cleanup()`).
 *
 * Pixel size: `round(widthPt / 72 * dpi) x round(heightPt / 72 * dpi)` of the displayed page,
 * i.e. the CropBox after /Rotate and /UserUnit. pdf.js 5.6 applies /UserUnit itself (its
 * viewport multiplies the scale by it, PDF 32000-2 §14.11.2 table 31); poppler's `pdftoppm`
 * ignores it (issue19176.pdf: 1275x1650 px here, 18x23 px with pdftoppm at 150 DPI).
 *
 * Annotations are drawn from the document's own appearance streams and stored form values
 * (`AnnotationMode.ENABLE_STORAGE`), so filled form fields show as in a viewer's print-out.
 *
 * Non-embedded fonts that pdf.js cannot map to its standard fonts (typically CJK) are drawn with
 * `fillText` in the generic family `serif` / `sans-serif`. @napi-rs/canvas does no per-glyph
 * fallback, so CJK text would come out as empty boxes; when a CJK system font is installed the
 * generic families are pointed at it (see {@link configureFallbackFonts}). Without one (e.g. a bare
 * Linux box: apt `fonts-noto-cjk` or `fonts-ipafont` fixes it) such text stays boxes.
 */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas'
import sharp from 'sharp'
import { AppError, CancelledError, FileError } from '../../electron/errors.ts'
import type { OutputFormat } from '../../electron/shared/formats.ts'
import { checkPdfHeader, mapFsError } from '../../electron/render/pdf-header.ts'
import { collectPdfjsWarnings, loadPdfjs, openPdfjsDocument, type PdfjsDocument, type PdfjsPage } from './pdfjs.ts'

type PdfjsRenderParameters = Parameters<PdfjsPage['render']>[0]
import { joinTiffPages } from '../../electron/render/tiff.ts'

export { joinTiffPages, TiffFileWriter } from '../../electron/render/tiff.ts'

/** Default rendering resolution (dots per inch). */
export const DEFAULT_DPI = 150
/** Default JPEG quality (1-100). */
export const DEFAULT_JPEG_QUALITY = 90
/** Largest page raster accepted (pixels); about 600 MB of RGBA. */
export const MAX_PAGE_PIXELS = 150_000_000
/** Largest side accepted (pixels); Skia's canvas limit. */
export const MAX_PAGE_SIDE_PX = 32_767

/** An open document for {@link renderPage}. */
export interface OpenedPdf {
  readonly doc: PdfjsDocument
  readonly pageCount: number
  /** pdf.js warnings while opening (e.g. "Indexing all PDF objects" for a repaired xref). */
  readonly openWarnings: readonly string[]
  /** Destroys the pdf.js document and closes the file. Safe to call twice. */
  close(): Promise<void>
}

/**
 * Opens a PDF (path or bytes) for rendering.
 *
 * @throws FileError 'file/not-found', 'file/not-pdf', 'file/unreadable', 'file/password-required',
 *   'file/wrong-password', 'file/damaged' (as `inspectPdf`).
 */
export async function openPdfDocument(
  source: string | Uint8Array,
  options: { readonly password?: string; readonly assetsDir?: string } = {},
): Promise<OpenedPdf> {
  const label = typeof source === 'string' ? source : 'the PDF'
  if (typeof source === 'string') await checkPdfHeader(source)
  else if (Buffer.from(source.buffer, source.byteOffset, Math.min(source.byteLength, 1029)).indexOf('%PDF-', 0, 'latin1') < 0) {
    throw new FileError('file/not-pdf', 'The data is not a PDF (no %PDF- header)')
  }
  try {
    const opened = await openPdfjsDocument(source, {
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(options.assetsDir === undefined ? {} : { assetsDir: options.assetsDir }),
    })
    return { doc: opened.doc, pageCount: opened.doc.numPages, openWarnings: opened.openWarnings, close: opened.close }
  } catch (err) {
    throw mapPdfjsOpenError(err, label, (options.password ?? '') !== '')
  }
}

/** CJK system fonts by preference (Linux, macOS, Windows names), serif and sans. */
const CJK_SERIF_FONTS = ['Noto Serif CJK JP', 'Noto Serif CJK SC', 'Source Han Serif', 'IPAMincho', 'IPAexMincho', 'Hiragino Mincho ProN', 'Yu Mincho', 'MS Mincho', 'SimSun', 'Songti SC']
const CJK_SANS_FONTS = ['Noto Sans CJK JP', 'Noto Sans CJK SC', 'Source Han Sans', 'IPAGothic', 'IPAexGothic', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Yu Gothic', 'MS Gothic', 'Microsoft YaHei', 'WenQuanYi Zen Hei', 'Droid Sans Fallback']

let fallbackFonts: { serif: string | null; sansSerif: string | null } | undefined

/**
 * Points the canvas' generic `serif` / `sans-serif` families at installed CJK fonts, once per thread.
 *
 * Only text in non-embedded fonts that pdf.js does not replace with its standard fonts is affected.
 * Returns the families chosen (null = none installed, generic family left alone).
 */
export function configureFallbackFonts(): { serif: string | null; sansSerif: string | null } {
  if (fallbackFonts !== undefined) return fallbackFonts
  const installed = new Set(GlobalFonts.families.map((f) => f.family))
  const serif = CJK_SERIF_FONTS.find((f) => installed.has(f)) ?? null
  const sans = CJK_SANS_FONTS.find((f) => installed.has(f)) ?? null
  const serifChoice = serif ?? sans
  const sansChoice = sans ?? serif
  if (serifChoice !== null) GlobalFonts.setAlias(serifChoice, 'serif')
  if (sansChoice !== null) GlobalFonts.setAlias(sansChoice, 'sans-serif')
  fallbackFonts = { serif: serifChoice, sansSerif: sansChoice }
  return fallbackFonts
}

/** Options of {@link renderPage} and {@link renderPageRgba}. */
export interface RenderPageOptions {
  /** Default 'png'. */
  readonly format?: OutputFormat
  /** Dots per inch; default {@link DEFAULT_DPI}. */
  readonly dpi?: number
  /** 'transparent' keeps the alpha channel (PNG and WebP only); default 'white'. */
  readonly background?: 'white' | 'transparent'
  /** JPEG (and WebP) quality 1-100; default {@link DEFAULT_JPEG_QUALITY}. */
  readonly jpegQuality?: number
  readonly signal?: AbortSignal
}

/** Raw render result: RGBA, 8 bits per channel, not premultiplied. */
export interface RenderedRgba {
  readonly rgba: Buffer
  readonly widthPx: number
  readonly heightPx: number
  /** pdf.js warnings seen while this page loaded and rendered (best effort, see below). */
  readonly warnings: string[]
}

/** An encoded page image. */
export interface RenderedPage {
  readonly data: Buffer
  readonly widthPx: number
  readonly heightPx: number
  readonly warnings: string[]
}

/**
 * Renders one page (1-based) to encoded image bytes.
 *
 * JPG and TIFF always get a white background. TIFF is single-page RGB, LZW-compressed; join
 * pages with {@link joinTiffPages} / `TiffFileWriter`.
 *
 * @throws AppError 'input/invalid' (page number out of range, page too large to rasterize),
 *   'file/damaged' (pdf.js cannot read or draw the page), CancelledError.
 */
export async function renderPage(doc: PdfjsDocument, pageNumber: number, options: RenderPageOptions = {}): Promise<RenderedPage> {
  const format = options.format ?? 'png'
  const transparent = options.background === 'transparent' && (format === 'png' || format === 'webp')
  const raw = await renderPageRgba(doc, pageNumber, { ...options, background: transparent ? 'transparent' : 'white' })
  const data = await encodeRgba(raw, format, {
    transparent,
    ...(options.jpegQuality === undefined ? {} : { jpegQuality: options.jpegQuality }),
    dpi: options.dpi ?? DEFAULT_DPI,
  })
  throwIfAborted(options.signal)
  return { data, widthPx: raw.widthPx, heightPx: raw.heightPx, warnings: raw.warnings }
}

/**
 * Renders one page (1-based) to raw RGBA pixels; see {@link renderPage} for errors.
 */
export async function renderPageRgba(doc: PdfjsDocument, pageNumber: number, options: RenderPageOptions = {}): Promise<RenderedRgba> {
  const signal = options.signal
  throwIfAborted(signal)
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > doc.numPages) {
    throw new AppError('input/invalid', `Page ${pageNumber} does not exist: this PDF has ${doc.numPages} pages`)
  }
  const dpi = options.dpi ?? DEFAULT_DPI
  if (!(dpi > 0 && dpi <= 2400)) throw new AppError('input/invalid', `DPI must be between 1 and 2400, got ${dpi}`)
  const pdfjs = await loadPdfjs()
  configureFallbackFonts()
  const warnings = collectPdfjsWarnings()
  try {
    let page
    try {
      page = await doc.getPage(pageNumber)
    } catch (err) {
      throw new AppError('file/damaged', `Page ${pageNumber} cannot be read: ${errorMessage(err)}`, { cause: err })
    }
    try {
      const viewport = page.getViewport({ scale: dpi / 72 })
      const widthPx = Math.max(1, Math.round(viewport.width))
      const heightPx = Math.max(1, Math.round(viewport.height))
      if (widthPx > MAX_PAGE_SIDE_PX || heightPx > MAX_PAGE_SIDE_PX || widthPx * heightPx > MAX_PAGE_PIXELS) {
        throw new AppError(
          'input/invalid',
          `Page ${pageNumber} is too large to rasterize at ${dpi} DPI (${widthPx}x${heightPx} px); use a lower DPI`,
        )
      }
      const canvas = createCanvas(widthPx, heightPx)
      const context = canvas.getContext('2d')
      const task = page.render({
        canvas: canvas as unknown as PdfjsRenderParameters['canvas'],
        canvasContext: context as unknown as NonNullable<PdfjsRenderParameters['canvasContext']>,
        viewport,
        intent: 'display',
        annotationMode: pdfjs.AnnotationMode.ENABLE_STORAGE,
        background: options.background === 'transparent' ? 'rgba(0,0,0,0)' : 'rgb(255,255,255)',
      })
      const onAbort = (): void => task.cancel()
      signal?.addEventListener('abort', onAbort, { once: true })
      try {
        await task.promise
      } catch (err) {
        throwIfAborted(signal)
        throw new AppError('file/damaged', `Page ${pageNumber} cannot be drawn: ${errorMessage(err)}`, { cause: err })
      } finally {
        signal?.removeEventListener('abort', onAbort)
      }
      const image = context.getImageData(0, 0, widthPx, heightPx)
      const rgba = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength)
      // Release the native pixel buffer now: its size is invisible to V8, so GC would come late.
      canvas.width = 0
      canvas.height = 0
      return { rgba, widthPx, heightPx, warnings: warnings.messages }
    } finally {
      page.cleanup()
    }
  } finally {
    warnings.stop()
  }
}

/**
 * Encodes raw RGBA pixels with sharp.
 *
 * Opaque output (JPG, TIFF, or `transparent` false) is flattened onto white and written as RGB.
 * `dpi` is stored as the image's resolution where the format has one (PNG pHYs, JPEG JFIF, TIFF).
 */
export async function encodeRgba(
  raw: { readonly rgba: Buffer; readonly widthPx: number; readonly heightPx: number },
  format: OutputFormat,
  options: { readonly transparent?: boolean; readonly jpegQuality?: number; readonly dpi?: number } = {},
): Promise<Buffer> {
  const transparent = options.transparent === true && (format === 'png' || format === 'webp')
  const quality = clampQuality(options.jpegQuality ?? DEFAULT_JPEG_QUALITY)
  let img = sharp(raw.rgba, { raw: { width: raw.widthPx, height: raw.heightPx, channels: 4 } })
  if (!transparent) img = img.flatten({ background: '#ffffff' })
  if (options.dpi !== undefined) img = img.withMetadata({ density: options.dpi })
  switch (format) {
    case 'png':
      return img.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer()
    case 'jpg':
      return img.jpeg({ quality, mozjpeg: false, chromaSubsampling: '4:2:0' }).toBuffer()
    case 'webp':
      return img.webp({ quality, alphaQuality: 100, effort: 2 }).toBuffer()
    case 'tiff':
      return img.tiff({ compression: 'lzw', predictor: 'horizontal' }).toBuffer()
  }
}

/**
 * Renders several pages (1-based) into ONE multi-page TIFF in memory; for long documents use
 * `TiffFileWriter` page by page instead.
 */
export async function renderMultiPageTiff(
  doc: PdfjsDocument,
  pageNumbers: readonly number[],
  options: Omit<RenderPageOptions, 'format' | 'background'> = {},
): Promise<{ data: Buffer; pageCount: number; warnings: string[] }> {
  const parts: Buffer[] = []
  const warnings: string[] = []
  for (const n of pageNumbers) {
    const page = await renderPage(doc, n, { ...options, format: 'tiff' })
    parts.push(page.data)
    warnings.push(...page.warnings.map((w) => `page ${n}: ${w}`))
  }
  return { data: joinTiffPages(parts), pageCount: parts.length, warnings }
}

function clampQuality(q: number): number {
  return Math.min(100, Math.max(1, Math.round(q)))
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError()
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Maps an error thrown while pdf.js opens a document to a FileError (see {@link inspectPdf}).
 *
 * pdf.js signals passwords with `name === 'PasswordException'` and `code` 1 (needed) / 2 (wrong).
 */
export function mapPdfjsOpenError(err: unknown, path: string, passwordGiven: boolean): FileError {
  if (err instanceof FileError) return err
  const e = err as { name?: unknown; code?: unknown }
  if (e?.name === 'PasswordException') {
    if (e.code === 2 || (e.code === 1 && passwordGiven)) {
      return new FileError('file/wrong-password', `Wrong password for ${path}`, { cause: err })
    }
    return new FileError('file/password-required', `${path} is password-protected: a password is needed`, { cause: err })
  }
  if (typeof e?.code === 'string') return mapFsError(err, path)
  return new FileError('file/damaged', `${path} is damaged and cannot be opened: ${errorMessage(err)}`, { cause: err })
}

