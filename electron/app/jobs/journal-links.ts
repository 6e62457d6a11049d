/**
 * The link between the app's jobs and the job journal (`electron/journal/`): which journal batch
 * records which jobs, and what happens to a journal batch when its jobs settle.
 *
 * - PDF.co jobs started together share one journal batch; a journal that cannot be opened is
 *   logged and the batch runs without one (it just cannot be resumed after a crash).
 * - When every job of a journal batch has settled, the batch is deleted, or kept as interrupted
 *   when the app is quitting. From then on no job reads it: a job retried later starts afresh.
 */
import type { JobId } from '../../ipc/contract.ts'
import type { BatchJournal, JournalStore } from '../../journal/journal.ts'
import type { Logger } from '../../log/logger.ts'
import type { JobDto } from '../../ipc/contract.ts'
import type { Job } from './job.ts'

/** See the module comment. */
export interface JournalLinks {
  /** A journal batch for PDF.co jobs about to start; undefined without a journal or on error. */
  open(created: readonly Job[], outputDir: string, needsPassword: (job: Job) => boolean): Promise<BatchJournal | undefined>
  /** Records `members` in `journal` (an open batch, or one resumed). */
  attach(journal: BatchJournal | undefined, members: readonly Job[]): void
  /** A retried job whose journal batch is still open is counted in it again. */
  reopen(job: Job): void
  /** Records a settled job; a journal whose jobs all settled is closed. */
  settle(job: Job, state: 'done' | 'failed' | 'cancelled', error: JobDto['error']): void
  /** Waits for pending writes and keeps every journal still open as interrupted (quit). */
  closeAll(): Promise<void>
}

/** Creates the links; `isQuitting` tells whether the app is quitting, `allJobs` lists every job. */
export function createJournalLinks(deps: {
  readonly journal: JournalStore | undefined
  readonly logger: Logger | undefined
  readonly isQuitting: () => boolean
  readonly allJobs: () => Iterable<Job>
}): JournalLinks {
  /** Open journal batches and their jobs not settled yet. */
  const openJournals = new Map<BatchJournal, Set<JobId>>()
  /** Journal writes still running (closeAll waits for them). */
  const writes = new Set<Promise<void>>()
  const track = (write: Promise<void>): void => {
    const tracked = write.catch((err: unknown) => deps.logger?.warn('job journal update failed', { error: err }))
    writes.add(tracked)
    void tracked.finally(() => writes.delete(tracked))
  }
  return {
    async open(created, outputDir, needsPassword) {
      const first = created[0]
      if (deps.journal === undefined || first === undefined || first.dto.engine !== 'pdfco') return undefined
      try {
        return await deps.journal.createBatch({
          origin: 'app',
          outputDir,
          format: first.format,
          overwrite: first.overwrite,
          tiffLayout: first.tiffLayout,
          engine: 'pdfco',
          files: created.map((j) => ({ key: j.dto.id, sourcePath: j.sourcePath, pages: [...j.pages], pageRange: null, needsPassword: needsPassword(j) })),
        })
      } catch (err) {
        deps.logger?.warn('job journal unavailable: this batch cannot be resumed after a crash', { error: err })
        return undefined
      }
    },
    attach(journal, members) {
      if (journal === undefined) return
      const ids = openJournals.get(journal) ?? new Set<JobId>()
      for (const job of members) {
        job.journal = journal
        ids.add(job.dto.id)
      }
      openJournals.set(journal, ids)
    },
    reopen(job) {
      if (job.journal !== undefined) openJournals.get(job.journal)?.add(job.dto.id)
    },
    settle(job, state, error) {
      const journal = job.journal
      if (journal === undefined) return
      const quitting = deps.isQuitting()
      let write = journal.setFileState(job.dto.id, quitting && state === 'cancelled' ? 'running' : state, error)
      const open = openJournals.get(journal)
      if (open !== undefined) {
        open.delete(job.dto.id)
        if (open.size === 0) {
          openJournals.delete(journal)
          write = write.then(() => (quitting ? journal.end('interrupted') : journal.discard()))
          // The batch is over and its journal is being deleted: nothing may read it any more. A job
          // retried from now on starts afresh (new upload, new PDF.co jobs) whatever the deletion's
          // progress. Reading it here would make a retry right after the batch ended pick up the
          // previous run's PDF.co job (still running after a cancel) only while the files are being
          // removed, so the retry's result would depend on disk timing.
          if (!quitting) for (const j of deps.allJobs()) if (j.journal === journal) j.journal = undefined
        }
      }
      track(write)
    },
    async closeAll() {
      // Journals whose jobs did not all settle (e.g. the 5 s limit) stay resumable too.
      await Promise.all([...writes])
      await Promise.all([...openJournals.keys()].map((j) => j.end('interrupted')))
      openJournals.clear()
    },
  }
}
