import { describe, expect, it } from 'vitest'
import { createJobTiming } from '../../../../../electron/engines/pdfco/job-timing.ts'

describe('createJobTiming', () => {
  it('unknown until a job ends; then ms per page × pages; siblings win over the process', () => {
    const process = createJobTiming(undefined)
    const a = createJobTiming(process)
    expect(a.expectedMs(10)).toBeUndefined()
    a.record(10, 3_000)
    expect(a.expectedMs(5)).toBe(1_500)
    const b = createJobTiming(process)
    expect(b.expectedMs(10)).toBe(3_000) // from the process
    b.record(10, 6_000)
    expect(b.expectedMs(10)).toBe(6_000) // its own sibling
    expect(process.expectedMs(10)).toBe(4_000) // weighted mean: 300 + (600 − 300) / 3 per page
  })
  it('tells listeners of each measurement, also those of other conversions; unsubscribe works', () => {
    const process = createJobTiming(undefined)
    const a = createJobTiming(process)
    const b = createJobTiming(process)
    let heard = 0
    const off = b.onChange(() => heard++)
    a.record(2, 100)
    expect(heard).toBe(1)
    off()
    a.record(2, 100)
    expect(heard).toBe(1)
  })
  it('a saved estimate seeds a fresh model until the first measurement replaces it', () => {
    const process = createJobTiming(undefined)
    process.seed({ msPerPage: 500, submitMs: 40 })
    const a = createJobTiming(process)
    expect(a.expectedMs(10)).toBe(5_000)
    expect(a.submitMs()).toBe(40)
    expect(a.measured()).toBe(false)
    expect(process.snapshot()).toBeUndefined() // nothing measured here: nothing to save
    a.record(10, 2_000)
    expect(a.measured()).toBe(true)
    expect(process.expectedMs(10)).toBe(2_000) // replaced, not averaged with the seed
    expect(process.snapshot()).toEqual({ msPerPage: 200, submitMs: 40 })
    process.seed({ msPerPage: 900, submitMs: 0 }) // too late: ignored
    expect(process.expectedMs(1)).toBe(200)
  })
})
