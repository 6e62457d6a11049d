/**
 * Security, services-level and CLI-level:
 * - the API key reaches no renderer-bound data (every IPC answer and every event), no log line, no
 *   error, no file the app writes (settings, journal, caches: the whole user-data folder), and no
 *   CLI output (--json or not, failures, a killed run) — also when a hostile server echoes the key
 *   back in its error messages and links;
 * - IPC: hundreds of invalid payloads per channel all answered `ipc/bad-args`, nothing crashes,
 *   nothing gets polluted; untrusted senders are refused before any handler runs;
 * - the image protocol never serves anything for generated path-like or foreign URLs;
 * - `openExternal` only opens https, and new windows are always denied.
 * The CSP part runs in Chromium (csp.test.ts).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServices } from '../helpers/services-on-emulator.ts'
import type { AppServicesInternals } from '../../electron/app/services.ts'
import { decideWindowOpen } from '../../electron/app/window-policy.ts'
import { INVOKE_CHANNELS, INVOKE_CONTRACT } from '../../electron/ipc/contract.ts'
import { createChannelHandler } from '../../electron/ipc/handle.ts'

import { appUrlMatcher, createTrustedSenders } from '../../electron/ipc/trusted-senders.ts'
import { createNodePlatform, type NodePlatform } from '../../electron/platform/node-platform.ts'
import type { Result } from '../../electron/shared/error-codes.ts'
import { makeEncryptedPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'
import { SMALL_PAGE, spawnCli, waitUntil } from '../helpers/reliability.ts'

const KEY = 'sk-LEAKCHECK-7f3a9c2e51d0'
/** Every form the key could leak in. */
const FORMS = [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString('base64'), Buffer.from(KEY).toString('hex'), KEY.slice(3, 20)]
let emu: Emulator
let echo: Server
let echoUrl: string
let dir: string
/** Answers of the echo server that quoted the real key (so a leak would have had something to leak). */
let echoedKeys = 0

function expectNoKey(what: string, text: string): void {
  for (const form of FORMS) expect(text.includes(form), `${what} contains the key (${form})`).toBe(false)
}

/** Every file under a folder, concatenated (binary-safe enough to search for ASCII forms). */
async function allFiles(root: string): Promise<{ names: string[]; text: string }> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
  const names: string[] = []
  let text = ''
  for (const e of entries) {
    if (!e.isFile()) continue
    const p = path.join(e.parentPath, e.name)
    // A finished batch's journal may be deleted while we read (checked deterministically in
    // app-resume.test.ts after a quit, and here for the CLI's kept journals).
    const data = await readFile(p).catch(() => null)
    if (data === null) continue
    names.push(path.relative(root, p))
    text += `\n${p}\n${data.toString('latin1')}`
  }
  return { names, text }
}

/** A hostile "PDF.co": answers every call with an error quoting the key it received, in the message and a link. */
async function startEcho(): Promise<void> {
  echo = createServer((req, res) => {
    const key = String(req.headers['x-api-key'] ?? '')
    if (key === KEY) echoedKeys++
    req.resume()
    req.on('end', () => {
      const body = JSON.stringify({
        error: true,
        status: 400,
        message: `Key ${key} is not valid here; see https://x.example/help?x-api-key=${encodeURIComponent(key)}&k=${key}`,
        url: `https://x.example/${key}/file.pdf`,
      })
      res.writeHead(400, { 'content-type': 'application/json', 'x-echo': key })
      res.end(body)
    })
  })
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()))
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v1`
}

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  await startEcho()
  dir = await mkdtemp(path.join(os.tmpdir(), 'security-'))
})
afterAll(async () => {
  await emu?.close()
  await new Promise<void>((r) => echo?.close(() => r()))
  await rm(dir, { recursive: true, force: true })
})

describe('the API key stays in main (services)', () => {
  let platform: NodePlatform
  let services: AppServicesInternals
  const outbound: string[] = []

  beforeAll(async () => {
    ;({ platform, services } = await createTestServices({
      dir,
      baseUrl: emu.baseUrl,
      pdfcoEngineOptions: { pollSchedule: { firstDelayMs: 20, minDelayMs: 15, maxDelayMs: 80, factor: 1.3 } },
    }))
    services.onEvent((channel, payload) => outbound.push(JSON.stringify({ channel, payload })))
  })
  afterAll(async () => {
    await services?.dispose()
  })

  /** Calls a channel and keeps its answer as renderer-bound data. */
  async function call<T = unknown>(channel: string, ...args: unknown[]): Promise<Result<T>> {
    const result = (await services.dispatch(channel, args)) as Result<T>
    outbound.push(JSON.stringify({ channel, result }))
    return result
  }
  const batchEnds = () => outbound.filter((o) => o.includes('"batch:finished"')).length

  it('a whole session (key set and checked, conversions ok and failing, a hostile server echoing the key) leaks it nowhere', async () => {
    const out = path.join(dir, 'out')
    platform.dialogs.queueOpenFolder(out)
    await call('output:pick-folder')
    await call('settings:get')
    expect(await call('settings:set-api-key', KEY)).toMatchObject({ ok: true, value: { hasApiKey: true } })
    expect(await call('settings:check-key')).toMatchObject({ ok: true })
    const a = await makePagesPdf(dir, 'a.pdf', 3, SMALL_PAGE)
    const b = await makePagesPdf(dir, 'b.pdf', 2, SMALL_PAGE)
    const locked = await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'pw-9876', pages: 1 })
    const added = await call<{ added: { id: string }[] }>('files:register-dropped', [a, b, locked])
    const ids = added.ok ? added.value.added.map((f) => f.id) : []
    expect(ids).toHaveLength(3)
    await call('files:unlock', ids[2], 'wrong')
    await call('files:unlock', ids[2], 'pw-9876')

    // A good batch, then one where a job fails.
    let ends = batchEnds()
    await call('jobs:start', { items: ids.map((fileId) => ({ fileId, pageRange: '' })), format: 'png', overwrite: 'keep-both' })
    await waitUntil(() => batchEnds() > ends, 'first batch', 30_000, 10)
    emu.faults.jobOutcome = 'failed'
    ends = batchEnds()
    await call('jobs:start', { items: [{ fileId: ids[0], pageRange: '1' }], format: 'jpg', overwrite: 'keep-both' })
    await waitUntil(() => batchEnds() > ends, 'failing batch', 30_000, 10)
    emu.faults.jobOutcome = 'success'

    // A hostile server quoting the key in its errors.
    await call('settings:update', { baseUrl: echoUrl })
    const checked = await call('settings:check-key')
    expect(checked.ok).toBe(false)
    ends = batchEnds()
    await call('jobs:start', { items: [{ fileId: ids[1], pageRange: '' }], format: 'png', overwrite: 'keep-both' })
    await waitUntil(() => batchEnds() > ends, 'echo batch', 30_000, 10)
    await call('settings:update', { baseUrl: emu.baseUrl })
    await call('settings:get')
    expect(echoedKeys).toBeGreaterThan(0)

    // Everything the renderer received.
    expect(outbound.some((o) => o.includes('"stage":"done"'))).toBe(true)
    expect(outbound.some((o) => o.includes('"stage":"failed"'))).toBe(true)
    expectNoKey('renderer-bound data', outbound.join('\n'))
    // Everything main wrote: settings, log, journal, caches.
    await services.logFile.logger('test').info('flush')
    const written = await allFiles(path.join(dir, 'user-data'))
    expect(written.names).toContain('settings.json')
    expect(written.names.some((n) => n.endsWith('.log'))).toBe(true)
    expectNoKey('user-data files', written.text)
    expectNoKey('platform files', (await allFiles(path.join(dir, 'platform'))).text)
    // The output folder holds images only.
    expectNoKey('output folder', (await allFiles(out)).text)
  })
})

describe('the API key stays out of CLI output', () => {
  const runCli = (args: string[], base: string, state: string) =>
    spawnCli(args, { cwd: dir, env: { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: base, PDF_TO_IMAGE_STATE_DIR: state } })

  it('--json and line output, success and failures, a server echoing the key, a killed run, the journal', async () => {
    const pdf = await makePagesPdf(dir, 'cli.pdf', 2, SMALL_PAGE)
    const state = path.join(dir, 'cli-state')
    const texts: string[] = []
    for (const [args, base] of [
      [[pdf, path.join(dir, 'missing.pdf'), '--json', '--out', path.join(dir, 'cli-1')], emu.baseUrl],
      [[pdf, '--json', '--out', path.join(dir, 'cli-3')], echoUrl],
      [[pdf, '--out', path.join(dir, 'cli-4')], echoUrl],
      [['--resume', '--out', path.join(dir, 'cli-3'), '--json'], echoUrl],
    ] as const) {
      const run = runCli([...args], base, state)
      await run.exited
      texts.push(run.stdout(), run.stderr())
    }
    expect(texts.join('\n')).toMatch(/pdfco\/bad-request/)
    expect(texts.join('\n')).toMatch(/\[redacted\]/) // the echoed key was there, and was removed
    // A run killed in the middle.
    emu.faults.processingMsPerPage = 2_000
    const from = emu.requests.length
    const killed = runCli([pdf, '--out', path.join(dir, 'cli-6')], emu.baseUrl, state)
    await waitUntil(() => emu.requests.slice(from).some((r) => r.path.startsWith('/v1/pdf/convert')), 'a submitted job')
    killed.child.kill('SIGKILL')
    await killed.exited
    emu.faults.processingMsPerPage = 0
    texts.push(killed.stdout(), killed.stderr())
    expectNoKey('CLI output', texts.join('\n'))
    const journal = await allFiles(state)
    expect(journal.names.length).toBeGreaterThan(0) // the failed and killed runs left journals
    expectNoKey('CLI journal', journal.text)
  }, 240_000) // five CLI runs through a TypeScript loader: slow on a loaded 2-core machine
})

describe('IPC', () => {
  let services: AppServicesInternals
  beforeAll(async () => {
    ;({ services } = await createTestServices({
      dir,
      platformDir: path.join(dir, 'fuzz-platform'),
      userDataDir: path.join(dir, 'fuzz-user-data'),
      // A closed loopback port: nothing a fuzzed call does can reach a network.
      baseUrl: 'http://127.0.0.1:9/v1',
    }))
  })
  afterAll(async () => {
    await services?.dispose()
  })

  it('300 invalid payloads per channel: every one answered ipc/bad-args, no crash, no prototype pollution', async () => {
    let seed = 0xbadc0de
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed / 0x100000000
    }
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    const hostileStrings = [
      '../../../../etc/passwd',
      '/etc/shadow',
      'C:\\Windows\\System32\\config\\SAM',
      '\\\\server\\share\\x.pdf',
      'file:///etc/passwd',
      'javascript:alert(1)',
      '\u0000',
      '%2e%2e%2f',
      'x'.repeat(70_000),
      '0F8FAD5B-D9CB-469F-A165-70867728950E',
      '0f8fad5b-d9cb-469f-a165-70867728950e/../x',
      '<script>alert(1)</script>',
      'png',
      'overwrite',
    ]
    const value = (depth: number): unknown => {
      switch (Math.floor(rand() * (depth > 3 ? 7 : 11))) {
        case 0:
          return pick(hostileStrings)
        case 1:
          return Math.floor(rand() * 4000) - 2000
        case 2:
          return pick([NaN, Infinity, -Infinity, 1e308, -0, 2 ** 53 + 1, 0.5])
        case 3:
          return pick([null, undefined, true, false])
        case 4:
          return BigInt(7)
        case 5:
          return pick([new Uint8Array(3), new Date(0), new Map(), new Set([1]), /x/, Symbol('s')])
        case 6:
          return () => 1
        case 7:
          return Array.from({ length: Math.floor(rand() * 5) }, () => value(depth + 1))
        case 8:
          return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}')
        case 9: {
          const deep: unknown[] = []
          let cur = deep
          for (let i = 0; i < 5_000; i++) {
            const next: unknown[] = []
            cur.push(next)
            cur = next
          }
          return deep
        }
        default:
          return Object.fromEntries(
            Array.from({ length: 1 + Math.floor(rand() * 4) }, () => [
              pick(['items', 'format', 'overwrite', 'engine', 'fileId', 'pageRange', 'baseUrl', 'concurrency', 'name', 'bytes', 'sourcePath', 'apiKey']),
              value(depth + 1),
            ]),
          )
      }
    }
    const perChannel: Record<string, number> = {}
    for (const channel of INVOKE_CHANNELS) {
      const schema = INVOKE_CONTRACT[channel].args
      let refused = 0
      for (let tries = 0; refused < 300 && tries < 3_000; tries++) {
        const args = Array.from({ length: Math.floor(rand() * 4) }, () => value(0))
        let valid: boolean
        try {
          valid = schema.safeParse(args).success
        } catch {
          valid = false
        }
        if (valid) continue // rare: a random payload that happens to fit; not part of this check
        const result = await services.dispatch(channel, args)
        expect([channel, result.ok, result.ok ? null : result.error.code]).toEqual([channel, false, 'ipc/bad-args'])
        refused++
      }
      perChannel[channel] = refused
    }
    for (const channel of INVOKE_CHANNELS) expect([channel, perChannel[channel]]).toEqual([channel, 300])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    // Non-array argument lists and unknown channels too.
    for (const args of [null, undefined, 'x', { 0: 1, length: 1 }]) {
      expect(await services.dispatch('settings:get', args as unknown as unknown[])).toMatchObject({ ok: false, error: { code: 'ipc/bad-args' } })
    }
    for (const channel of ['', 'constructor', '__proto__', 'hasOwnProperty', 'settings:get ', 'SETTINGS:GET', 'shell:open-external']) {
      expect(await services.dispatch(channel, [])).toMatchObject({ ok: false, error: { code: 'ipc/bad-args' } })
    }
    expect(await services.dispatch('settings:get', [])).toMatchObject({ ok: true })
  })

  it('untrusted senders are refused on every channel before any handler runs', async () => {
    const INDEX = 'file:///opt/app/resources/app.asar/dist/index.html'
    const trusted = createTrustedSenders(appUrlMatcher({ indexHtmlUrl: INDEX }))
    trusted.add({ id: 1, once: () => undefined })
    let dispatched = 0
    const counting = { dispatch: (c: string, a: readonly unknown[]) => ((dispatched++), services.dispatch(c, a)) }
    const senders = [
      { sender: { id: 2 }, senderFrame: { url: INDEX, parent: null } }, // another window
      { sender: { id: 1 }, senderFrame: { url: INDEX, parent: { url: INDEX } } }, // a sub-frame
      { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/', parent: null } }, // navigated away
      { sender: { id: 1 }, senderFrame: { url: 'file:///tmp/evil/index.html', parent: null } },
      { sender: { id: 1 }, senderFrame: { url: `${INDEX}/../../evil.html`, parent: null } },
      { sender: { id: 1 }, senderFrame: null },
      { sender: {}, senderFrame: { url: INDEX, parent: null } },
    ]
    for (const channel of INVOKE_CHANNELS) {
      const handler = createChannelHandler(channel, { services: counting, trusted })
      for (const event of senders) {
        expect(await handler(event as never, 'x')).toMatchObject({ ok: false, error: { code: 'ipc/forbidden' } })
      }
    }
    expect(dispatched).toBe(0)
    const ok = await createChannelHandler('settings:get', { services: counting, trusted })({ sender: { id: 1 }, senderFrame: { url: INDEX, parent: null } })
    expect(ok).toMatchObject({ ok: true })
    expect(dispatched).toBe(1)
  })

  it('the image protocol serves nothing for 600 generated path-like, foreign or malformed URLs', async () => {
    const parts = ['output', 'page', '..', '.', '%2e%2e', '%2F', '%5C', 'etc', 'passwd', '', '0f8fad5b-d9cb-469f-a165-70867728950e', 'C:', '%00', '..%c0%af', '\u2025']
    const schemes = ['pdf-thumb://', 'pdf-thumb:///', 'file://', 'http://127.0.0.1/', 'app://bundle/']
    let seed = 99
    const rand = (): number => {
      seed = (Math.imul(seed, 48271) + 1) >>> 0
      return seed / 0x100000000
    }
    const statuses = new Map<number, number>()
    for (let i = 0; i < 600; i++) {
      const segs = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => parts[Math.floor(rand() * parts.length)])
      const url = `${schemes[Math.floor(rand() * schemes.length)]}${segs.join('/')}${rand() < 0.5 ? '?w=160' : ''}`
      let status: number
      try {
        status = (await services.handleThumbnailRequest(new Request(url))).status
      } catch {
        status = -1 // a URL the Request constructor itself refuses never reaches the handler
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      expect([url, status === 200]).toEqual([url, false])
    }
    expect([...statuses.keys()].every((s) => s === 400 || s === 404 || s === -1)).toBe(true)
  })
})

describe('links and windows', () => {
  it('openExternal opens https only; new windows are always denied', async () => {
    const platform = createNodePlatform({ rootDir: path.join(dir, 'links') })
    const refused = [
      'http://example.com',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'vbscript:msgbox',
      'ftp://x',
      '//example.com',
      'example.com',
      'https//example.com',
      ' ',
    ]
    for (const url of refused) await expect(platform.openExternal(url), url).rejects.toMatchObject({ code: 'input/invalid' })
    await platform.openExternal('https://app.pdf.co/')
    await platform.openExternal('HTTPS://Example.com/a?b=c')
    expect(platform.recorded.openedExternal).toEqual(['https://app.pdf.co/', 'https://example.com/a?b=c'])
    for (const url of [...refused, 'https://example.com']) {
      const d = decideWindowOpen(url)
      expect(d.action).toBe('deny')
      expect(d.openExternally).toBe(url === 'https://example.com')
    }
  })
})
