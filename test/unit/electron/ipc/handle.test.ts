import { EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServicesInternals } from '../../../../electron/app/services.ts'
import { INVOKE_CHANNELS } from '../../../../electron/ipc/contract.ts'
import { createChannelHandler, installIpcHandlers, type IpcMainLike } from '../../../../electron/ipc/handle.ts'
import { appUrlMatcher, createTrustedSenders, type IpcEventLike } from '../../../../electron/ipc/trusted-senders.ts'
import { createNodePlatform } from '../../../../electron/platform/node-platform.ts'
import { ERROR_CODES } from '../../../../electron/shared/error-codes.ts'

const INDEX_URL = 'file:///opt/PDF%20to%20Image/resources/app.asar/dist/index.html'
let dir: string
let services: AppServicesInternals

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ipc-'))
  const platform = createNodePlatform({ rootDir: path.join(dir, 'platform') })
  // A closed loopback port: nothing a fuzzed call does can reach the network.
  services = await createAppServices({ platform, userDataDir: path.join(dir, 'user-data'), env: { PDFCO_BASE_URL: 'http://127.0.0.1:9/v1' } })
})
afterAll(async () => {
  await services.dispose()
  await rm(dir, { recursive: true, force: true })
})

function fakeWebContents(id: number): EventEmitter & { id: number } {
  return Object.assign(new EventEmitter(), { id })
}

function event(senderId: number, url = INDEX_URL, parent: unknown = null): IpcEventLike {
  return { sender: { id: senderId }, senderFrame: { url, parent } }
}

describe('IPC sender gate', () => {
  const trusted = createTrustedSenders(appUrlMatcher({ indexHtmlUrl: INDEX_URL }))
  const wc = fakeWebContents(7)
  trusted.add(wc)

  it('answers the main frame of a trusted window on the app page', async () => {
    const handler = createChannelHandler('settings:get', { services, trusted })
    const result = await handler(event(7))
    expect(result).toMatchObject({ ok: true, value: { hasApiKey: false } })
  })

  it('refuses other windows, sub-frames, other pages, a vanished frame and destroyed windows with ipc/forbidden', async () => {
    const handler = createChannelHandler('settings:get', { services, trusted })
    const forbidden = { ok: false, error: { code: 'ipc/forbidden' } }
    expect(await handler(event(8))).toMatchObject(forbidden)
    expect(await handler(event(7, INDEX_URL, { url: INDEX_URL }))).toMatchObject(forbidden)
    expect(await handler(event(7, 'https://evil.example/index.html'))).toMatchObject(forbidden)
    expect(await handler(event(7, 'file:///tmp/dist/index.html'))).toMatchObject(forbidden)
    expect(await handler(event(7, 'not a url'))).toMatchObject(forbidden)
    expect(await handler({ sender: { id: 7 }, senderFrame: null })).toMatchObject(forbidden)
    wc.emit('destroyed')
    expect(trusted.ids.has(7)).toBe(false)
    expect(await handler(event(7))).toMatchObject(forbidden)
  })

  it('in dev trusts the dev server origin only', () => {
    const isApp = appUrlMatcher({ devServerUrl: 'http://localhost:5173/', indexHtmlUrl: INDEX_URL })
    expect(isApp('http://localhost:5173/index.html')).toBe(true)
    expect(isApp('http://localhost:5174/')).toBe(false)
    expect(isApp(INDEX_URL)).toBe(false)
  })

  it('installs a handler for every channel of the contract', () => {
    const channels: string[] = []
    const fake: IpcMainLike = { handle: (c) => void channels.push(c), removeHandler: () => undefined }
    installIpcHandlers(fake, { services, trusted })
    expect(channels.sort()).toEqual([...INVOKE_CHANNELS].sort())
  })
})

describe('argument validation', () => {
  it('answers ipc/bad-args for wrong shapes and unknown channels', async () => {
    const cases: [string, unknown[]][] = [
      ['files:remove', []],
      ['files:remove', ['../../etc/passwd']],
      ['files:remove', ['0f8fad5b-d9cb-469f-a165-70867728950e', 'extra']],
      ['files:unlock', ['0f8fad5b-d9cb-469f-a165-70867728950e', 42]],
      ['files:register-dropped', ['/tmp/a.pdf']],
      ['files:register-dropped-bytes', [[{ name: 'a.pdf', bytes: 'JVBERi0=' }]]],
      ['jobs:start', [{ items: [], format: 'png', overwrite: 'keep-both' }]],
      ['jobs:start', [{ items: [{ fileId: '0f8fad5b-d9cb-469f-a165-70867728950e', pageRange: '' }], format: 'gif', overwrite: 'keep-both' }]],
      ['jobs:start', [{ items: [{ fileId: '0f8fad5b-d9cb-469f-a165-70867728950e', pageRange: '' }], format: 'png', overwrite: 'keep-both', sourcePath: '/etc' }]],
      ['settings:update', [{ apiKey: 'x' }]],
      ['settings:update', [{ concurrency: 99 }]],
      ['settings:set-api-key', [null]],
      ['app:get-info', [1]],
      ['shell:exec', []],
      ['__proto__', []],
    ]
    for (const [channel, args] of cases) {
      const result = await services.dispatch(channel, args)
      expect([channel, result]).toMatchObject([channel, { ok: false, error: { code: 'ipc/bad-args' } }])
    }
  })

  it('fuzz: 100 random payloads per channel all come back as a Result, never a throw', async () => {
    let seed = 0x5eed
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    const str = (): string => Array.from({ length: Math.floor(rand() * 12) }, () => pick([...'abc019-_. %:é\u0000'])).join('')
    const value = (depth: number): unknown => {
      const kinds = depth > 2 ? 6 : 9
      switch (Math.floor(rand() * kinds)) {
        case 0:
          return str()
        case 1:
          return Math.floor(rand() * 2000) - 1000
        case 2:
          return rand() < 0.5
        case 3:
          return null
        case 4:
          return undefined
        case 5:
          return pick([NaN, Infinity, 1e308, -0, 0.5, '0f8fad5b-d9cb-469f-a165-70867728950e', 'png', 'overwrite'])
        case 6:
          return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1))
        case 7:
          return Object.fromEntries(
            Array.from({ length: Math.floor(rand() * 4) }, () => [
              pick(['items', 'format', 'fileId', 'pageRange', 'baseUrl', 'concurrency', 'name', 'bytes', '__proto__', str()]),
              value(depth + 1),
            ]),
          )
        default:
          return new Uint8Array(Math.floor(rand() * 8))
      }
    }
    let answered = 0
    for (const channel of INVOKE_CHANNELS) {
      for (let i = 0; i < 100; i++) {
        const args = Array.from({ length: Math.floor(rand() * 3) }, () => value(0))
        const result = await services.dispatch(channel, args)
        expect(typeof result.ok).toBe('boolean')
        if (!result.ok) expect(ERROR_CODES).toContain(result.error.code)
        answered++
      }
    }
    expect(answered).toBe(INVOKE_CHANNELS.length * 100)
    expect((await services.dispatch('settings:get', [])).ok).toBe(true)
  })
})
