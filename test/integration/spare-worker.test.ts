/**
 * The CLI's first step starts a render worker before any pool exists; the first pool that needs a
 * worker takes that thread instead of starting another (real worker threads, real PDFium).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hasSpareWorker, prestartSpareWorker, RenderWorkerPool, resolveRenderWorkerEntry } from '../../electron/engines/local/worker-pool.ts'
import { makeTextPdf } from '../helpers/local-make-pdf.ts'

const pools: RenderWorkerPool[] = []
afterAll(async () => {
  for (const pool of pools) await pool.close()
})

describe('spare render worker', () => {
  it('is taken by the first pool that needs a worker, which then opens a PDF on it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'spare-'))
    try {
      const pdf = path.join(dir, 'three.pdf')
      await writeFile(pdf, await makeTextPdf(3))
      prestartSpareWorker()
      expect(hasSpareWorker()).toBe(true)
      const pool = new RenderWorkerPool({ size: 1, entry: resolveRenderWorkerEntry() })
      pools.push(pool)
      const lease = await pool.acquire('first')
      expect(hasSpareWorker()).toBe(false)
      expect(pool.liveWorkers).toBe(1)
      const opened = await lease.worker.call('open', { sourcePath: pdf, password: undefined })
      expect(opened.pageCount).toBe(3)
      lease.release()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('is left alone by a pool with another memory cap', async () => {
    prestartSpareWorker()
    const pool = new RenderWorkerPool({ size: 1, entry: resolveRenderWorkerEntry(), maxWorkerMemoryBytes: 64 * 1024 * 1024 })
    pools.push(pool)
    const lease = await pool.acquire('first')
    expect(hasSpareWorker()).toBe(true)
    lease.release()
  })
})
