/**
 * Jobs slice: every conversion job as last reported by main (`jobs:start`, `jobs:retry`,
 * `jobs:updated`), and which jobs make up the batch the progress bar follows.
 */
import type { JobDto, JobId, JobStage } from '../../electron/ipc/contract.ts'
import type { SliceCreator } from './types.ts'

export interface JobsSlice {
  readonly jobsById: Readonly<Record<JobId, JobDto>>
  /** Jobs of the current batch (the last Convert click, plus retries), for the overall progress. */
  readonly batchJobIds: readonly JobId[]
  /**
   * When each job's current attempt started and how many pages it had then, as observed here: a
   * retry keeps its job id and `startedAtMs`, so its start is the moment a settled job was seen
   * working again (its `stageStartedAtMs` then).
   */
  readonly attemptById: Readonly<Record<JobId, JobAttempt>>
  /** Display name of the output folder each job writes to, as chosen when it was started. */
  readonly folderNameByJobId: Readonly<Record<JobId, string>>
  /** Counts from the last `batch:finished` event, cleared when a new batch starts. */
  readonly lastBatchSummary: { readonly done: number; readonly failed: number; readonly cancelled: number } | null
  /** Records a job snapshot unless it is older than the one already held (events may race answers). */
  upsertJob(job: JobDto): void
  /** Starts a new batch made of these jobs, writing into the folder named `folderName`. */
  startBatch(jobs: readonly JobDto[], folderName?: string): void
  /** Adds a retried job to the current batch. */
  addToBatch(job: JobDto): void
  setBatchSummary(summary: JobsSlice['lastBatchSummary']): void
}

/** The start of a job's current attempt (epoch ms) and its pages written at that moment. */
export interface JobAttempt {
  readonly startedAtMs: number
  readonly pagesAtStart: number
}

const isSettled = (stage: JobStage): boolean => stage === 'done' || stage === 'failed' || stage === 'cancelled'

/** The attempt record after `incoming` replaces `current` (a settled job working again is a new attempt). */
export function nextAttempt(previous: JobAttempt | undefined, current: JobDto | undefined, incoming: JobDto): JobAttempt {
  if (current === undefined || previous === undefined) return previous ?? { startedAtMs: incoming.startedAtMs, pagesAtStart: 0 }
  if (isSettled(current.stage) && !isSettled(incoming.stage)) return { startedAtMs: incoming.stageStartedAtMs, pagesAtStart: incoming.pagesDone }
  return previous
}

const stageRank: Readonly<Record<JobStage, number>> = {
  queued: 0,
  inspecting: 1,
  uploading: 2,
  converting: 3,
  downloading: 4,
  done: 5,
  failed: 5,
  cancelled: 5,
}

/**
 * True when `incoming` is at least as recent as `current` (same job id).
 *
 * Snapshots carry no sequence number, so recency is read from `stageStartedAtMs`, then the stage
 * order, then the progress counters. A retry that reuses a job id starts a newer stage, so it wins.
 */
export function isNewerSnapshot(current: JobDto, incoming: JobDto): boolean {
  if (incoming.stageStartedAtMs !== current.stageStartedAtMs) return incoming.stageStartedAtMs > current.stageStartedAtMs
  if (incoming.stage !== current.stage) return stageRank[incoming.stage] >= stageRank[current.stage]
  return incoming.pagesDone >= current.pagesDone && incoming.uploadPercent >= current.uploadPercent
}

/** Creates the jobs slice. */
export const createJobsSlice: SliceCreator<JobsSlice> = (set) => ({
  jobsById: {},
  batchJobIds: [],
  attemptById: {},
  folderNameByJobId: {},
  lastBatchSummary: null,
  upsertJob: (job) =>
    set(
      (s) => {
        const current = s.jobsById[job.id]
        if (current !== undefined && !isNewerSnapshot(current, job)) return {}
        return {
          jobsById: { ...s.jobsById, [job.id]: job },
          attemptById: { ...s.attemptById, [job.id]: nextAttempt(s.attemptById[job.id], current, job) },
        }
      },
      undefined,
      'jobs/updated',
    ),
  startBatch: (jobs, folderName) =>
    set(
      (s) => {
        const jobsById = { ...s.jobsById }
        const attemptById = { ...s.attemptById }
        const folderNameByJobId = { ...s.folderNameByJobId }
        for (const job of jobs) {
          const current = jobsById[job.id]
          if (current === undefined || isNewerSnapshot(current, job)) {
            jobsById[job.id] = job
            attemptById[job.id] = nextAttempt(attemptById[job.id], current, job)
          }
          if (folderName !== undefined) folderNameByJobId[job.id] = folderName
        }
        return { jobsById, attemptById, folderNameByJobId, batchJobIds: jobs.map((j) => j.id), lastBatchSummary: null }
      },
      undefined,
      'jobs/batch-started',
    ),
  addToBatch: (job) =>
    set(
      (s) => {
        const current = s.jobsById[job.id]
        const isNewer = current === undefined || isNewerSnapshot(current, job)
        const jobsById = isNewer ? { ...s.jobsById, [job.id]: job } : s.jobsById
        const attemptById = isNewer ? { ...s.attemptById, [job.id]: nextAttempt(s.attemptById[job.id], current, job) } : s.attemptById
        // A retry starts a new batch when the previous one has settled (main does the same).
        const batchSettled = s.batchJobIds.every((id) => {
          const member = s.jobsById[id]
          return member === undefined || id === job.id || isSettled(member.stage)
        })
        const base = batchSettled ? [] : s.batchJobIds
        const batchJobIds = base.includes(job.id) ? base : [...base, job.id]
        return { jobsById, attemptById, batchJobIds, lastBatchSummary: null }
      },
      undefined,
      'jobs/retried',
    ),
  setBatchSummary: (summary) => set({ lastBatchSummary: summary }, undefined, 'jobs/batch-finished'),
})
