import { describe, expect, it } from 'vitest'
import { planWorkUnits, startingProgress } from '../../../../../electron/engines/pdfco/resume-plan.ts'
import type { JobProgress } from '../../../../../electron/journal/progress.ts'

const job = (id: string, pages: number[]): JobProgress => ({ jobId: id, pages, submittedAtMs: 0, state: 'submitted' })

describe('planWorkUnits', () => {
  it('fresh: chunks of chunkSize in page order', () => {
    const units = planWorkUnits([1, 2, 3, 4, 5], 'png', { keptFiles: new Map(), reusableJobs: [] }, 2)
    expect(units).toEqual([
      { pages: [1, 2], reuse: undefined },
      { pages: [3, 4], reuse: undefined },
      { pages: [5], reuse: undefined },
    ])
  })
  it('resume: kept pages skipped, recorded jobs claim their pages (newest first), the rest chunked', () => {
    const kept = new Map([[1, { page: 1, path: '/o/a-1.png', sizeBytes: 1 }]])
    const units = planWorkUnits([1, 2, 3, 4, 5, 6], 'png', { keptFiles: kept, reusableJobs: [job('old', [1, 2, 3]), job('new', [3, 4])] }, 10)
    expect(units.map((u) => [u.pages, u.reuse?.jobId])).toEqual([
      [[2], 'old'],
      [[3, 4], 'new'],
      [[5, 6], undefined],
    ])
  })
  it('TIFF: one unit, nothing when the file is kept', () => {
    expect(planWorkUnits([2, 3], 'tiff', { keptFiles: new Map(), reusableJobs: [job('t', [2, 3])] }, 1)).toEqual([{ pages: [2, 3], reuse: job('t', [2, 3]) }])
    const kept = new Map([[2, { page: 2, path: '/o/a.tif', sizeBytes: 1, pageCount: 2 }]])
    expect(planWorkUnits([2, 3], 'tiff', { keptFiles: kept, reusableJobs: [] }, 1)).toEqual([])
  })
  it('TIFF split per page: one job for the pages not kept, reusing only a job of exactly those pages', () => {
    const kept = new Map([[2, { page: 2, path: '/o/a-2.tif', sizeBytes: 1 }]])
    const session = { keptFiles: kept, reusableJobs: [job('all', [2, 3, 4]), job('rest', [3, 4])] }
    expect(planWorkUnits([2, 3, 4], 'tiff', session, 1, true)).toEqual([{ pages: [3, 4], reuse: job('rest', [3, 4]) }])
    expect(planWorkUnits([2, 3, 4], 'tiff', { keptFiles: kept, reusableJobs: [job('all', [2, 3, 4])] }, 1, true)).toEqual([{ pages: [3, 4], reuse: undefined }])
    const allKept = new Map([2, 3].map((p) => [p, { page: p, path: `/o/a-${p}.tif`, sizeBytes: 1 }]))
    expect(planWorkUnits([2, 3], 'tiff', { keptFiles: allKept, reusableJobs: [] }, 1, true)).toEqual([])
  })
})

describe('startingProgress', () => {
  const source = { sizeBytes: 10, mtimeMs: 5 }
  const input = { source, format: 'png' as const, pages: [1, 2], pageCount: 2 }
  it('a changed source starts afresh with a warning', () => {
    const warnings: string[] = []
    const previous = { source: { sizeBytes: 11, mtimeMs: 5 }, format: 'png' as const, pageCount: 2, pages: [1, 2], jobs: [job('j', [1])], written: [] }
    const p = startingProgress(previous, { ...input, emit: (e) => e.type === 'warning' && warnings.push(e.message) })
    expect(p.jobs).toEqual([])
    expect(warnings).toHaveLength(1)
  })
  it('the same source and format continues the earlier progress', () => {
    const previous = { source, format: 'png' as const, pageCount: 2, pages: [1, 2], jobs: [job('j', [1])], written: [] }
    expect(startingProgress(previous, { ...input, emit: () => undefined }).jobs).toEqual([job('j', [1])])
  })
})
