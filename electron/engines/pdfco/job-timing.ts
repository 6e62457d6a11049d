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
  const listeners = new Set<() => void>()
  const mix = (old: number | undefined, value: number): number => (old === undefined || parent !== undefined ? value : old + (value - old) * NEWEST_WEIGHT)
  return {
    record(pages, ms) {
      if (!(pages > 0 && ms > 0)) return
      msPerPage = mix(msPerPage, ms / pages)
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
