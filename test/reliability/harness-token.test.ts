/**
 * The browser harness's WebSocket needs the run's random token, which only the page gets (through
 * the URL the harness opens, turned into an HttpOnly cookie): a local process that sends the right
 * Origin header but has no token is refused before the socket opens, and no call reaches the
 * services.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startHarnessServer, type HarnessServer } from '../harness/server.ts'
import { encodeWire } from '../harness/wire.ts'

let dir: string
let harness: HarnessServer
const dispatched: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'harness-token-'))
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>x</title>')
  harness = await startHarnessServer({
    distDir: dir,
    createServices: async () => ({
      dispatch: async (channel) => {
        dispatched.push(channel)
        return { ok: true, value: 'answered' }
      },
      onEvent: () => () => undefined,
      handleThumbnailRequest: async () => new Response(null, { status: 404 }),
    }),
  })
})
afterAll(async () => {
  await harness?.close()
  await rm(dir, { recursive: true, force: true })
})

/** Opens `/ipc` with these headers; resolves with 'open' + the first answer, or the refusal. */
function connect(headers: Record<string, string>): Promise<{ opened: boolean; status?: number; answer?: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${harness.origin.replace(/^http/, 'ws')}/ipc`, { headers })
    socket.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode })
      socket.terminate()
    })
    socket.on('error', () => resolve({ opened: false }))
    socket.on('open', () => {
      socket.send(encodeWire({ type: 'invoke', id: 1, channel: 'settings:get', args: [] }))
      socket.once('message', (data) => {
        resolve({ opened: true, answer: String(data) })
        socket.close()
      })
    })
  })
}

describe('harness WebSocket', () => {
  it('refuses a local client with the right Origin but no token (401), and one with a wrong token', async () => {
    expect(await connect({ origin: harness.origin })).toEqual({ opened: false, status: 401 })
    expect(await connect({ origin: harness.origin, cookie: `pdf-harness-${new URL(harness.origin).port}=${'A'.repeat(43)}` })).toEqual({ opened: false, status: 401 })
    expect(dispatched).toEqual([])
  })

  it('the page URL holds the token: it becomes an HttpOnly cookie, and with it the socket works', async () => {
    expect(harness.url).toMatch(/\?token=[A-Za-z0-9_-]{43}$/)
    const res = await fetch(harness.url, { redirect: 'manual' })
    expect(res.status).toBe(303)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/)
    const pair = cookie.split(';')[0] ?? ''
    // The right cookie from a foreign origin is still refused.
    expect(await connect({ origin: 'http://evil.example', cookie: pair })).toEqual({ opened: false, status: 403 })
    const ok = await connect({ origin: harness.origin, cookie: pair })
    expect(ok.opened).toBe(true)
    expect(ok.answer).toContain('answered')
    expect(dispatched).toEqual(['settings:get'])
    // A wrong token in the URL gets no cookie.
    const wrong = await fetch(`${harness.origin}/?token=nope`, { redirect: 'manual' })
    expect(wrong.status).toBe(403)
    expect(wrong.headers.get('set-cookie')).toBeNull()
  })
})
