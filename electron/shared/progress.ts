/**
 * Progress of conversions, computed once for every place that shows it: the window's bars, the
 * taskbar and the CLI. Pure TypeScript: no electron, node or DOM imports.
 *
 * Rules:
 * - A batch is weighted by pages: a 117-page file counts 117 times as much as a 1-page file.
 * - A file's work done is the share of its selected pages written to disk, and nothing else: an
 *   upload or a PDF.co job that has not returned pages yet is work in progress, not work done
 *   (`isMeasurable` says when a bar should show "busy" instead of a still value).
 * - Finished, failed and cancelled work are counted apart: a failed or cancelled file keeps the
 *   pages it wrote as done work, and the rest of its pages as failed or cancelled, never as done.
 *   "0 done, 2 failed" is an empty bar with a failed segment, not a full one.
 * - Time left is estimated from the pages written since the batch's attempts started, once at
 *   least {@link ETA_MIN_PAGES} pages were written over at least {@link ETA_MIN_ELAPSED_MS}.
 */

/** Stages of one conversion, as main reports them (the same names as `JobStage` in the IPC contract). */
export type ProgressStage = 'queued' | 'inspecting' | 'uploading' | 'converting' | 'downloading' | 'done' | 'failed' | 'cancelled'

/** The facts about one conversion that progress is computed from (a `JobDto` fits). */
export interface ProgressJob {
  readonly engine: 'pdfco' | 'local'
  readonly stage: ProgressStage
  /** 0-100, meaningful while uploading. */
  readonly uploadPercent: number
  /** Selected pages written to disk so far (a retry starts with the pages its earlier run kept). */
  readonly pagesDone: number
  /** Selected pages of the file. */
  readonly pagesTotal: number
  /** Epoch ms when the current attempt started (the first run or the latest retry). */
  readonly attemptStartedAtMs: number
  /** `pagesDone` when the current attempt started (0 for a first run). */
  readonly pagesAtAttemptStart: number
}

/** Pages that must be written in this batch before time left is estimated. */
export const ETA_MIN_PAGES = 2
/** Time (ms) that must have passed in this batch before time left is estimated. */
export const ETA_MIN_ELAPSED_MS = 3_000

/** True while a conversion still works (queued to downloading). */
export function isWorkingStage(stage: ProgressStage): boolean {
  return stage !== 'done' && stage !== 'failed' && stage !== 'cancelled'
}

/** Progress of one file. */
export interface FileProgress {
  /** Work done, 0..1 (see the module rules). */
  readonly fraction: number
  /**
   * False while the fraction cannot move because the work is not measurable (PDF.co converting,
   * reading the PDF): a bar may then show that it is busy rather than a still value.
   */
  readonly isMeasurable: boolean
  readonly pagesDone: number
  readonly pagesTotal: number
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0
}

function pageShare(job: ProgressJob): number {
  return job.pagesTotal > 0 ? clamp01(job.pagesDone / job.pagesTotal) : 0
}

/**
 * Progress of one conversion.
 *
 * @returns the share of its pages on disk (a done file is 1; a failed or cancelled one counts the
 *   pages it kept), whether that share can move now, and its page counts.
 */
export function fileProgress(job: ProgressJob): FileProgress {
  const pages = { pagesDone: job.pagesDone, pagesTotal: job.pagesTotal }
  switch (job.stage) {
    case 'queued':
    case 'downloading':
      return { fraction: pageShare(job), isMeasurable: true, ...pages }
    case 'inspecting':
    case 'uploading':
      return { fraction: pageShare(job), isMeasurable: false, ...pages }
    case 'converting':
      // The local engine writes pages while converting; PDF.co's arrive while downloading.
      return { fraction: pageShare(job), isMeasurable: job.engine === 'local', ...pages }
    case 'done':
      return { fraction: 1, isMeasurable: true, ...pages }
    case 'failed':
    case 'cancelled':
      return { fraction: pageShare(job), isMeasurable: true, ...pages }
  }
}

/** Progress of a batch (all the conversions started together, plus their retries). */
export interface BatchProgress {
  /** Files by outcome; `working` = queued or running. */
  readonly files: { readonly total: number; readonly done: number; readonly failed: number; readonly cancelled: number; readonly working: number }
  /** Pages selected across the batch, and pages written to disk. */
  readonly pagesTotal: number
  readonly pagesDone: number
  /**
   * Shares of the bar, each 0..1, summing to at most 1 (weighted by pages): work done (written
   * pages, uploads), pages lost to failures, pages given up by cancelling. The rest is still to do.
   */
  readonly doneRatio: number
  readonly failedRatio: number
  readonly cancelledRatio: number
  /** Whole percent of the work done, rounded down (100 only when every file is done). */
  readonly percent: number
  /** Estimated ms until the working files finish, or null while it cannot be estimated. */
  readonly timeLeftMs: number | null
  /** True when no file is queued or running. */
  readonly isSettled: boolean
}

/**
 * Progress of a batch, weighted by pages.
 *
 * @param jobs the batch's conversions (any order; an empty list is an empty, settled batch).
 * @param nowMs the current time, epoch ms (for time left).
 */
export function batchProgress(jobs: readonly ProgressJob[], nowMs: number): BatchProgress {
  let weightTotal = 0
  let done = 0
  let failed = 0
  let cancelled = 0
  const files = { total: jobs.length, done: 0, failed: 0, cancelled: 0, working: 0 }
  let pagesTotal = 0
  let pagesDone = 0
  for (const job of jobs) {
    const weight = Math.max(1, job.pagesTotal)
    const { fraction } = fileProgress(job)
    weightTotal += weight
    done += weight * fraction
    pagesTotal += Math.max(0, job.pagesTotal)
    pagesDone += job.stage === 'done' ? Math.max(job.pagesDone, job.pagesTotal) : Math.max(0, job.pagesDone)
    if (job.stage === 'done') files.done += 1
    else if (job.stage === 'failed') {
      files.failed += 1
      failed += weight * (1 - fraction)
    } else if (job.stage === 'cancelled') {
      files.cancelled += 1
      cancelled += weight * (1 - fraction)
    } else files.working += 1
  }
  const ratio = (x: number): number => (weightTotal === 0 ? 0 : clamp01(x / weightTotal))
  const doneRatio = ratio(done)
  const allDone = files.total > 0 && files.done === files.total
  return {
    files,
    pagesTotal,
    pagesDone,
    doneRatio,
    failedRatio: ratio(failed),
    cancelledRatio: ratio(cancelled),
    percent: allDone ? 100 : Math.min(99, Math.floor(doneRatio * 100)),
    timeLeftMs: estimateTimeLeftMs(jobs, nowMs),
    isSettled: files.working === 0,
  }
}

/**
 * Time left for the working conversions of a batch, from the pace of pages written in it.
 *
 * @returns ms, or null when nothing is working or too little was written to judge the pace
 *   (fewer than {@link ETA_MIN_PAGES} pages, or less than {@link ETA_MIN_ELAPSED_MS} elapsed).
 */
export function estimateTimeLeftMs(jobs: readonly ProgressJob[], nowMs: number): number | null {
  let startMs = Number.POSITIVE_INFINITY
  let written = 0
  let remaining = 0
  for (const job of jobs) {
    startMs = Math.min(startMs, job.attemptStartedAtMs)
    if (isWorkingStage(job.stage)) remaining += Math.max(0, job.pagesTotal - job.pagesDone)
    written += Math.max(0, (job.stage === 'done' ? Math.max(job.pagesDone, job.pagesTotal) : job.pagesDone) - job.pagesAtAttemptStart)
  }
  const elapsedMs = nowMs - startMs
  if (remaining === 0 || written < ETA_MIN_PAGES || !(elapsedMs >= ETA_MIN_ELAPSED_MS)) return null
  return Math.round((remaining * elapsedMs) / written)
}

/**
 * What a taskbar (or dock) progress indicator shows: Electron's `BrowserWindow.setProgressBar`
 * value and mode (https://www.electronjs.org/docs/latest/api/browser-window#winsetprogressbarprogress-options).
 *
 * @returns `fraction` -1 (remove the indicator) once the batch is settled; otherwise the done
 *   share, with mode 'error' once a file failed, 'paused' once one was cancelled, else 'normal'.
 */
export function taskbarProgress(progress: BatchProgress): { readonly fraction: number; readonly mode: 'normal' | 'error' | 'paused' } {
  if (progress.isSettled) return { fraction: -1, mode: 'normal' }
  const mode = progress.files.failed > 0 ? 'error' : progress.files.cancelled > 0 ? 'paused' : 'normal'
  return { fraction: progress.doneRatio, mode }
}

/**
 * A duration left, said roughly as people do: "a few seconds", "about 40 s", "about 3 min",
 * "about 1 h 20 min".
 *
 * @param ms milliseconds (≥ 0).
 */
export function formatTimeLeft(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 10) return 'a few seconds'
  if (s < 60) return `about ${Math.ceil(s / 10) * 10} s`
  const min = Math.round(s / 60)
  if (min < 60) return `about ${min} min`
  const h = Math.floor(min / 60)
  const rest = min % 60
  return rest === 0 ? `about ${h} h` : `about ${h} h ${rest} min`
}

/**
 * One line for people about a batch, the same in the window and the CLI, e.g.
 * "41 of 117 pages · 1 done, 1 failed · about 2 min left" or, once settled,
 * "Finished: 1 done, 1 cancelled · 60 of 117 pages saved".
 */
export function describeBatchProgress(p: BatchProgress): string {
  const counts: string[] = []
  if (p.files.done > 0 || p.isSettled) counts.push(`${p.files.done} done`)
  if (p.files.failed > 0) counts.push(`${p.files.failed} failed`)
  if (p.files.cancelled > 0) counts.push(`${p.files.cancelled} cancelled`)
  const pages = `${p.pagesDone} of ${p.pagesTotal} page${p.pagesTotal === 1 ? '' : 's'}`
  if (p.isSettled) {
    const allDone = p.files.done === p.files.total
    return `Finished: ${counts.join(', ')}${allDone ? '' : ` · ${pages} saved`}`
  }
  const parts = [pages]
  if (counts.length > 0) parts.push(counts.join(', '))
  if (p.timeLeftMs !== null) parts.push(`${formatTimeLeft(p.timeLeftMs)} left`)
  return parts.join(' · ')
}
