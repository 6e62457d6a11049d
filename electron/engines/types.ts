/**
 * The conversion pipeline's public shapes, consumed alike by the CLI, the desktop app's main
 * process and the tests. Both engines (PDF.co and, later, local) implement {@link ConversionEngine}.
 *
 * Pure types only (no runtime imports), plain data everywhere so events can cross IPC as they are.
 */
import type { OutputBatch } from '../files/output-batch.ts'
import type { ConversionCheckpoint } from '../journal/progress.ts'
import type { ErrorDto } from '../shared/error-codes.ts'
import type { OutputFormat } from '../shared/formats.ts'
import type { EngineKind } from '../shared/engine-choice.ts'

export type { EngineKind } from '../shared/engine-choice.ts'

/** What to convert and where to put it. */
export interface ConversionRequest {
  /** Absolute path of the source PDF. */
  readonly sourcePath: string
  /** Absolute path of the output folder (created if missing). */
  readonly outputDir: string
  readonly format: OutputFormat
  /** 1-based page numbers, sorted, unique; `null` = every page (or `pageRange`, when given). */
  readonly pages: readonly number[] | null
  /**
   * Page-range text as people type it (`electron/shared/page-range.ts` grammar, e.g. "2-4, last"),
   * used only when `pages` is null; parsed by the engine against the page count it reads locally,
   * so callers need not open the PDF first (the CLI's `--pages`). Bad text → InputError
   * 'input/page-range' before anything is uploaded.
   */
  readonly pageRange?: string
  /** PDF open password (user password), when the PDF needs one. */
  readonly password?: string
  /** Replace existing files instead of writing `name (2).png`. Default false. */
  readonly overwrite?: boolean
  /** The batch's output-name registry (`files/output-batch.ts`): no two images of it share a name. */
  readonly outputBatch?: OutputBatch
  /**
   * TIFF only, PDF.co engine: true (the default) keeps PDF.co's one multi-page file; false splits
   * it into one file per page. (The local engine reads its own `local.multiPageTiff`.)
   */
  readonly multiPageTiff?: boolean
  /**
   * When set, each `page-written` event carries a PNG thumbnail this many pixels wide (a width
   * from THUMB_WIDTHS), made from the image the engine already holds; the desktop app sets it so
   * the grid's first request is a memory hit. The CLI leaves it unset (no extra work).
   */
  readonly thumbnailWidthPx?: number
}

/** A small PNG of a written page, made by the engine from the image it already holds. */
export interface PageThumbnail {
  /**
   * The thumbnail width it answers, in pixels (the request's `thumbnailWidthPx`); the image itself
   * is narrower when the page is (never enlarged).
   */
  readonly widthPx: number
  /** PNG bytes. */
  readonly png: Uint8Array
}

export type ConversionStage =
  | 'queued'
  | 'inspecting' // reading the page count / encryption locally
  | 'uploading'
  | 'converting' // PDF.co job(s) running, or the local engine rendering
  | 'downloading'
  | 'done'
  | 'failed'
  | 'cancelled'

/** Events emitted while one PDF converts, in order. */
export type ConversionEvent =
  | { readonly type: 'stage'; readonly stage: ConversionStage; readonly atMs: number }
  | { readonly type: 'inspected'; readonly pageCount: number; readonly pagesTotal: number }
  | { readonly type: 'upload-progress'; readonly bytesSent: number; readonly bytesTotal: number }
  | { readonly type: 'job-submitted'; readonly jobId: string; readonly pages: readonly number[] }
  | { readonly type: 'job-status'; readonly jobId: string; readonly status: string; readonly elapsedMs: number }
  | {
      readonly type: 'page-written'
      /** 1-based page number (for a multi-page TIFF: the first page of the file). */
      readonly page: number
      readonly path: string
      readonly sizeBytes: number
      readonly pagesDone: number
      readonly pagesTotal: number
      /** The page's thumbnail when the request asked for one (`thumbnailWidthPx`) and it could be made. */
      readonly thumbnail?: PageThumbnail
    }
  | { readonly type: 'warning'; readonly page?: number; readonly message: string; readonly details?: readonly string[] }
  | { readonly type: 'failed'; readonly error: ErrorDto }

/** One file written by a conversion. */
export interface WrittenFile {
  /** 1-based page number; for a multi-page TIFF the first page, with `pageCount` > 1. */
  readonly page: number
  readonly path: string
  readonly sizeBytes: number
  readonly pageCount?: number
}

/** What a finished conversion produced. */
export interface ConversionOutcome {
  readonly engine: EngineKind
  readonly sourcePath: string
  /** Pages in the PDF. */
  readonly pageCount: number
  /** Files in page order. */
  readonly files: readonly WrittenFile[]
  readonly elapsedMs: number
  /** PDF.co credits reported as used, when known. */
  readonly creditsUsed?: number
  /** PDF.co: the account's credits left, as last reported during this conversion. */
  readonly remainingCredits?: number
  /** PDF.co: the balance before this conversion's first charge (first reported balance + its credits). */
  readonly balanceBeforeCredits?: number
  /**
   * PDF.co: pages of the jobs whose success this conversion saw (PDF.co charges a job's pages
   * then). After a resume, pages kept on disk or fetched from a job the interrupted run had
   * already seen succeed are not among them.
   */
  readonly pagesCharged?: number
}

export interface ConvertOptions {
  readonly signal?: AbortSignal
  readonly onEvent?: (event: ConversionEvent) => void
  /**
   * Durable progress record (`electron/journal/`): the engine saves its progress there as it goes
   * and, when it holds an earlier run's progress, resumes from it (pages on disk kept, PDF.co jobs
   * with valid links picked up again). Engines that cannot resume ignore it.
   */
  readonly checkpoint?: ConversionCheckpoint
}

/** A conversion engine: converts one PDF. Throws an `AppError` (see electron/errors.ts) on failure. */
export interface ConversionEngine {
  readonly kind: EngineKind
  convert(request: ConversionRequest, options?: ConvertOptions): Promise<ConversionOutcome>
}
