/**
 * A model of how long PDF.co jobs take, to time job checks and to submit the next chunk when a
 * slot is expected to free (see `pdfco/jobs.ts` for the schedule built on it).
 *
 * - Per-page time: the newest finished sibling job of the same conversion wins (same document,
 *   same format); else the mean over jobs finished earlier in this process (an exponentially
 *   weighted mean, newest weighing 1/3); else unknown (the schedule then probes).
 * - Listeners hear every new measurement, so jobs already waiting re-plan at once: when one job of
 *   a wave ends, its siblings (same size, submitted together) are checked right away.
 * - Submit latency (request sent → job id back) is measured too: a slot is handed on that much
 *   before the job holding it is expected to end.
 * - A fresh process starts from the timings saved by the previous one (`timing-prior.ts`), if any:
 *   an estimate only, which the first measurement replaces, and which the schedule trusts less
 *   (see {@link JobTiming.measured}).
 */

/** Learned job timings; see the module comment. */
export interface JobTiming {
  /** Records a finished job: `pages` pages in `ms` ms (submit → success). */
  record(pages: number, ms: number): void
  /** Records one submit round trip, in ms. */
  recordSubmit(ms: number): void
  /** Expected ms from submit to success for a job of `pages` pages, or undefined when unknown. */
  expectedMs(pages: number): number | undefined
  /** Expected submit round trip, in ms (0 when never measured). */
  submitMs(): number
  /** Calls `listener` after each {@link record}; returns the unsubscribe function. */
  onChange(listener: () => void): () => void
  /**
   * Starts from timings saved earlier (ms per page, submit round trip in ms) while nothing was
   * measured yet; ignored once anything was, and for values that are not positive numbers.
   */
  seed(prior: TimingSnapshot): void
  /** True once the estimate comes from a job measured in this process (not only from a seed). */
  measured(): boolean
  /** The timings measured in this process, to save for the next one; undefined before any. */
  snapshot(): TimingSnapshot | undefined
}

/** Timings worth keeping between runs. */
export interface TimingSnapshot {
  /** Mean time per page of a job, submit → success, in ms. */
  readonly msPerPage: number
  /** Submit round trip, in ms. */
  readonly submitMs: number
}

/** Weight of the newest measurement in the process-wide mean. */
const NEWEST_WEIGHT = 1 / 3

/** Process-wide timings: one per process, shared by every conversion (see the module comment). */
export const processJobTiming: JobTiming = createJobTiming(undefined)

/**
 * Creates a timing model. With a `parent` (the process-wide model), this is one conversion's
 * model: its own jobs set its per-page time, and every measurement also feeds the parent.
 */
export function createJobTiming(parent: JobTiming | undefined): JobTiming {
  let msPerPage: number | undefined
  let submitMs: number | undefined
  let seeded = false
  const listeners = new Set<() => void>()
  const mix = (old: number | undefined, value: number): number => (old === undefined || parent !== undefined ? value : old + (value - old) * NEWEST_WEIGHT)
  return {
    record(pages, ms) {
      if (!(pages > 0 && ms > 0)) return
      // A seed is replaced, not averaged: this process's own jobs are the better estimate.
      msPerPage = mix(seeded ? undefined : msPerPage, ms / pages)
      seeded = false
      parent?.record(pages, ms)
      for (const listener of [...listeners]) listener()
    },
    recordSubmit(ms) {
      if (!(ms >= 0)) return
      submitMs = submitMs === undefined ? ms : submitMs + (ms - submitMs) * NEWEST_WEIGHT
      parent?.recordSubmit(ms)
    },
    expectedMs(pages) {
      if (msPerPage !== undefined) return msPerPage * pages
      return parent?.expectedMs(pages)
    },
    submitMs() {
      return submitMs ?? parent?.submitMs() ?? 0
    },
    seed(prior) {
      if (msPerPage !== undefined || !(prior.msPerPage > 0)) return
      msPerPage = prior.msPerPage
      seeded = true
      if (submitMs === undefined && prior.submitMs >= 0) submitMs = prior.submitMs
    },
    measured() {
      if (msPerPage !== undefined && !seeded) return true
      return parent?.measured() ?? false
    },
    snapshot() {
      if (msPerPage === undefined || seeded) return undefined
      return { msPerPage, submitMs: submitMs ?? 0 }
    },
    onChange(listener) {
      listeners.add(listener)
      const off = parent?.onChange(listener)
      return () => {
        listeners.delete(listener)
        off?.()
      }
    },
  }
}
