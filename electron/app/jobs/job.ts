/**
 * One conversion job of the desktop app: its renderer-facing snapshot ({@link JobDto}) and what
 * the main process keeps next to it. Built in one place ({@link buildJob}) for a start and a
 * resume alike.
 */
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import type { LocalConversionRequest, LocalRenderOptions } from '../../engines/local/options.ts'
import type { EngineKind, FileId, JobDto, JobId, StartJobsRequest } from '../../ipc/contract.ts'
import type { TiffLayout } from '../../shared/formats.ts'
import type { BatchJournal } from '../../journal/journal.ts'

/** The jobs running together (see `batch-progress.ts`). */
export interface Batch {
  readonly jobIds: Set<JobId>
}

/** A job and its main-process state. */
export interface Job {
  dto: JobDto
  readonly format: StartJobsRequest['format']
  /** TIFF only: one file per page or one multi-page file. */
  readonly tiffLayout: TiffLayout
  readonly overwrite: boolean
  readonly outputDir: string
  readonly password: string | undefined
  readonly sourcePath: string
  /** Local engine render options, fixed when the job starts (undefined for PDF.co). */
  readonly local: LocalRenderOptions | undefined
  /** 1-based pages selected. */
  readonly pages: readonly number[]
  /** Pages written so far over every run. */
  readonly writtenPages: Set<number>
  /** pagesDone at the start of the current run (retries resume). */
  doneBefore: number
  batch: Batch
  /** The journal batch recording this job (PDF.co jobs when a journal is configured). */
  journal: BatchJournal | undefined
  lastUploadEmitMs: number
  uploadTimer: ReturnType<typeof setTimeout> | undefined
}

/** What {@link buildJob} needs. */
export interface JobSpec {
  /** The id: fresh for a start, the journal's file key for a resume. */
  readonly id?: JobId
  readonly fileId: string
  readonly engine: EngineKind
  readonly format: StartJobsRequest['format']
  /** Default: one file per page. */
  readonly tiffLayout?: TiffLayout
  readonly overwrite: boolean
  readonly outputDir: string
  readonly password: string | undefined
  readonly sourcePath: string
  readonly local: LocalRenderOptions | undefined
  readonly pages: readonly number[]
  readonly batch: Batch
  /** ms since the epoch. */
  readonly nowMs: number
}

/** A queued job with nothing done yet. */
export function buildJob(spec: JobSpec): Job {
  return {
    dto: {
      id: spec.id ?? (randomUUID() as JobId),
      fileId: spec.fileId as FileId,
      engine: spec.engine,
      format: spec.format,
      stage: 'queued',
      uploadPercent: 0,
      pagesDone: 0,
      pagesTotal: spec.pages.length,
      imagesDone: 0,
      startedAtMs: spec.nowMs,
      stageStartedAtMs: spec.nowMs,
      attemptStartedAtMs: spec.nowMs,
      pagesAtAttemptStart: 0,
      outputFolderName: path.basename(spec.outputDir) || spec.outputDir,
      finishedAtMs: null,
      error: null,
      warnings: [],
    },
    format: spec.format,
    tiffLayout: spec.tiffLayout ?? 'page-files',
    overwrite: spec.overwrite,
    outputDir: spec.outputDir,
    password: spec.password,
    sourcePath: spec.sourcePath,
    local: spec.local,
    pages: spec.pages,
    writtenPages: new Set(),
    doneBefore: 0,
    batch: spec.batch,
    journal: undefined,
    lastUploadEmitMs: 0,
    uploadTimer: undefined,
  }
}

/** True while the job is queued or running. */
export function isActive(job: Job): boolean {
  return job.dto.stage !== 'done' && job.dto.stage !== 'failed' && job.dto.stage !== 'cancelled'
}

/** True when the job writes one multi-page TIFF (retried whole: it is one file). */
export function isMultiPageTiff(job: Pick<Job, 'format' | 'tiffLayout'>): boolean {
  return job.format === 'tiff' && job.tiffLayout === 'multi-page'
}

/**
 * The engine request of a job's run over `pages`. TIFF carries the layout to both engines: PDF.co
 * through `multiPageTiff`, the local engine through its `local.multiPageTiff` option.
 * `thumbnailWidthPx` (px) asks the engine for a thumbnail with each written page.
 */
export function requestFor(job: Job, pages: readonly number[], thumbnailWidthPx?: number): LocalConversionRequest {
  const tiff = job.format === 'tiff' ? { multiPageTiff: isMultiPageTiff(job) } : {}
  const local = job.local === undefined && job.dto.engine !== 'local' ? undefined : { ...job.local, ...tiff }
  return {
    ...tiff,
    ...(thumbnailWidthPx === undefined ? {} : { thumbnailWidthPx }),
    sourcePath: job.sourcePath,
    outputDir: job.outputDir,
    format: job.format,
    pages,
    overwrite: job.overwrite,
    ...(job.password === undefined ? {} : { password: job.password }),
    ...(local === undefined ? {} : { local }),
  }
}
