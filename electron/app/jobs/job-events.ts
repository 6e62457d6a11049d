/**
 * Engine events → job snapshots: each {@link ConversionEvent} of a job's run updates its
 * {@link JobDto} and goes to the renderer as `jobs:updated` (written pages also as
 * `outputs:added`); upload progress is throttled to ≤ 10 updates per second per job, stage changes
 * go out at once. A settled run fixes the job's final stage and error.
 */
import type { QueueItemStatus } from '../../engines/queue.ts'
import type { ConversionEvent, PageThumbnail } from '../../engines/types.ts'
import type { EventChannels, JobId, OutputPageDto } from '../../ipc/contract.ts'
import type { Logger } from '../../log/logger.ts'
import type { OutputRegistry } from '../../registry/output-registry.ts'
import { GRID_THUMB_WIDTH } from '../../shared/limits.ts'
import type { BatchProgress } from './batch-progress.ts'
import type { Job } from './job.ts'
import type { JournalLinks } from './journal-links.ts'

/**
 * Where the grid thumbnails of written pages go (the thumbnail service): the engine-made one is
 * primed; without one, the first {@link WARM_FIRST_PAGES} pages of a run are made at once from
 * the file (the rows in view when a conversion starts), the rest when the grid asks.
 */
export interface OutputThumbnailSink {
  /** Width (px, one of THUMB_WIDTHS) asked of engines: the grid's. */
  readonly widthPx: number
  /** Stores an engine-made thumbnail (ThumbnailService.primeOutput). */
  prime(outputId: string, widthPx: number, png: Uint8Array): void
  /** Starts making the output's grid thumbnail from its file now (ThumbnailService.warmOutput). */
  warm(outputId: string): void
}

/** Pages per run whose grid thumbnail is made at once when the engine handed none over. */
export const WARM_FIRST_PAGES = 48

/** Shortest gap between two upload-progress updates of one job, in ms (≤ 10/s). */
export const UPLOAD_UPDATE_INTERVAL_MS = 100

/** See the module comment. */
export interface JobEvents {
  /** Sends the job's snapshot now (and the taskbar progress). */
  publish(job: Job): void
  onEvent(id: string, event: ConversionEvent): void
  onSettled(id: string, status: QueueItemStatus): void
}

/** Creates the event handling over `jobs`. */
export function createJobEvents(deps: {
  readonly jobs: ReadonlyMap<JobId, Job>
  readonly outputs: OutputRegistry
  readonly emit: <C extends keyof EventChannels>(channel: C, payload: EventChannels[C]) => void
  readonly now: () => number
  readonly batch: BatchProgress
  readonly journal: JournalLinks
  readonly logger: Logger | undefined
  /** Takes the written pages' thumbnails (before `outputs:added` goes out). */
  readonly thumbnails?: OutputThumbnailSink | undefined
}): JobEvents {
  const publish = (job: Job): void => {
    if (job.uploadTimer !== undefined) {
      clearTimeout(job.uploadTimer)
      job.uploadTimer = undefined
    }
    deps.emit('jobs:updated', job.dto)
    deps.batch.update()
  }
  const publishUpload = (job: Job): void => {
    const t = deps.now()
    const wait = job.lastUploadEmitMs + UPLOAD_UPDATE_INTERVAL_MS - t
    if (wait <= 0 || job.dto.uploadPercent >= 100) {
      job.lastUploadEmitMs = t
      publish(job)
      return
    }
    job.uploadTimer ??= setTimeout(() => {
      job.uploadTimer = undefined
      job.lastUploadEmitMs = deps.now()
      if (job.dto.stage === 'uploading') publish(job)
    }, wait)
  }
  return {
    publish,
    onEvent(id, event) {
      const job = deps.jobs.get(id as JobId)
      if (job === undefined) return
      const next = applyEvent(job, event, deps)
      if (next === 'publish') publish(job)
      else if (next === 'upload') publishUpload(job)
    },
    onSettled(id, status) {
      const job = deps.jobs.get(id as JobId)
      if (job === undefined) return
      const stage = status.state === 'done' ? 'done' : status.state === 'failed' ? 'failed' : status.state === 'cancelled' ? 'cancelled' : null
      const credits = creditsOf(status)
      const hasCredits = Object.keys(credits).length > 0
      if (stage !== null && (job.dto.stage !== stage || (stage !== 'done' && job.dto.error === null))) {
        job.dto = {
          ...job.dto,
          stage,
          finishedAtMs: job.dto.finishedAtMs ?? status.endedAtMs ?? deps.now(),
          error: stage === 'done' ? null : (status.error ?? job.dto.error),
          ...credits,
        }
        publish(job)
      } else if (hasCredits) {
        job.dto = { ...job.dto, ...credits }
        publish(job)
      }
      if (stage === 'failed') deps.logger?.warn('job failed', { jobId: id, code: status.error?.code, message: status.error?.message })
      if (stage !== null) deps.journal.settle(job, stage, status.error)
      deps.batch.finishIfIdle()
    },
  }
}

/** Updates the job's snapshot from one event; says whether (and how) to send it. */
function applyEvent(
  job: Job,
  event: ConversionEvent,
  deps: {
    readonly outputs: OutputRegistry
    readonly emit: <C extends keyof EventChannels>(channel: C, payload: EventChannels[C]) => void
    readonly thumbnails?: OutputThumbnailSink | undefined
  },
): 'publish' | 'upload' | 'none' {
  const d = job.dto
  switch (event.type) {
    case 'stage': {
      if (event.stage === 'inspecting') void job.journal?.setFileState(d.id, 'running')
      if (event.stage === d.stage) return 'none'
      const ended = event.stage === 'done' || event.stage === 'failed' || event.stage === 'cancelled'
      job.dto = {
        ...d,
        stage: event.stage,
        stageStartedAtMs: event.atMs,
        ...(event.stage === 'uploading' ? { uploadPercent: 0 } : {}),
        ...(ended ? { finishedAtMs: event.atMs, ...(event.stage === 'done' ? { uploadPercent: 100 } : {}) } : {}),
      }
      return 'publish'
    }
    case 'inspected':
      job.dto = { ...d, pagesTotal: job.doneBefore + event.pagesTotal }
      return 'publish'
    case 'upload-progress': {
      const percent = event.bytesTotal > 0 ? Math.min(100, Math.floor((event.bytesSent / event.bytesTotal) * 100)) : 0
      if (percent === d.uploadPercent) return 'none'
      job.dto = { ...d, uploadPercent: percent }
      return 'upload'
    }
    case 'page-written': {
      const pagesDone = job.doneBefore + event.pagesDone
      // The pages this file added: 1, or all of a multi-page TIFF's pages at once.
      const pageCount = Math.max(1, pagesDone - d.pagesDone)
      const output = deps.outputs.add({ jobId: d.id, fileId: d.fileId, page: event.page, path: event.path, sizeBytes: event.sizeBytes, pageCount })
      job.writtenPages.add(event.page)
      job.dto = { ...d, pagesDone, pagesTotal: job.doneBefore + event.pagesTotal, imagesDone: d.imagesDone + 1 }
      if (event.thumbnail !== undefined) deps.thumbnails?.prime(output.id, event.thumbnail.widthPx, event.thumbnail.png)
      else if (job.writtenPages.size <= WARM_FIRST_PAGES) deps.thumbnails?.warm(output.id)
      deps.emit('outputs:added', withGridThumbnail(deps.outputs.toDto(output), event.thumbnail))
      return 'publish'
    }
    case 'warning':
      job.dto = { ...d, warnings: [...d.warnings, event.page === undefined ? event.message : `Page ${event.page}: ${event.message}`] }
      return 'publish'
    case 'failed':
      job.dto = { ...d, error: event.error }
      return 'publish'
    case 'job-submitted':
    case 'job-status':
      return 'none'
  }
}

/** Largest engine-made grid thumbnail sent inline with its event, in bytes (larger ones are requested). */
const MAX_INLINE_THUMBNAIL_BYTES = 64 * 1024

/**
 * `dto` with the engine's grid thumbnail inline (`thumbnailDataUrl`), so that the page appears in
 * the grid the moment its event arrives, without a request back to main; `dto` unchanged when
 * there is none of the grid's width or it is unusually large.
 */
function withGridThumbnail(dto: OutputPageDto, thumbnail: PageThumbnail | undefined): OutputPageDto {
  if (thumbnail === undefined || thumbnail.widthPx !== GRID_THUMB_WIDTH || thumbnail.png.byteLength > MAX_INLINE_THUMBNAIL_BYTES) return dto
  return { ...dto, thumbnailDataUrl: `data:image/png;base64,${Buffer.from(thumbnail.png.buffer, thumbnail.png.byteOffset, thumbnail.png.byteLength).toString('base64')}` }
}

/** The credit fields of a settled PDF.co conversion (none for the local engine). */
function creditsOf(status: QueueItemStatus): { creditsUsed?: number; remainingCredits?: number; balanceBeforeCredits?: number; pagesCharged?: number } {
  const o = status.outcome
  if (o === null || o.engine !== 'pdfco') return {}
  return {
    ...(o.creditsUsed === undefined ? {} : { creditsUsed: o.creditsUsed }),
    ...(o.remainingCredits === undefined ? {} : { remainingCredits: o.remainingCredits }),
    ...(o.balanceBeforeCredits === undefined ? {} : { balanceBeforeCredits: o.balanceBeforeCredits }),
    ...(o.pagesCharged === undefined ? {} : { pagesCharged: o.pagesCharged }),
  }
}
