import { describe, expect, it } from 'vitest'
import { CancelledError, PdfCoError } from '../../../../electron/errors.ts'
import { ConversionQueue } from '../../../../electron/engines/queue.ts'
import type { ConversionEngine, ConversionEvent, ConversionRequest } from '../../../../electron/engines/types.ts'

const req = (name: string): ConversionRequest => ({ sourcePath: `/in/${name}.pdf`, outputDir: '/out', format: 'png', pages: null })

/** A stand-in engine (the queue is engine-agnostic; real engines are covered by integration tests). */
function scriptedEngine(script: (r: ConversionRequest, signal: AbortSignal, emit: (e: ConversionEvent) => void) => Promise<void>, log: string[] = []): ConversionEngine {
  return {
    kind: 'local',
    async convert(request, options) {
      log.push(`start ${request.sourcePath}`)
      await script(request, options!.signal!, (e) => options?.onEvent?.(e))
      log.push(`end ${request.sourcePath}`)
      return { engine: 'local', sourcePath: request.sourcePath, pageCount: 1, files: [], elapsedMs: 1 }
    },
  }
}

const waitAbort = (signal: AbortSignal): Promise<void> =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(new CancelledError()), { once: true }))

describe('ConversionQueue', () => {
  it('runs at most `concurrency` at once and one failure does not stop others', async () => {
    let running = 0
    let peak = 0
    const engine = scriptedEngine(async (r) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((res) => setTimeout(res, 5))
      running--
      if (r.sourcePath.includes('bad')) throw new PdfCoError('pdfco/damaged-input', 'damaged')
    })
    const q = new ConversionQueue({ engineFor: () => engine, concurrency: 2 })
    const events: Array<[string, ConversionEvent]> = []
    const off = q.on('event', (id, e) => events.push([id, e]))
    for (const n of ['a', 'bad', 'c', 'd', 'e']) q.enqueue(n, req(n))
    await q.whenIdle()
    off()
    expect(peak).toBe(2)
    expect(q.list().map((s) => [s.id, s.state])).toEqual([
      ['a', 'done'],
      ['bad', 'failed'],
      ['c', 'done'],
      ['d', 'done'],
      ['e', 'done'],
    ])
    expect(q.status('bad')?.error).toMatchObject({ code: 'pdfco/damaged-input' })
    const badEvents = events.filter(([id]) => id === 'bad').map(([, e]) => (e.type === 'stage' ? e.stage : e.type))
    expect(badEvents).toEqual(['queued', 'failed', 'failed'])
  })
  it('cancels queued and running items; retry re-runs with the last or an updated request', async () => {
    const log: string[] = []
    const engine = scriptedEngine(async (_r, signal) => waitAbort(signal), log)
    const q = new ConversionQueue({ engineFor: () => engine, concurrency: 1 })
    q.enqueue('one', req('one'))
    q.enqueue('two', req('two'))
    await new Promise((r) => setTimeout(r, 5))
    expect(q.status('one')?.state).toBe('running')
    expect(q.cancel('two')).toBe(true)
    expect(q.status('two')?.state).toBe('cancelled')
    q.cancelAll()
    await q.whenIdle()
    expect(q.status('one')).toMatchObject({ state: 'cancelled', error: { code: 'cancelled' } })
    expect(log).toEqual(['start /in/one.pdf'])

    const okEngine = scriptedEngine(async () => undefined, log)
    const q2 = new ConversionQueue({ engineFor: () => okEngine, concurrency: 1 })
    expect(() => q2.retry('nope')).toThrow(/No conversion/)
    q2.enqueue('x', req('x'))
    await q2.whenIdle()
    expect(() => q2.retry('x')).toThrow(/only failed or cancelled/)
    expect(() => q.retry('two', req('two-updated'))).not.toThrow()
    expect(q.status('two')?.request.sourcePath).toBe('/in/two-updated.pdf')
    q.cancel('two')
    await q.whenIdle()
  })
  it('refuses a second enqueue of a running id and drops late events of old runs', async () => {
    const engine = scriptedEngine(async (_r, _s, emit) => {
      emit({ type: 'inspected', pageCount: 3, pagesTotal: 2 })
    })
    const q = new ConversionQueue({ engineFor: () => engine, concurrency: 1 })
    q.enqueue('a', req('a'))
    expect(() => q.enqueue('a', req('a'))).toThrow(/already/)
    const settled: string[] = []
    q.on('settled', (id, s) => settled.push(`${id}:${s.state}`))
    await q.whenIdle()
    expect(q.status('a')).toMatchObject({ state: 'done', pagesTotal: 2, runs: 1 })
    expect(settled).toEqual(['a:done'])
    expect(q.remove('a')).toBe(true)
    expect(q.status('a')).toBeUndefined()
  })
})
