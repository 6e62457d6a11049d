/**
 * Every invoke channel of the contract is wired end to end: a handler in the services (the
 * dispatcher answers it) and a method on the preload surface (PdfAppApi) that invokes it. Adding a
 * channel to the contract without one of the two fails here.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServicesInternals } from '../../../../electron/app/services.ts'
import { INVOKE_CHANNELS, type InvokeChannel } from '../../../../electron/ipc/contract.ts'
import { API_METHOD_CHANNELS, createPdfAppApi, type PdfAppTransport } from '../../../../electron/ipc/pdf-app-api.ts'
import { createNodePlatform } from '../../../../electron/platform/node-platform.ts'

let dir: string
let services: AppServicesInternals

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'channels-'))
  const platform = createNodePlatform({ rootDir: path.join(dir, 'platform') })
  services = await createAppServices({ platform, userDataDir: path.join(dir, 'user-data'), env: { PDFCO_BASE_URL: 'http://127.0.0.1:9/v1' } })
})
afterAll(async () => {
  await services.dispose()
  await rm(dir, { recursive: true, force: true })
})

describe('invoke channels', () => {
  it('every channel of the contract has exactly one handler in the services', async () => {
    expect([...services.channels].sort()).toEqual([...INVOKE_CHANNELS].sort())
    for (const channel of INVOKE_CHANNELS) {
      // Wrong arguments reach the channel's schema (bad-args naming the channel), never "Unknown channel".
      const result = await services.dispatch(channel, [{ not: 'valid' }, 1, 2, 3])
      expect(result.ok ? 'ok' : result.error.message).not.toMatch(/Unknown channel/)
    }
  })

  it('every channel is invoked by a method of the preload surface (PdfAppApi)', async () => {
    const seen = new Set<InvokeChannel>()
    const transport: PdfAppTransport = {
      invoke: ((channel: InvokeChannel) => {
        seen.add(channel)
        return Promise.resolve({ ok: true, value: { added: [], rejected: [], skippedInFolders: [] } })
      }) as PdfAppTransport['invoke'],
      subscribe: () => () => undefined,
      getPathForFile: (file) => (file.name === 'on-disk.pdf' ? '/tmp/on-disk.pdf' : ''),
    }
    const api = createPdfAppApi(transport)
    for (const method of Object.keys(API_METHOD_CHANNELS) as (keyof typeof API_METHOD_CHANNELS)[]) {
      await (api[method] as (...args: unknown[]) => Promise<unknown>)()
    }
    const file = (name: string) => ({ name, size: 4, arrayBuffer: async () => new ArrayBuffer(4) }) as unknown as File
    await api.registerDroppedFiles([file('on-disk.pdf'), file('in-memory.pdf')])
    expect([...seen].sort()).toEqual([...INVOKE_CHANNELS].sort())
  })
})
