/**
 * Conversion jobs of the desktop app on top of helper B's {@link ConversionQueue}: one job per
 * file per start, reported to the renderer as {@link JobDto} snapshots (`jobs:updated`), written
 * pages as `outputs:added`, and batch ends as `batch:finished` (+ a system notification when the
 * window is not focused) with the taskbar progress kept in step.
 *
 * Decisions:
 * - Everything in a `jobs:start` request is checked before anything is queued (file known, unlocked,
 *   page range valid against its page count, engine available), so the user fixes the input once.
 * - A retry keeps the job id and converts only the pages not written yet (TIFF: all, it is one file).
 *   While its batch's journal is open (other files still running) the retry reuses the upload and
 *   PDF.co jobs its earlier run recorded; once that batch has ended it starts afresh.
 * - Upload progress is throttled to ≤ 10 updates per second per job; stage changes go out at once.
 * - A batch is the set of jobs running together: it ends when none is queued or running, and a job
 *   retried later starts a new batch.
 * - PDF.co jobs are recorded in the job journal (`electron/journal/`) as they progress. When the app
 *   quits (dispose) or crashes mid-batch, the next start finds the batch (`getResumable`) and
 *   `resume` continues it: pages on disk are kept, PDF.co jobs with valid links are fetched again.
 *   A batch that ends normally, including one the user cancelled, leaves no journal.
 */
import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { ConversionQueue } from '../engines/queue.ts'
import type { ConversionEngine, ConversionEvent } from '../engines/types.ts'
import { FileError, InputError, PdfCoError } from '../errors.ts'
import type { LocalConversionRequest, LocalRenderOptions } from '../engines/local/options.ts'
import type {
  EngineKind,
  EventChannels,
  FileDescriptor,
  FileId,
  JobDto,
  JobId,
  RejectedFile,
  ResumableBatchDto,
  ResumeResult,
  StartJobsRequest,
} from '../ipc/contract.ts'
import { sourceStem } from '../files/output-names.ts'
import type { BatchJournal, JournalStore } from '../journal/journal.ts'
import { sweepStaleTemps } from '../journal/resume.ts'
import type { Logger } from '../log/logger.ts'
import type { Platform } from '../platform/platform.ts'
import type { FileRegistry } from '../registry/file-registry.ts'
import type { OutputRegistry } from '../registry/output-registry.ts'
import { describePageRangeIssues, parsePageRange } from '../shared/page-range.ts'

/** Shortest gap between two upload-progress updates of one job, in ms (≤ 10/s). */
export const UPLOAD_UPDATE_INTERVAL_MS = 100

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

interface Job {
  dto: JobDto
  readonly format: StartJobsRequest['format']
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

interface Batch {
  readonly jobIds: Set<JobId>
}

/**
 * Creates the job manager.
 */
export function createJobManager(deps: {
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
}): JobManager {
  const now = deps.now ?? Date.now
  const jobs = new Map<JobId, Job>()
  let batch: Batch | null = null
  let disposing = false
  /** Open journal batches and their jobs not settled yet. */
  const openJournals = new Map<BatchJournal, Set<JobId>>()
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

  /** A journal batch for PDF.co jobs about to start; undefined without a journal or on error. */
  const openJournal = async (created: readonly Job[], outputDir: string, needsPassword: (job: Job) => boolean): Promise<BatchJournal | undefined> => {
    const first = created[0]
    if (deps.journal === undefined || first === undefined || first.dto.engine !== 'pdfco') return undefined
    try {
      return await deps.journal.createBatch({
        origin: 'app',
        outputDir,
        format: first.format,
        overwrite: first.overwrite,
        engine: 'pdfco',
        files: created.map((j) => ({ key: j.dto.id, sourcePath: j.sourcePath, pages: [...j.pages], pageRange: null, needsPassword: needsPassword(j) })),
      })
    } catch (err) {
      deps.logger?.warn('job journal unavailable: this batch cannot be resumed after a crash', { error: err })
      return undefined
    }
  }
  const attachJournal = (journal: BatchJournal | undefined, members: readonly Job[]): void => {
    if (journal === undefined) return
    const ids = openJournals.get(journal) ?? new Set<JobId>()
    for (const job of members) {
      job.journal = journal
      ids.add(job.dto.id)
    }
    openJournals.set(journal, ids)
  }
  /** Journal writes still running (dispose waits for them). */
  const journalWrites = new Set<Promise<void>>()
  /** Records a settled job; a journal whose jobs all settled is closed (kept only when quitting). */
  const settleInJournal = (job: Job, state: 'done' | 'failed' | 'cancelled', error: JobDto['error']): void => {
    const journal = job.journal
    if (journal === undefined) return
    let write = journal.setFileState(job.dto.id, disposing && state === 'cancelled' ? 'running' : state, error)
    const open = openJournals.get(journal)
    if (open !== undefined) {
      open.delete(job.dto.id)
      if (open.size === 0) {
        openJournals.delete(journal)
        const quitting = disposing
        write = write.then(() => (quitting ? journal.end('interrupted') : journal.discard()))
        // The batch is over and its journal is being deleted: nothing may read it any more. A job
        // retried from now on starts afresh (new upload, new PDF.co jobs) whatever the deletion's
        // progress. Reading it here would make a retry right after the batch ended pick up the
        // previous run's PDF.co job (still running after a cancel) only while the files are being
        // removed, so the retry's result would depend on disk timing.
        if (!quitting) for (const j of jobs.values()) if (j.journal === journal) j.journal = undefined
      }
    }
    const tracked = write.catch((err: unknown) => deps.logger?.warn('job journal update failed', { error: err }))
    journalWrites.add(tracked)
    void tracked.finally(() => journalWrites.delete(tracked))
  }

  const isActive = (job: Job): boolean => job.dto.stage !== 'done' && job.dto.stage !== 'failed' && job.dto.stage !== 'cancelled'

  const publish = (job: Job): void => {
    if (job.uploadTimer !== undefined) {
      clearTimeout(job.uploadTimer)
      job.uploadTimer = undefined
    }
    deps.emit('jobs:updated', job.dto)
    updateProgress()
  }

  const publishUpload = (job: Job): void => {
    const t = now()
    const wait = job.lastUploadEmitMs + UPLOAD_UPDATE_INTERVAL_MS - t
    if (wait <= 0 || job.dto.uploadPercent >= 100) {
      job.lastUploadEmitMs = t
      publish(job)
    } else {
      job.uploadTimer ??= setTimeout(() => {
        job.uploadTimer = undefined
        job.lastUploadEmitMs = now()
        if (job.dto.stage === 'uploading') publish(job)
      }, wait)
    }
  }

  const jobFraction = (job: Job): number => {
    const d = job.dto
    switch (d.stage) {
      case 'queued':
        return 0
      case 'inspecting':
        return 0.02
      case 'uploading':
        return 0.05 + 0.15 * (d.uploadPercent / 100)
      case 'converting':
      case 'downloading':
        return 0.2 + 0.8 * (d.pagesTotal > 0 ? d.pagesDone / d.pagesTotal : 0)
      case 'done':
      case 'failed':
      case 'cancelled':
        return 1
    }
  }

  const updateProgress = (): void => {
    if (batch === null) return
    const members = [...batch.jobIds].map((id) => jobs.get(id)).filter((j): j is Job => j !== undefined)
    if (members.length === 0) return
    const fraction = members.reduce((sum, j) => sum + jobFraction(j), 0) / members.length
    deps.platform.setProgressBar(fraction)
  }

  const finishBatchIfIdle = (): void => {
    if (batch === null) return
    const members = [...batch.jobIds].map((id) => jobs.get(id)).filter((j): j is Job => j !== undefined)
    if (members.some(isActive)) return
    const summary = {
      done: members.filter((j) => j.dto.stage === 'done').length,
      failed: members.filter((j) => j.dto.stage === 'failed').length,
      cancelled: members.filter((j) => j.dto.stage === 'cancelled').length,
    }
    batch = null
    deps.platform.setProgressBar(-1)
    deps.emit('batch:finished', summary)
    deps.logger?.info('batch finished', summary)
    if (!deps.platform.isWindowFocused()) {
      const parts = [`${summary.done} converted`]
      if (summary.failed > 0) parts.push(`${summary.failed} failed`)
      if (summary.cancelled > 0) parts.push(`${summary.cancelled} cancelled`)
      deps.platform.showNotification({
        title: summary.failed > 0 ? 'PDF to Image: finished with errors' : 'PDF to Image: conversion finished',
        body: `${parts.join(', ')}.`,
      })
    }
  }

  const currentBatch = (): Batch => {
    batch ??= { jobIds: new Set() }
    return batch
  }

  const onEvent = (id: string, event: ConversionEvent): void => {
    const job = jobs.get(id as JobId)
    if (job === undefined) return
    const d = job.dto
    switch (event.type) {
      case 'stage': {
        if (event.stage === 'inspecting') void job.journal?.setFileState(d.id, 'running')
        if (event.stage === d.stage) return
        job.dto = {
          ...d,
          stage: event.stage,
          stageStartedAtMs: event.atMs,
          ...(event.stage === 'uploading' ? { uploadPercent: 0 } : {}),
          ...(event.stage === 'done' || event.stage === 'failed' || event.stage === 'cancelled'
            ? { finishedAtMs: event.atMs, ...(event.stage === 'done' ? { uploadPercent: 100 } : {}) }
            : {}),
        }
        publish(job)
        return
      }
      case 'inspected':
        job.dto = { ...d, pagesTotal: job.doneBefore + event.pagesTotal }
        publish(job)
        return
      case 'upload-progress': {
        const percent = event.bytesTotal > 0 ? Math.min(100, Math.floor((event.bytesSent / event.bytesTotal) * 100)) : 0
        if (percent === d.uploadPercent) return
        job.dto = { ...d, uploadPercent: percent }
        publishUpload(job)
        return
      }
      case 'page-written': {
        const output = deps.outputs.add({ jobId: d.id, fileId: d.fileId, page: event.page, path: event.path, sizeBytes: event.sizeBytes })
        job.writtenPages.add(event.page)
        job.dto = { ...d, pagesDone: job.doneBefore + event.pagesDone, pagesTotal: job.doneBefore + event.pagesTotal }
        deps.emit('outputs:added', deps.outputs.toDto(output))
        publish(job)
        return
      }
      case 'warning':
        job.dto = { ...d, warnings: [...d.warnings, event.page === undefined ? event.message : `Page ${event.page}: ${event.message}`] }
        publish(job)
        return
      case 'failed':
        job.dto = { ...d, error: event.error }
        publish(job)
        return
      case 'job-submitted':
      case 'job-status':
        return
    }
  }

  queue.on('event', onEvent)
  queue.on('settled', (id, status) => {
    const job = jobs.get(id as JobId)
    if (job === undefined) return
    const stage = status.state === 'done' ? 'done' : status.state === 'failed' ? 'failed' : status.state === 'cancelled' ? 'cancelled' : null
    if (stage !== null && (job.dto.stage !== stage || (stage !== 'done' && job.dto.error === null))) {
      job.dto = {
        ...job.dto,
        stage,
        finishedAtMs: job.dto.finishedAtMs ?? status.endedAtMs ?? now(),
        error: stage === 'done' ? null : (status.error ?? job.dto.error),
      }
      publish(job)
    }
    if (stage === 'failed') deps.logger?.warn('job failed', { jobId: id, code: status.error?.code, message: status.error?.message })
    if (stage !== null) settleInJournal(job, stage, status.error)
    finishBatchIfIdle()
  })

  const requestFor = (job: Job, pages: readonly number[]): LocalConversionRequest => ({
    sourcePath: job.sourcePath,
    outputDir: job.outputDir,
    format: job.format,
    pages,
    overwrite: job.overwrite,
    ...(job.password === undefined ? {} : { password: job.password }),
    ...(job.local === undefined ? {} : { local: job.local }),
  })

  return {
    async start(request, outputDir) {
      const kind = request.engine ?? deps.defaultEngine()
      deps.createEngine(kind) // throws when the engine cannot run (e.g. no API key)
      const planned = request.items.map((item) => {
        const file = deps.files.require(item.fileId)
        if (file.needsPassword && file.password === undefined) {
          throw new FileError('file/password-required', `${file.displayName} is password-protected: enter its password first`)
        }
        const parsed = parsePageRange(item.pageRange, file.pageCount)
        if (!parsed.ok) {
          throw new InputError('input/page-range', `${file.displayName}: ${describePageRangeIssues(parsed.issues)}`)
        }
        return { file, pages: parsed.pages }
      })
      await mkdir(outputDir, { recursive: true }).catch((err: unknown) => {
        throw new FileError('file/write-failed', `Cannot create the output folder ${path.basename(outputDir)}`, { cause: err })
      })
      const local = kind === 'local' ? deps.localOptions?.() : undefined
      const b = currentBatch()
      const created: Job[] = []
      for (const { file, pages } of planned) {
        const t = now()
        const job: Job = {
          dto: {
            id: randomUUID() as JobId,
            fileId: file.id as FileId,
            engine: kind,
            format: request.format,
            stage: 'queued',
            uploadPercent: 0,
            pagesDone: 0,
            pagesTotal: pages.length,
            startedAtMs: t,
            stageStartedAtMs: t,
            finishedAtMs: null,
            error: null,
            warnings: [],
          },
          format: request.format,
          overwrite: request.overwrite === 'overwrite',
          outputDir,
          password: file.password,
          sourcePath: file.path,
          local,
          pages,
          writtenPages: new Set(),
          doneBefore: 0,
          batch: b,
          journal: undefined,
          lastUploadEmitMs: 0,
          uploadTimer: undefined,
        }
        jobs.set(job.dto.id, job)
        b.jobIds.add(job.dto.id)
        created.push(job)
      }
      attachJournal(
        await openJournal(created, outputDir, (j) => deps.files.get(j.dto.fileId)?.needsPassword === true),
        created,
      )
      deps.logger?.info('jobs started', { count: created.length, engine: kind, format: request.format })
      for (const job of created) deps.emit('jobs:updated', job.dto)
      for (const job of created) queue.enqueue(job.dto.id, requestFor(job, job.pages))
      updateProgress()
      return created.map((j) => j.dto)
    },
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
    retry(jobId) {
      const job = jobs.get(jobId as JobId)
      if (job === undefined) throw new InputError('input/invalid', 'Unknown job')
      if (job.dto.stage !== 'failed' && job.dto.stage !== 'cancelled') {
        throw new InputError('input/invalid', `Only failed or cancelled conversions can be retried (this one is ${job.dto.stage})`)
      }
      deps.createEngine(job.dto.engine)
      const remaining = job.format === 'tiff' ? job.pages : job.pages.filter((p) => !job.writtenPages.has(p))
      const pages = remaining.length > 0 ? remaining : job.pages
      job.doneBefore = job.pages.length - pages.length
      const t = now()
      const b = currentBatch()
      job.batch = b
      b.jobIds.add(job.dto.id)
      // Its journal batch is still open (other files running): the retry is recorded there again
      // and reuses what its earlier run recorded; the journal stays until this run settles too.
      if (job.journal !== undefined) openJournals.get(job.journal)?.add(job.dto.id)
      job.dto = {
        ...job.dto,
        stage: 'queued',
        uploadPercent: 0,
        pagesDone: job.doneBefore,
        pagesTotal: job.pages.length,
        stageStartedAtMs: t,
        finishedAtMs: null,
        error: null,
        warnings: [],
      }
      queue.retry(job.dto.id, requestFor(job, pages))
      publish(job)
      return job.dto
    },
    setConcurrency(n) {
      queue.concurrency = n
    },
    async getResumable() {
      if (deps.journal === undefined) return null
      const found = (await deps.journal.listResumable({ origin: 'app' }))[0]
      if (found === undefined) return null
      const { record } = found
      const unfinished = record.files.filter((f) => found.files.get(f.key)?.state !== 'done')
      return {
        batchId: record.batchId,
        startedAtMs: record.createdAtMs,
        fileCount: record.files.length,
        unfinished: found.unfinished,
        pagesDone: found.pagesDone,
        pagesTotal: found.pagesTotal,
        fileNames: unfinished.slice(0, 5).map((f) => path.basename(f.sourcePath)),
        outputFolderName: path.basename(record.outputDir) || record.outputDir,
      }
    },
    async resume(batchId) {
      if (deps.journal === undefined) throw new InputError('input/invalid', 'Nothing to resume')
      deps.createEngine('pdfco') // throws when no key is set
      const found = (await deps.journal.listResumable({ origin: 'app' })).find((b) => b.record.batchId === batchId)
      if (found === undefined) throw new InputError('input/invalid', 'This interrupted conversion is no longer available')
      const journal = await deps.journal.resumeBatch(batchId)
      const record = journal.record()
      await mkdir(record.outputDir, { recursive: true }).catch((err: unknown) => {
        throw new FileError('file/write-failed', `Cannot create the output folder ${path.basename(record.outputDir)}`, { cause: err })
      })
      const added: FileDescriptor[] = []
      const skipped: RejectedFile[] = []
      const b = currentBatch()
      const created: Job[] = []
      for (const entry of record.files) {
        if (journal.fileRecord(entry.key)?.state === 'done' || jobs.has(entry.key as JobId)) continue
        const registered = await deps.files.registerPaths([entry.sourcePath])
        const descriptor = registered.added[0]
        if (descriptor === undefined) {
          skipped.push(...registered.rejected)
          continue
        }
        added.push(descriptor)
        const file = deps.files.require(descriptor.id)
        if (file.needsPassword && file.password === undefined) {
          skipped.push({
            displayName: file.displayName,
            reason: { code: 'file/password-required', message: `${file.displayName} needs its password again: unlock it, then convert it`, retryable: false },
          })
          continue
        }
        const pages = (entry.pages ?? Array.from({ length: file.pageCount }, (_, i) => i + 1)).filter((p) => p <= file.pageCount)
        const t = now()
        const job: Job = {
          dto: {
            id: entry.key as JobId,
            fileId: file.id as FileId,
            engine: 'pdfco',
            format: record.format,
            stage: 'queued',
            uploadPercent: 0,
            pagesDone: 0,
            pagesTotal: pages.length,
            startedAtMs: t,
            stageStartedAtMs: t,
            finishedAtMs: null,
            error: null,
            warnings: [],
          },
          format: record.format,
          overwrite: record.overwrite,
          outputDir: record.outputDir,
          password: file.password,
          sourcePath: file.path,
          local: undefined,
          pages,
          writtenPages: new Set(),
          doneBefore: 0,
          batch: b,
          journal: undefined,
          lastUploadEmitMs: 0,
          uploadTimer: undefined,
        }
        jobs.set(job.dto.id, job)
        b.jobIds.add(job.dto.id)
        created.push(job)
      }
      if (created.length === 0) {
        await journal.discard()
        if (b.jobIds.size === 0) batch = null
        return { added, jobs: [], skipped }
      }
      attachJournal(journal, created)
      // Temp files the crashed run left for these files' pages (it is gone, so none is in use).
      const swept = await sweepStaleTemps(record.outputDir, created.map((j) => sourceStem(j.sourcePath)))
      deps.logger?.info('batch resumed', { jobs: created.length, skipped: skipped.length, tempFilesRemoved: swept.length })
      for (const job of created) deps.emit('jobs:updated', job.dto)
      for (const job of created) queue.enqueue(job.dto.id, requestFor(job, job.pages))
      updateProgress()
      return { added, jobs: created.map((j) => j.dto), skipped }
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
      // Journals whose jobs did not all settle (e.g. the 5 s limit) stay resumable too.
      await Promise.all([...journalWrites])
      await Promise.all([...openJournals.keys()].map((j) => j.end('interrupted')))
      openJournals.clear()
    },
  }
}

/** The error `jobs:start` answers when PDF.co is chosen (or the default) and no key is set. */
export function missingKeyError(): PdfCoError {
  return new PdfCoError(
    'pdfco/unauthorized',
    'No PDF.co API key is set. Enter your key in Settings (get one at https://app.pdf.co), choose the local engine (offline, no key needed), or try the PDF.co emulator: run `npm run emulator`, set the base URL it prints and its test key.',
  )
}
