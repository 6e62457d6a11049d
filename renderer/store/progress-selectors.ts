/**
 * Progress and runs as the window shows them, derived from the store through the one progress
 * module (`electron/shared/progress.ts`), which the taskbar and the CLI use too.
 */
import type { FileId, JobDto, JobId, OutputPageDto } from '../../electron/ipc/contract.ts'
import { batchProgress, describeBatchProgress, fileProgress, type FileProgress, type ProgressJob } from '../../electron/shared/progress.ts'
import type { AppState } from './types.ts'

/** One file's progress (its per-file bar); a `JobDto` carries its attempt's start as main reports it. */
export function selectJobProgress(job: JobDto): FileProgress {
  return fileProgress(job)
}

/** The overall bar's numbers, flat (primitives only, safe with `useShallow`). */
export interface OverallProgress {
  /** Files in the batch, and by outcome. */
  readonly total: number
  readonly done: number
  readonly failed: number
  readonly cancelled: number
  readonly active: number
  readonly pagesDone: number
  readonly pagesTotal: number
  /** Shares of the bar (0..1, weighted by pages): done work, failed pages, cancelled pages. */
  readonly doneRatio: number
  readonly failedRatio: number
  readonly cancelledRatio: number
  /** Whole percent done (100 only when every file is done). */
  readonly percent: number
  readonly timeLeftMs: number | null
  /** The status line, e.g. "41 of 117 pages · 1 failed · about 2 min left". */
  readonly text: string
}

/**
 * The overall progress of the current batch (the last Convert, plus its retries).
 *
 * @param nowMs the current time (epoch ms), for time left.
 */
export function selectOverallProgress(state: AppState, nowMs: number): OverallProgress {
  const jobs: ProgressJob[] = []
  for (const id of state.batchJobIds) {
    const job = state.jobsById[id]
    if (job !== undefined) jobs.push(job)
  }
  const p = batchProgress(jobs, nowMs)
  return {
    total: p.files.total,
    done: p.files.done,
    failed: p.files.failed,
    cancelled: p.files.cancelled,
    active: p.files.working,
    pagesDone: p.pagesDone,
    pagesTotal: p.pagesTotal,
    doneRatio: p.doneRatio,
    failedRatio: p.failedRatio,
    cancelledRatio: p.cancelledRatio,
    percent: p.percent,
    timeLeftMs: p.timeLeftMs,
    text: describeBatchProgress(p),
  }
}

/** A file's images split by run: those of its latest job, and earlier runs apart (newest first). */
export interface FileRuns {
  readonly latest: readonly OutputPageDto[]
  readonly earlier: readonly { readonly jobId: JobId; readonly outputs: readonly OutputPageDto[] }[]
}

/**
 * Splits a file's images by the job that wrote them.
 *
 * @param outputs the file's images, sorted by page (any runs).
 * @param latestJobId the file's newest job; undefined puts every image with the newest run seen.
 * @param jobOrder job ids from oldest to newest start, to order the earlier runs.
 */
export function splitRuns(outputs: readonly OutputPageDto[], latestJobId: JobId | undefined, jobOrder: readonly JobId[]): FileRuns {
  const byJob = new Map<JobId, OutputPageDto[]>()
  for (const o of outputs) {
    const list = byJob.get(o.jobId)
    if (list === undefined) byJob.set(o.jobId, [o])
    else list.push(o)
  }
  const rank = (id: JobId): number => jobOrder.indexOf(id)
  const ids = [...byJob.keys()].sort((a, b) => rank(b) - rank(a))
  const latestId = latestJobId ?? ids[0]
  return {
    latest: (latestId === undefined ? undefined : byJob.get(latestId)) ?? [],
    earlier: ids.filter((id) => id !== latestId).map((jobId) => ({ jobId, outputs: byJob.get(jobId) ?? [] })),
  }
}

/** A file's jobs from the oldest start to the newest. */
export function selectJobOrderForFile(state: AppState, fileId: FileId): JobId[] {
  return Object.values(state.jobsById)
    .filter((j) => j.fileId === fileId)
    .sort((a, b) => a.startedAtMs - b.startedAtMs)
    .map((j) => j.id)
}
