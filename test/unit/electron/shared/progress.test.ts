import { describe, expect, it } from 'vitest'
import {
  batchProgress,
  describeBatchProgress,
  estimateTimeLeftMs,
  fileProgress,
  formatTimeLeft,
  taskbarProgress,
  type ProgressJob,
} from '../../../../electron/shared/progress.ts'

const job = (patch: Partial<ProgressJob> = {}): ProgressJob => ({
  engine: 'local',
  stage: 'queued',
  uploadPercent: 0,
  pagesDone: 0,
  pagesTotal: 10,
  attemptStartedAtMs: 0,
  pagesAtAttemptStart: 0,
  ...patch,
})

describe('fileProgress', () => {
  it('the local engine fills by pages only: 2 of 117 pages is under 2 %, not 31 %', () => {
    expect(fileProgress(job({ stage: 'converting', pagesDone: 0, pagesTotal: 117 })).fraction).toBe(0)
    expect(fileProgress(job({ stage: 'converting', pagesDone: 2, pagesTotal: 117 })).fraction).toBeCloseTo(2 / 117, 6)
  })
  it('PDF.co counts pages on disk only; uploading and converting are busy, not done work', () => {
    const pdfco = (p: Partial<ProgressJob>) => fileProgress(job({ engine: 'pdfco', ...p }))
    expect(pdfco({ stage: 'uploading', uploadPercent: 50 })).toMatchObject({ fraction: 0, isMeasurable: false })
    expect(pdfco({ stage: 'converting' })).toMatchObject({ fraction: 0, isMeasurable: false })
    expect(pdfco({ stage: 'downloading', pagesDone: 5 })).toMatchObject({ fraction: 0.5, isMeasurable: true })
    expect(fileProgress(job({ stage: 'converting', pagesDone: 5 })).isMeasurable).toBe(true) // local
  })
  it('a failed or cancelled file counts only the pages it kept', () => {
    expect(fileProgress(job({ stage: 'cancelled', pagesDone: 19, pagesTotal: 117 })).fraction).toBeCloseTo(19 / 117)
    expect(fileProgress(job({ stage: 'failed', engine: 'pdfco', uploadPercent: 100 })).fraction).toBe(0)
    expect(fileProgress(job({ stage: 'done', pagesDone: 10 })).fraction).toBe(1)
  })
})

describe('batchProgress', () => {
  it('weights files by pages across the batch', () => {
    const p = batchProgress([job({ stage: 'done', pagesDone: 1, pagesTotal: 1 }), job({ stage: 'converting', pagesDone: 0, pagesTotal: 99 })], 0)
    expect(p.doneRatio).toBeCloseTo(0.01)
    expect(p.percent).toBe(1)
    expect(p).toMatchObject({ pagesDone: 1, pagesTotal: 100, isSettled: false })
  })
  it('"0 done, 2 failed" is an empty bar with a full failed segment', () => {
    const p = batchProgress([job({ stage: 'failed' }), job({ stage: 'failed' })], 0)
    expect(p).toMatchObject({ doneRatio: 0, failedRatio: 1, cancelledRatio: 0, percent: 0, isSettled: true })
    expect(p.files).toEqual({ total: 2, done: 0, failed: 2, cancelled: 0, working: 0 })
    expect(describeBatchProgress(p)).toBe('Finished: 0 done, 2 failed · 0 of 20 pages saved')
  })
  it('cancelling 1 of 2 files is not 66 % done', () => {
    const p = batchProgress([job({ stage: 'cancelled' }), job({ stage: 'converting', pagesDone: 3 })], 0)
    expect(p.percent).toBe(15)
    expect(p.cancelledRatio).toBe(0.5)
    expect(p.doneRatio + p.failedRatio + p.cancelledRatio).toBeLessThanOrEqual(1)
  })
  it('says 100 % only when every file is done, never by rounding', () => {
    expect(batchProgress([job({ stage: 'converting', pagesDone: 999, pagesTotal: 1000 })], 0).percent).toBe(99)
    expect(batchProgress([job({ stage: 'done', pagesDone: 10 })], 0).percent).toBe(100)
    expect(batchProgress([], 0)).toMatchObject({ percent: 0, isSettled: true, doneRatio: 0 })
  })
})

describe('time left', () => {
  it('is estimated from pages written in this attempt, once enough is known', () => {
    expect(estimateTimeLeftMs([job({ stage: 'converting', pagesDone: 1 })], 10_000)).toBeNull() // one page only
    expect(estimateTimeLeftMs([job({ stage: 'converting', pagesDone: 5 })], 1_000)).toBeNull() // too early
    expect(estimateTimeLeftMs([job({ stage: 'converting', pagesDone: 5 })], 10_000)).toBe(10_000)
    // A retry: 4 pages were kept from the earlier run; 2 written in 4 s, 4 to go → 8 s.
    const retry = job({ stage: 'converting', pagesDone: 6, pagesAtAttemptStart: 4, attemptStartedAtMs: 60_000 })
    expect(estimateTimeLeftMs([retry], 64_000)).toBe(8_000)
    expect(estimateTimeLeftMs([job({ stage: 'done', pagesDone: 10 })], 10_000)).toBeNull() // nothing left
  })
  it('reads as people say it', () => {
    expect(formatTimeLeft(4_000)).toBe('a few seconds')
    expect(formatTimeLeft(34_000)).toBe('about 40 s')
    expect(formatTimeLeft(150_000)).toBe('about 3 min')
    expect(formatTimeLeft(80 * 60_000)).toBe('about 1 h 20 min')
    const p = batchProgress([job({ stage: 'converting', pagesDone: 5 }), job({ stage: 'failed' })], 10_000)
    expect(describeBatchProgress(p)).toBe('5 of 20 pages · 1 failed · about 10 s left')
  })
})

describe('taskbarProgress', () => {
  it('shows the done share, red once a file failed, and goes away when settled', () => {
    expect(taskbarProgress(batchProgress([job({ stage: 'converting', pagesDone: 5 })], 0))).toEqual({ fraction: 0.5, mode: 'normal' })
    expect(taskbarProgress(batchProgress([job({ stage: 'converting' }), job({ stage: 'failed' })], 0)).mode).toBe('error')
    expect(taskbarProgress(batchProgress([job({ stage: 'done', pagesDone: 10 })], 0))).toEqual({ fraction: -1, mode: 'normal' })
  })
})
