/**
 * Resuming an app batch the job journal kept from a crash or a quit: which batch is offered
 * ({@link findResumable}), and turning its unfinished files back into queued jobs
 * ({@link resumeBatch}). The pages themselves are resumed by the PDF.co engine through its
 * checkpoint (`engines/pdfco/resume-plan.ts`): pages on disk kept, recorded jobs picked up.
 */
import { DEFAULT_TIFF_LAYOUT } from '../../shared/formats.ts'
import path from 'node:path'
import { InputError } from '../../errors.ts'
import { sourceStem } from '../../files/output-names.ts'
import type { FileDescriptor, JobId, RejectedFile, ResumableBatchDto, ResumeResult } from '../../ipc/contract.ts'
import type { BatchJournal, JournalStore } from '../../journal/journal.ts'
import { sweepStaleTemps } from '../../journal/resume.ts'
import type { Logger } from '../../log/logger.ts'
import type { FileRegistry } from '../../registry/file-registry.ts'
import type { BatchProgress } from './batch-progress.ts'
import { buildJob, joinBatch, type Job } from './job.ts'
import { createOutputFolderForWindow } from '../../files/output-folder.ts'

/** The newest batch the journal holds from a crash or quit mid-batch, or null. */
export async function findResumable(journal: JournalStore | undefined): Promise<ResumableBatchDto | null> {
  if (journal === undefined) return null
  const found = (await journal.listResumable({ origin: 'app' }))[0]
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
}

/** What {@link resumeBatch} needs from the job manager. */
export interface ResumeDeps {
  readonly journal: JournalStore
  readonly files: FileRegistry
  readonly jobs: Map<JobId, Job>
  readonly batch: BatchProgress
  readonly logger: Logger | undefined
  readonly now: () => number
  /** Links the jobs to their journal batch and queues them. */
  readonly start: (journal: BatchJournal, created: readonly Job[]) => void
}

/**
 * Continues a batch found by {@link findResumable}: its unfinished files are registered again and
 * queued with their recorded progress.
 *
 * @throws InputError 'input/invalid' for an unknown batch; FileError 'file/write-failed' when the
 *   output folder cannot be created.
 */
export async function resumeBatch(deps: ResumeDeps, batchId: string): Promise<ResumeResult> {
  const found = (await deps.journal.listResumable({ origin: 'app' })).find((b) => b.record.batchId === batchId)
  if (found === undefined) throw new InputError('input/invalid', 'This interrupted conversion is no longer available')
  const journal = await deps.journal.resumeBatch(batchId)
  const record = journal.record()
  await createOutputFolderForWindow(record.outputDir)
  const added: FileDescriptor[] = []
  const skipped: RejectedFile[] = []
  const created: Job[] = []
  for (const entry of record.files) {
    if (journal.fileRecord(entry.key)?.state === 'done' || deps.jobs.has(entry.key as JobId)) continue
    const job = await jobOfEntry(deps, journal, entry, added, skipped)
    if (job === undefined) continue
    deps.jobs.set(job.dto.id, job)
    joinBatch(job)
    created.push(job)
  }
  if (created.length === 0) {
    await journal.discard()
    deps.batch.dropIfEmpty()
    return { added, jobs: [], skipped }
  }
  // Temp files the crashed run left for these files' pages (it is gone, so none is in use).
  const swept = await sweepStaleTemps(record.outputDir, created.map((j) => sourceStem(j.sourcePath)))
  deps.logger?.info('batch resumed', { jobs: created.length, skipped: skipped.length, tempFilesRemoved: swept.length })
  deps.start(journal, created)
  return { added, jobs: created.map((j) => j.dto), skipped }
}

type JournalEntry = ReturnType<BatchJournal['record']>['files'][number]

/** The job of one unfinished journal entry, or undefined (with the reason in `skipped`). */
async function jobOfEntry(
  deps: ResumeDeps,
  journal: BatchJournal,
  entry: JournalEntry,
  added: FileDescriptor[],
  skipped: RejectedFile[],
): Promise<Job | undefined> {
  const registered = await deps.files.registerPaths([entry.sourcePath])
  const descriptor = registered.added[0]
  if (descriptor === undefined) {
    skipped.push(...registered.rejected)
    return undefined
  }
  added.push(descriptor)
  const file = deps.files.require(descriptor.id)
  if (file.needsPassword && file.password === undefined) {
    skipped.push({
      displayName: file.displayName,
      reason: { code: 'file/password-required', message: `${file.displayName} needs its password again: unlock it, then convert it`, retryable: false },
    })
    return undefined
  }
  const record = journal.record()
  return buildJob({
    id: entry.key as JobId,
    fileId: file.id,
    engine: 'pdfco',
    format: record.format,
    overwrite: record.overwrite,
    tiffLayout: record.tiffLayout ?? DEFAULT_TIFF_LAYOUT,
    outputDir: record.outputDir,
    password: file.password,
    sourcePath: file.path,
    local: undefined,
    pages: (entry.pages ?? Array.from({ length: file.pageCount }, (_, i) => i + 1)).filter((p) => p <= file.pageCount),
    batch: deps.batch.current(),
    nowMs: deps.now(),
  })
}
