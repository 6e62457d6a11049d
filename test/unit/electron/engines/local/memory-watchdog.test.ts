import { afterEach, describe, expect, it, vi } from 'vitest'
import { FileError } from '../../../../../electron/errors.ts'
import { groupMessages } from '../../../../../electron/engines/local/page-render.ts'
import { SAMPLE_MS, startMemoryWatchdog } from '../../../../../electron/engines/local/memory-watchdog.ts'
import type { RenderWorker } from '../../../../../electron/engines/local/worker-pool.ts'

afterEach(() => {
  vi.useRealTimers()
})

function fakeWorker(busySinceMs: number | undefined): RenderWorker & { stoppedWith: unknown[] } {
  const stoppedWith: unknown[] = []
  return { busySinceMs, stoppedWith, terminate: async (reason?: unknown) => void stoppedWith.push(reason) } as unknown as RenderWorker & { stoppedWith: unknown[] }
}

describe('memory watchdog', () => {
  it('past the RSS budget, terminates the worker busy the longest with a specific error; below it, nothing', () => {
    vi.useFakeTimers()
    let rss = 100
    const older = fakeWorker(1_000)
    const newer = fakeWorker(2_000)
    const idle = fakeWorker(undefined)
    const stop = startMemoryWatchdog(500, () => [newer, older, idle], () => rss)
    vi.advanceTimersByTime(SAMPLE_MS * 3)
    expect(older.stoppedWith).toEqual([])
    rss = 600
    vi.advanceTimersByTime(SAMPLE_MS)
    expect(older.stoppedWith).toHaveLength(1)
    expect(older.stoppedWith[0]).toBeInstanceOf(FileError)
    expect((older.stoppedWith[0] as FileError).code).toBe('file/damaged')
    expect((older.stoppedWith[0] as FileError).message).toMatch(/memory budget/)
    expect(newer.stoppedWith).toEqual([])
    expect(idle.stoppedWith).toEqual([])
    stop()
  })
})

describe('groupMessages', () => {
  it('keeps each technical message once, with its count, in order of first appearance', () => {
    expect(groupMessages(['Bad xref', ' Bad xref ', 'Unknown operator', 'Bad xref', ''])).toEqual(['Bad xref (x3)', 'Unknown operator'])
  })
})
