/**
 * The durable progress of one PDF's conversion through PDF.co, as the job journal stores it and the
 * PDF.co engine reads it back to resume after a crash, a kill or a quit. Pure types, plain JSON-able data.
 *
 * What is recorded, and why each field lets a later run skip work:
 * - `source`: size and mtime of the PDF when the progress began. A different fingerprint means the
 *   file changed: nothing recorded for it is trusted any more.
 * - `upload`: the PDF.co URL of the uploaded copy (PDF.co keeps temporary files 1 hour), so a
 *   resumed run submits new jobs on it instead of uploading again.
 * - `jobs`: every async job submitted: its id, its pages, its result link and, once it
 *   succeeded, the page links and how long they stay valid (job/check's `outputLinkValidTill`). A job whose
 *   links are still valid is polled / downloaded again instead of converted again.
 * - `written`: each page image put in the output folder, with its size and SHA-256, so a resumed
 *   run keeps exactly the files it wrote (verified, not assumed) and never writes `name (2).png`
 *   next to its own earlier page. A page is recorded as `committing` (durably) before its rename
 *   and as `written` after, which closes the window where a crash between the two would be lost.
 *
 * Never recorded: the API key, the PDF's password.
 */
import type { OutputFormat } from '../shared/formats.ts'

/** Identity of a source file's content as seen by `stat`. */
export interface SourceFingerprint {
  readonly sizeBytes: number
  /** `stat().mtimeMs`. */
  readonly mtimeMs: number
}

/** One async PDF.co job (`async: true` conversion, followed with job/check). */
export interface JobProgress {
  readonly jobId: string
  /** 1-based pages this job converts, in order (TIFF: every selected page, one file). */
  readonly pages: readonly number[]
  /** Epoch ms when the job was submitted. */
  readonly submittedAtMs: number
  /** The async placeholder: the result list JSON (PNG/JPG/WebP) or the TIFF itself. */
  readonly resultUrl?: string | undefined
  readonly state: 'submitted' | 'succeeded' | 'failed'
  /** Page image links in `pages` order, once the job succeeded and its list was read. */
  readonly pageUrls?: readonly string[] | undefined
  /** Epoch ms until which the output links work (`outputLinkValidTill`), once known. */
  readonly validTillMs?: number | undefined
}

/** One image the conversion put (or is putting) in the output folder. */
export interface PageProgress {
  /** 1-based page number (multi-page TIFF: its first page). */
  readonly page: number
  /**
   * `committing`: the intended name (the file may have landed under a ` (n)` variant of it);
   * `written`: the final file name in the output folder.
   */
  readonly name: string
  readonly sizeBytes: number
  /** Hex SHA-256 of the file's bytes. */
  readonly sha256: string
  readonly state: 'committing' | 'written'
}

/** Everything recorded about one PDF's conversion. */
export interface FileProgress {
  readonly source: SourceFingerprint
  readonly format: OutputFormat
  /** Pages in the PDF, once inspected. */
  readonly pageCount?: number | undefined
  /** Selected 1-based pages, once inspected. */
  readonly pages?: readonly number[] | undefined
  readonly upload?: { readonly url: string; readonly uploadedAtMs: number } | undefined
  readonly jobs: readonly JobProgress[]
  readonly written: readonly PageProgress[]
}

/**
 * The journal's side of one conversion, handed to the engine through `ConvertOptions.checkpoint`.
 */
export interface ConversionCheckpoint {
  /** What an earlier run of the same conversion recorded, or null. */
  readonly previous: FileProgress | null
  /**
   * Records a new snapshot; resolves once it is durable (written, fsynced, renamed). Never rejects:
   * a journal that cannot be written is reported by the journal itself and the conversion goes on.
   */
  save(progress: FileProgress): Promise<void>
}
