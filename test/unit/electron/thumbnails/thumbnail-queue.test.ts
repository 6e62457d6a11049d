/**
 * The thumbnail service's queue: newest request first, queued requests dropped when their signal
 * aborts (the browser dropped the <img>), shared requests dropped only when every requester left.
 * Renders are fakes that finish when the test says so: no timing involved.
 */
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LifoLimiter, TaskAbortedError } from '../../../../electron/thumbnails/lifo-limiter.ts'
import { createThumbnailProtocolHandler } from '../../../../electron/thumbnails/protocol.ts'
import { createThumbnailService } from '../../../../electron/thumbnails/thumbnail-service.ts'

/** Lets pending promise callbacks run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

function gatedRenderer() {
  const started: number[] = []
  const gates = new Map<number, () => void>()
  const render = (_fileId: string, page: number): Promise<Buffer> => {
    started.push(page)
    return new Promise((resolve) => gates.set(page, () => resolve(Buffer.from(`page ${page}`))))
  }
  const finish = async (page: number): Promise<void> => {
    const gate = gates.get(page)
    if (gate === undefined) throw new Error(`page ${page} has not started`)
    gate()
    await settle()
  }
  return { started, render, finish }
}

function makeService() {
  const fileId = randomUUID()
  const r = gatedRenderer()
  const service = createThumbnailService({
    cacheDir: path.join(os.tmpdir(), 'unused-thumb-cache'),
    resolveOutput: () => undefined,
    resolveSourceFile: (id) => (id === fileId ? { pageCount: 50 } : undefined),
    renderSourcePage: r.render,
  })
  return { service, fileId, ...r }
}

describe('LifoLimiter', () => {
  it('starts the newest waiting task first and never starts an aborted one', async () => {
    const limiter = new LifoLimiter(1)
    const order: string[] = []
    const gate: Array<() => void> = []
    const task = (name: string) => () => {
      order.push(name)
      return new Promise<string>((resolve) => gate.push(() => resolve(name)))
    }
    const a = limiter.run(task('a'))
    const bAbort = new AbortController()
    const b = limiter.run(task('b'), bAbort.signal)
    const c = limiter.run(task('c'))
    const d = limiter.run(task('d'))
    expect(limiter.pendingCount).toBe(3)
    bAbort.abort()
    await expect(b).rejects.toBeInstanceOf(TaskAbortedError)
    gate.shift()!()
    await a
    await settle()
    gate.shift()!()
    await d
    await settle()
    gate.shift()!()
    await c
    expect(order).toEqual(['a', 'd', 'c'])
    await expect(limiter.run(task('e'), AbortSignal.abort())).rejects.toBeInstanceOf(TaskAbortedError)
  })
})

describe('thumbnail service queue', () => {
  it('renders the newest page request first after a burst (fast scroll)', async () => {
    const { service, fileId, started, finish } = makeService()
    const requests = [1, 2, 3, 4, 5].map((page) => service.pageThumbnail(fileId, page, 160))
    await settle()
    expect(started).toEqual([1])
    for (const page of [1, 5, 4, 3]) await finish(page)
    expect(started).toEqual([1, 5, 4, 3, 2])
    await finish(2)
    expect((await Promise.all(requests)).map(String)).toEqual(['page 1', 'page 2', 'page 3', 'page 4', 'page 5'])
  })

  it('drops queued requests whose signal aborts; a shared request runs while anyone still waits', async () => {
    const { service, fileId, started, finish } = makeService()
    const first = service.pageThumbnail(fileId, 1, 160)
    const gone = new AbortController()
    const scrolledAway = [2, 3].map((page) => service.pageThumbnail(fileId, page, 160, gone.signal))
    const left = new AbortController()
    const sharedLeaving = service.pageThumbnail(fileId, 4, 160, left.signal)
    const sharedStaying = service.pageThumbnail(fileId, 4, 160, new AbortController().signal)
    await settle()
    gone.abort()
    left.abort()
    for (const p of [...scrolledAway, sharedLeaving]) await expect(p).rejects.toBeInstanceOf(TaskAbortedError)
    await finish(1)
    await finish(4)
    expect(String(await first)).toBe('page 1')
    expect(String(await sharedStaying)).toBe('page 4')
    expect(started).toEqual([1, 4])
    expect(service.stats.dropped).toBe(2)
    // Asked again later, a dropped page renders afresh; a rendered one comes from memory.
    const again = service.pageThumbnail(fileId, 2, 160)
    await settle()
    await finish(2)
    expect(String(await again)).toBe('page 2')
    expect(String(await service.pageThumbnail(fileId, 4, 160))).toBe('page 4')
    expect(service.stats.memoryHits).toBe(1)
  })

  it('the protocol handler passes the request signal on (a dropped request never renders)', async () => {
    const { service, fileId, started, finish } = makeService()
    const handle = createThumbnailProtocolHandler({ base: 'pdf-thumb://', service })
    const busy = handle(new Request(`pdf-thumb://page/${fileId}/1?w=160`))
    const abort = new AbortController()
    const dropped = handle(new Request(`pdf-thumb://page/${fileId}/2?w=160`, { signal: abort.signal }))
    await settle()
    abort.abort()
    expect((await dropped).status).toBe(499)
    await finish(1)
    expect((await busy).status).toBe(200)
    expect(started).toEqual([1])
  })
})
