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
  /** Counts from the last `batch:finished` event, cleared when a new batch starts. */
  readonly lastBatchSummary: { readonly done: number; readonly failed: number; readonly cancelled: number } | null
  /** Records a job snapshot unless it is older than the one already held (events may race answers). */
  upsertJob(job: JobDto): void
  /** Starts a new batch made of these jobs. */
  startBatch(jobs: readonly JobDto[]): void
  /** Adds a retried job to the current batch. */
  addToBatch(job: JobDto): void
  setBatchSummary(summary: JobsSlice['lastBatchSummary']): void
}

const isSettled = (stage: JobStage): boolean => stage === 'done' || stage === 'failed' || stage === 'cancelled'

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
  lastBatchSummary: null,
  upsertJob: (job) =>
    set(
      (s) => {
        const current = s.jobsById[job.id]
        if (current !== undefined && !isNewerSnapshot(current, job)) return {}
        return { jobsById: { ...s.jobsById, [job.id]: job } }
      },
      undefined,
      'jobs/updated',
    ),
  startBatch: (jobs) =>
    set(
      (s) => {
        const jobsById = { ...s.jobsById }
        for (const job of jobs) {
          const current = jobsById[job.id]
          if (current === undefined || isNewerSnapshot(current, job)) jobsById[job.id] = job
        }
        return { jobsById, batchJobIds: jobs.map((j) => j.id), lastBatchSummary: null }
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
        // A retry starts a new batch when the previous one has settled (main does the same).
        const batchSettled = s.batchJobIds.every((id) => {
          const member = s.jobsById[id]
          return member === undefined || id === job.id || isSettled(member.stage)
        })
        const base = batchSettled ? [] : s.batchJobIds
        const batchJobIds = base.includes(job.id) ? base : [...base, job.id]
        return { jobsById, batchJobIds, lastBatchSummary: null }
      },
      undefined,
      'jobs/retried',
    ),
  setBatchSummary: (summary) => set({ lastBatchSummary: summary }, undefined, 'jobs/batch-finished'),
})
