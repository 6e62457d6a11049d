import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveRenderWorkerEntry } from '../../../../../electron/engines/local/worker-pool.ts'

describe('render worker entry', () => {
  afterEach(() => {
    delete process.env['PDF_LOCAL_RENDER_WORKER']
  })

  it('from TypeScript source: the sibling render-worker.ts, started through tsx', () => {
    const entry = resolveRenderWorkerEntry()
    expect(entry.typescript).toBe(true)
    expect(entry.url.href).toBe(pathToFileURL(path.resolve(import.meta.dirname, '../../../../../electron/engines/local/render-worker.ts')).href)
  })

  it('an explicit path or the env variable wins; .js entries start without tsx', () => {
    const given = resolveRenderWorkerEntry('/opt/app/dist-electron/render-worker.js')
    expect(given).toEqual({ url: pathToFileURL('/opt/app/dist-electron/render-worker.js'), typescript: false })
    process.env['PDF_LOCAL_RENDER_WORKER'] = 'file:///x/render-worker.ts'
    expect(resolveRenderWorkerEntry().url.href).toBe('file:///x/render-worker.ts')
    expect(resolveRenderWorkerEntry().typescript).toBe(true)
  })
})
