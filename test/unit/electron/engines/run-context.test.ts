import { describe, expect, it } from 'vitest'
import { openRun } from '../../../../electron/engines/run-context.ts'
import type { ConversionEvent } from '../../../../electron/engines/types.ts'
import { CancelledError, FileError } from '../../../../electron/errors.ts'

describe('openRun', () => {
  it('emits stages with their time; a listener that throws does not break the run', () => {
    const events: ConversionEvent[] = []
    const run = openRun(
      {
        onEvent: (e) => {
          events.push(e)
          throw new Error('listener bug')
        },
      },
      () => 42,
    )
    run.stage('inspecting')
    expect(events).toEqual([{ type: 'stage', stage: 'inspecting', atMs: 42 }])
    run.close()
  })
  it("follows the caller's signal; close detaches from it", () => {
    const caller = new AbortController()
    const run = openRun({ signal: caller.signal })
    caller.abort()
    expect(run.signal.aborted).toBe(true)
    expect(run.cancelledByCaller).toBe(true)
    expect(() => run.throwIfAborted()).toThrow(CancelledError)
    const later = new AbortController()
    const other = openRun({ signal: later.signal })
    other.close()
    later.abort()
    expect(other.signal.aborted).toBe(false)
  })
  it('fail: aborts, cleans up, emits failed with the error, and returns it; a caller cancel becomes CancelledError', async () => {
    const events: ConversionEvent[] = []
    const run = openRun({ onEvent: (e) => events.push(e) }, () => 7)
    let cleaned = false
    const err = await run.fail(new FileError('file/not-found', 'gone'), async () => {
      cleaned = true
    })
    expect(err).toBeInstanceOf(FileError)
    expect(run.signal.aborted).toBe(true)
    expect(cleaned).toBe(true)
    expect(events).toEqual([
      { type: 'stage', stage: 'failed', atMs: 7 },
      { type: 'failed', error: { code: 'file/not-found', message: 'gone', retryable: false } },
    ])
    const caller = new AbortController()
    const cancelled = openRun({ signal: caller.signal })
    caller.abort()
    expect(await cancelled.fail(new FileError('file/not-found', 'x'))).toBeInstanceOf(CancelledError)
  })
})
