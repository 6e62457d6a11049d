/**
 * Conversion jobs of the desktop app on top of the {@link ConversionQueue}: one job per
 * file per start, reported to the renderer as {@link JobDto} snapshots (`jobs:updated`), written
 * pages as `outputs:added`, and batch ends as `batch:finished` (+ a system notification when the
 * window is not focused) with the taskbar progress kept in step.
 *
 * Decisions:
 * - Everything in a `jobs:start` request is checked before anything is queued (file known, unlocked,
 *   page range valid against its page count, engine available), so the user fixes the input once.
 * - A retry keeps the job id and converts only the pages not written yet (a multi-page TIFF: all, it is one file).
 *   While its batch's journal is open (other files still running) the retry reuses the upload and
 *   PDF.co jobs its earlier run recorded; once that batch has ended it starts afresh.
 * - Upload progress is throttled to ≤ 10 updates per second per job; stage changes go out at once.
 * - A batch is the set of jobs running together: it ends when none is queued or running, and a job
 *   retried later starts a new batch.
 * - PDF.co jobs are recorded in the job journal (`electron/journal/`) as they progress. When the app
 *   quits (dispose) or crashes mid-batch, the next start finds the batch (`getResumable`) and
 *   `resume` continues it: pages on disk are kept, PDF.co jobs with valid links are fetched again.
 *   A batch that ends normally, including one the user cancelled, leaves no journal.
 *
 * Parts: `jobs/job.ts` (the one Job builder), `jobs/job-events.ts` (engine events → snapshots),
 * `jobs/batch-progress.ts` (taskbar, batch end), `jobs/journal-links.ts` (journal batches),
 * `jobs/resume.ts` (resuming a kept batch). This module composes them and checks requests.
 */
import { ConversionQueue } from '../engines/queue.ts'
import type { ConversionEngine } from '../engines/types.ts'
import { FileError, InputError, PdfCoError } from '../errors.ts'
import type { LocalRenderOptions } from '../engines/local/options.ts'
import type { EngineKind, EventChannels, JobDto, JobId, ResumableBatchDto, ResumeResult, StartJobsRequest } from '../ipc/contract.ts'
import type { BatchJournal, JournalStore } from '../journal/journal.ts'
import type { Logger } from '../log/logger.ts'
import type { Platform } from '../platform/platform.ts'
import type { FileRegistry } from '../registry/file-registry.ts'
import type { OutputRegistry } from '../registry/output-registry.ts'
import { describePageRangeIssues, parsePageRange } from '../shared/page-range.ts'
import { createBatchProgress, type BatchProgress } from './jobs/batch-progress.ts'
import { createJobEvents, type JobEvents, type OutputThumbnailSink } from './jobs/job-events.ts'
import { buildJob, isActive, isMultiPageTiff, joinBatch, requestFor, type Job } from './jobs/job.ts'
import { createJournalLinks, type JournalLinks } from './jobs/journal-links.ts'
import { findResumable, resumeBatch } from './jobs/resume.ts'
import { createOutputFolderForWindow } from '../files/output-folder.ts'

export { UPLOAD_UPDATE_INTERVAL_MS } from './jobs/job-events.ts'

/** Makes the engine of one run; throws an AppError when that engine cannot run now. */
export type EngineFactory = (kind: EngineKind) => ConversionEngine

/** The job manager used by the services. */
export interface JobManager {
  /** @throws AppError (see the module comment) without queueing anything. */
  start(request: StartJobsRequest, outputDir: string): Promise<readonly JobDto[]>
  /** @throws InputError for an unknown id. No-op for a finished job. */
  cancel(jobId: string): void
  cancelAll(): void
  /** Cancels the queued or running jobs of one file (before it is removed). */
  cancelForFile(fileId: string): void
  /** @throws InputError for an unknown id or a job that is not failed/cancelled. */
  retry(jobId: string): JobDto
  setConcurrency(n: number): void
  /** The newest batch the journal holds from a crash or quit mid-batch, or null. */
  getResumable(): Promise<ResumableBatchDto | null>
  /**
   * Continues a batch found by {@link getResumable}: its unfinished files are added again and
   * converted with their recorded progress. @throws InputError for an unknown batch; the key error.
   */
  resume(batchId: string): Promise<ResumeResult>
  /** Forgets a resumable batch (its pages on disk stay). */
  discardResumable(batchId: string): Promise<void>
  /** Cancels everything and waits for running conversions to stop; their journal stays for a resume. */
  dispose(): Promise<void>
}

/** What {@link createJobManager} needs. */
export interface JobManagerDeps {
  readonly files: FileRegistry
  readonly outputs: OutputRegistry
  readonly platform: Platform
  readonly createEngine: EngineFactory
  /** Chooses the engine for a request without an explicit one. */
  readonly defaultEngine: () => EngineKind
  /** Local engine render options for jobs started now (e.g. from the settings); read once per job. */
  readonly localOptions?: () => LocalRenderOptions
  readonly concurrency: number
  readonly emit: <C extends keyof EventChannels>(channel: C, payload: EventChannels[C]) => void
  readonly logger?: Logger
  readonly now?: () => number
  /** Durable record of PDF.co batches for resume after a crash or quit (optional). */
  readonly journal?: JournalStore
  /** Takes the grid thumbnails of written pages; when given, engines are asked for them (its `widthPx`). */
  readonly thumbnails?: OutputThumbnailSink
}

/**
 * Creates the job manager.
 */
export function createJobManager(deps: JobManagerDeps): JobManager {
  const now = deps.now ?? Date.now
  const jobs = new Map<JobId, Job>()
  let disposing = false
  const queue = new ConversionQueue({
    concurrency: deps.concurrency,
    now,
    engineFor: (id) => {
      const job = jobs.get(id as JobId)
      if (job === undefined) throw new InputError('input/invalid', 'Unknown job')
      return deps.createEngine(job.dto.engine)
    },
    checkpointFor: (id) => jobs.get(id as JobId)?.journal?.checkpoint(id),
  })
  const journals = createJournalLinks({ journal: deps.journal, logger: deps.logger, isQuitting: () => disposing, allJobs: () => jobs.values() })
  const batch = createBatchProgress({ jobs, platform: deps.platform, emit: deps.emit, logger: deps.logger, now })
  const events = createJobEvents({ jobs, outputs: deps.outputs, emit: deps.emit, now, batch, journal: journals, logger: deps.logger, thumbnails: deps.thumbnails })
  queue.on('event', events.onEvent)
  queue.on('settled', events.onSettled)

  /** Announces and queues jobs just created (start and resume). */
  const enqueueAll = (created: readonly Job[]): void => {
    for (const job of created) deps.emit('jobs:updated', job.dto)
    for (const job of created) queue.enqueue(job.dto.id, requestFor(job, job.pages, thumbWidth(deps)))
    batch.update()
  }
  const state: ManagerState = { deps, now, jobs, queue, journals, batch, events, enqueueAll }

  return {
    start: (request, outputDir) => startJobs(state, request, outputDir),
    cancel(jobId) {
      if (!jobs.has(jobId as JobId)) throw new InputError('input/invalid', 'Unknown job')
      queue.cancel(jobId)
    },
    cancelAll() {
      queue.cancelAll()
    },
    cancelForFile(fileId) {
      for (const job of jobs.values()) if (job.dto.fileId === fileId && isActive(job)) queue.cancel(job.dto.id)
    },
    retry: (jobId) => retryJob(state, jobId),
    setConcurrency(n) {
      queue.concurrency = n
    },
    getResumable: () => findResumable(deps.journal),
    async resume(batchId) {
      if (deps.journal === undefined) throw new InputError('input/invalid', 'Nothing to resume')
      deps.createEngine('pdfco') // throws when no key is set
      const start = (journal: BatchJournal, created: readonly Job[]): void => {
        journals.attach(journal, created)
        enqueueAll(created)
      }
      return resumeBatch({ journal: deps.journal, files: deps.files, jobs, batch, logger: deps.logger, now, start }, batchId)
    },
    async discardResumable(batchId) {
      if (deps.journal === undefined) return
      const found = (await deps.journal.listResumable({ origin: 'app' })).find((b) => b.record.batchId === batchId)
      if (found !== undefined) await deps.journal.discard(batchId)
    },
    async dispose() {
      disposing = true
      queue.cancelAll()
      await Promise.race([queue.whenIdle(), new Promise((r) => setTimeout(r, 5_000))])
      for (const job of jobs.values()) if (job.uploadTimer !== undefined) clearTimeout(job.uploadTimer)
      await journals.closeAll()
    },
  }
}

/** The job manager's parts, shared by its operations. */
interface ManagerState {
  readonly deps: JobManagerDeps
  readonly now: () => number
  readonly jobs: Map<JobId, Job>
  readonly queue: ConversionQueue
  readonly journals: JournalLinks
  readonly batch: BatchProgress
  readonly events: JobEvents
  readonly enqueueAll: (created: readonly Job[]) => void
}

/** `start`: checks the whole request, then creates, records and queues one job per file. */
async function startJobs(st: ManagerState, request: StartJobsRequest, outputDir: string): Promise<readonly JobDto[]> {
  const { deps, now, jobs, journals, batch } = st
  const kind = request.engine ?? deps.defaultEngine()
  deps.createEngine(kind) // throws when the engine cannot run (e.g. no API key)
  const planned = planStart(deps.files, request)
  await createOutputFolderForWindow(outputDir)
  const local = kind === 'local' ? deps.localOptions?.() : undefined
  const b = batch.current()
  const created = planned.map(({ file, pages }) => {
    const job = buildJob({
      fileId: file.id,
      engine: kind,
      format: request.format,
      tiffLayout: request.tiffLayout ?? 'page-files',
      overwrite: request.overwrite === 'overwrite',
      outputDir,
      password: file.password,
      sourcePath: file.path,
      local,
      pages,
      batch: b,
      nowMs: now(),
    })
    jobs.set(job.dto.id, job)
    joinBatch(job)
    return job
  })
  journals.attach(await journals.open(created, outputDir, (j) => deps.files.get(j.dto.fileId)?.needsPassword === true), created)
  deps.logger?.info('jobs started', { count: created.length, engine: kind, format: request.format })
  st.enqueueAll(created)
  return created.map((j) => j.dto)
}

/** `retry`: runs a failed or cancelled job again over the pages it has not written. */
function retryJob(st: ManagerState, jobId: string): JobDto {
  const { deps, now, jobs, journals, batch, queue, events } = st
  const job = jobs.get(jobId as JobId)
  if (job === undefined) throw new InputError('input/invalid', 'Unknown job')
  if (job.dto.stage !== 'failed' && job.dto.stage !== 'cancelled') {
    throw new InputError('input/invalid', `Only failed or cancelled conversions can be retried (this one is ${job.dto.stage})`)
  }
  deps.createEngine(job.dto.engine)
  const pages = pagesToRetry(job)
  job.doneBefore = job.pages.length - pages.length
  const b = batch.current()
  job.batch = b
  joinBatch(job)
  // Its journal batch is still open (other files running): the retry is recorded there again
  // and reuses what its earlier run recorded; the journal stays until this run settles too.
  journals.reopen(job)
  const t = now()
  job.dto = {
    ...job.dto,
    stage: 'queued',
    uploadPercent: 0,
    pagesDone: job.doneBefore,
    pagesTotal: job.pages.length,
    // One image per kept page (a multi-page TIFF is converted again whole: nothing kept).
    imagesDone: job.doneBefore,
    stageStartedAtMs: t,
    attemptStartedAtMs: t,
    pagesAtAttemptStart: job.doneBefore,
    finishedAtMs: null,
    error: null,
    warnings: [],
  }
  queue.retry(job.dto.id, requestFor(job, pages, thumbWidth(deps)))
  events.publish(job)
  return job.dto
}

/** Checks every item of a start request (file known, unlocked, page range valid) before anything is queued. */
function planStart(files: FileRegistry, request: StartJobsRequest): { file: ReturnType<FileRegistry['require']>; pages: readonly number[] }[] {
  return request.items.map((item) => {
    const file = files.require(item.fileId)
    if (file.needsPassword && file.password === undefined) {
      throw new FileError('file/password-required', `${file.displayName} is password-protected: enter its password first`)
    }
    const parsed = parsePageRange(item.pageRange, file.pageCount)
    if (!parsed.ok) throw new InputError('input/page-range', `${file.displayName}: ${describePageRangeIssues(parsed.issues)}`)
    return { file, pages: parsed.pages }
  })
}

/** The pages a retry converts: those not written yet (a multi-page TIFF: all, it is one file); all when none is left. */
function pagesToRetry(job: Job): readonly number[] {
  const remaining = isMultiPageTiff(job) ? job.pages : job.pages.filter((p) => !job.writtenPages.has(p))
  return remaining.length > 0 ? remaining : job.pages
}

/** The error `jobs:start` answers when PDF.co is chosen and no key is set (product wording). */
export function missingKeyError(): PdfCoError {
  return new PdfCoError(
    'pdfco/unauthorized',
    'No PDF.co API key is set. Add your key in Settings → API key (get one at app.pdf.co), or choose "This computer" to convert offline without a key.',
  )
}

/** The thumbnail width asked of engines: only when someone takes the thumbnails. */
function thumbWidth(deps: JobManagerDeps): number | undefined {
  return deps.thumbnails?.widthPx
}
