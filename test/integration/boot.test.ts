/**
 * Boot test: the built main and preload bundles, loaded with a stand-in `electron` module
 * (test/helpers/boot/fake-electron.mjs), set up the window, the CSP, the `pdf-thumb` scheme and every
 * IPC channel as the security posture requires. Electron itself cannot be installed here; the
 * bundles are the very files `npm start` / the packaged app run.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INVOKE_CHANNELS, type PdfAppApi } from '../../electron/ipc/contract.ts'
import { BUILT, ensureBuilt, ROOT } from '../helpers/boot/build.ts'

const exec = promisify(execFile)
let dir: string

interface BootReport {
  callsAtImport: string[]
  calls: string[]
  schemes: { scheme: string; privileges: Record<string, boolean> }[]
  sessionProtocols: string[]
  globalProtocols: string[]
  windowOptions: { webPreferences: Record<string, unknown> }
  preloadExists: boolean
  loaded: { file?: string; url?: string }
  appResponses: Record<string, { status: number; type: string | null; csp: string | null; body: string }>
  ipcChannels: string[]
  navigation: Record<string, boolean>
  openHttps: { action: string }
  openFile: { action: string }
  openedExternal: string[]
  headers: Record<string, string[]>
  permission: boolean | null
  settings: { ok: boolean; value?: { hasApiKey: boolean } }
  foreign: { ok: boolean; error?: { code: string } }
  thumb404: number
  thumbTraversal: number
  quitPrevented: boolean
  quitCalls: number
}

const APP_URLS = [
  'app://bundle/index.html',
  'app://bundle/',
  'app://bundle/../package.json',
  'app://bundle/%2e%2e/package.json',
  'app://bundle/assets/..%2f..%2fpackage.json',
  'app://bundle/%2Fetc%2Fpasswd',
  'app://bundle/C:%5Cwindows',
  'app://other/index.html',
  'app://bundle/missing.js',
]

async function boot(env: Record<string, string> = {}): Promise<BootReport> {
  const { stdout } = await exec(process.execPath, [path.join(ROOT, 'test/helpers/boot/run-main.mjs'), BUILT.mainJs], {
    cwd: ROOT,
    env: {
      ...process.env,
      FAKE_ELECTRON_USER_DATA: await mkdtemp(path.join(dir, 'ud-')),
      VITE_DEV_SERVER_URL: '',
      BOOT_APP_URLS: [...APP_URLS, await firstAsset()].join(' '),
      ...env,
    },
    maxBuffer: 8 * 1024 * 1024,
  })
  const line = stdout.split('\n').find((l) => l.startsWith('@@BOOT@@'))
  if (line === undefined) throw new Error(`no report from the boot child:\n${stdout}`)
  return JSON.parse(line.slice('@@BOOT@@'.length)) as BootReport
}

/** `app://bundle/assets/<first .js>` of the built renderer. */
async function firstAsset(): Promise<string> {
  const html = await readFile(BUILT.indexHtml, 'utf8')
  const src = /<script[^>]+src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1]
  if (src === undefined) throw new Error('no script in dist/index.html')
  return `app://bundle/${src}`
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'boot-'))
  await ensureBuilt()
}, 180_000)
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('main bundle', () => {
  let report: BootReport
  beforeAll(async () => {
    report = await boot()
  }, 60_000)

  it('registers pdf-thumb (and app:) as privileged before ready (standard, secure, fetch; never bypassCSP) and handles them on the session', () => {
    expect(report.callsAtImport).toContain('protocol.registerSchemesAsPrivileged')
    expect(report.calls.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(report.calls.indexOf('app.ready'))
    expect(report.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
      { scheme: 'pdf-thumb', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ])
    expect(JSON.stringify(report.schemes)).not.toContain('bypassCSP')
    expect([...report.sessionProtocols].sort()).toEqual(['app', 'pdf-thumb'])
    expect(report.globalProtocols).toEqual([])
    expect(report.thumb404).toBe(404)
    expect(report.thumbTraversal).toBe(404)
  })

  it('creates an isolated, sandboxed window with the CJS preload and loads dist/index.html through app://bundle/', async () => {
    const prefs = report.windowOptions.webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false })
    expect(String(prefs['preload'])).toMatch(/dist-electron[/\\]preload\.cjs$/)
    expect(report.preloadExists).toBe(true)
    expect(report.loaded).toEqual({ url: 'app://bundle/index.html' })
    expect(report.calls).toContain('app.requestSingleInstanceLock')
    const index = report.appResponses['app://bundle/index.html']!
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' })
    expect(index.body).toContain('<!doctype html>')
    expect(index.csp).toContain("default-src 'none'")
    expect(report.appResponses['app://bundle/']?.status).toBe(200)
    const script = report.appResponses[await firstAsset()]!
    expect(script).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' })
    for (const url of APP_URLS.slice(2)) expect([url, report.appResponses[url]?.status]).toEqual([url, 404])
  })

  it('sets a strict CSP header replacing any other, and the page has the same policy in a meta tag', async () => {
    const csp = report.headers['Content-Security-Policy']?.[0] ?? ''
    expect(Object.keys(report.headers).filter((h) => h.toLowerCase() === 'content-security-policy')).toEqual(['Content-Security-Policy'])
    expect(report.headers['X-Other']).toEqual(['1'])
    for (const part of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' pdf-thumb: data:", "connect-src 'self'"]) {
      expect(csp).toContain(part)
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
    const html = await readFile(BUILT.indexHtml, 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(meta).toContain("default-src 'none'")
    expect(meta).toContain("script-src 'self'")
    expect(meta).not.toMatch(/unsafe-inline|unsafe-eval/)
  })

  it('has an ipcMain handler for every channel of the contract, gated by sender', () => {
    expect([...report.ipcChannels].sort()).toEqual([...INVOKE_CHANNELS].sort())
    expect(report.settings).toMatchObject({ ok: true, value: { hasApiKey: false } })
    expect(report.foreign).toMatchObject({ ok: false, error: { code: 'ipc/forbidden' } })
  })

  it('prevents navigation, denies new windows (https goes to the browser), denies permissions', () => {
    expect(report.navigation).toEqual({ 'will-navigate': true, 'will-redirect': true })
    expect(report.openHttps).toEqual({ action: 'deny' })
    expect(report.openFile).toEqual({ action: 'deny' })
    expect(report.openedExternal).toEqual(['https://www.pdf.co/'])
    expect(report.permission).toBe(false)
  })

  it('disposes the services before quitting', () => {
    expect(report.quitPrevented).toBe(true)
    expect(report.quitCalls).toBe(1)
  })

  it('in dev loads the dev server and allows it in the CSP', async () => {
    const dev = await boot({ VITE_DEV_SERVER_URL: 'http://localhost:5173/' })
    expect(dev.loaded).toEqual({ url: 'http://localhost:5173/' })
    expect(dev.headers['Content-Security-Policy']?.[0]).toContain('http://localhost:5173')
  }, 60_000)
})

describe('preload bundle', () => {
  it('runs with only `electron` required and exposes window.pdfApp with one function per PdfAppApi method', async () => {
    const code = await readFile(BUILT.preloadCjs, 'utf8')
    const exposed = new Map<string, Record<string, unknown>>()
    const invoked: { channel: string; args: unknown[] }[] = []
    const listeners = new Map<string, Set<(...a: unknown[]) => void>>()
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (channel: string, ...args: unknown[]) => {
          invoked.push({ channel, args })
          return { ok: true, value: { added: [], rejected: [], skippedInFolders: [] } }
        },
        on: (channel: string, fn: (...a: unknown[]) => void) => void (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(fn),
        removeListener: (channel: string, fn: (...a: unknown[]) => void) => void listeners.get(channel)?.delete(fn),
      },
      webUtils: { getPathForFile: (f: { path?: string }) => f.path ?? '' },
    }
    const required: string[] = []
    const sandboxRequire = (name: string): unknown => {
      required.push(name)
      if (name === 'electron') return fakeElectron
      throw new Error(`sandboxed preload cannot require ${name}`)
    }
    const module = { exports: {} }
    vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, Uint8Array, Promise, Error, console })
    expect(required).toEqual(['electron'])
    expect([...exposed.keys()]).toEqual(['pdfApp'])
    const api = exposed.get('pdfApp')!

    const expected: Record<keyof PdfAppApi, true> = {
      getAppInfo: true,
      revealLog: true,
      pickFiles: true,
      registerDroppedFiles: true,
      removeFile: true,
      unlockFile: true,
      pickOutputFolder: true,
      openOutputFolder: true,
      openOutput: true,
      revealOutput: true,
      startOutputDrag: true,
      startJobs: true,
      cancelJob: true,
      cancelAllJobs: true,
      retryJob: true,
      getResumableBatch: true,
      resumeBatch: true,
      discardResumableBatch: true,
      getSettings: true,
      updateSettings: true,
      setApiKey: true,
      clearApiKey: true,
      checkApiKey: true,
      onJobUpdated: true,
      onOutputAdded: true,
      onBatchFinished: true,
    }
    expect(Object.keys(api).sort()).toEqual(Object.keys(expected).sort())
    for (const fn of Object.values(api)) expect(typeof fn).toBe('function')

    // Each invoke method maps to its channel; every contract channel is reachable.
    const typed = api as unknown as PdfAppApi
    await typed.getAppInfo()
    await typed.unlockFile('id' as never, 'pw')
    await typed.registerDroppedFiles([{ name: 'a.pdf', path: '/a.pdf', size: 1, arrayBuffer: async () => new ArrayBuffer(1) } as unknown as File])
    expect(invoked.map((i) => [i.channel, i.args])).toEqual([
      ['app:get-info', []],
      ['files:unlock', ['id', 'pw']],
      ['files:register-dropped', [['/a.pdf']]],
    ])
    const channelsInBundle = new Set([...code.matchAll(/`([a-z]+:[a-z-]+)`|"([a-z]+:[a-z-]+)"|'([a-z]+:[a-z-]+)'/g)].map((m) => m[1] ?? m[2] ?? m[3]))
    for (const channel of INVOKE_CHANNELS) expect(channelsInBundle).toContain(channel)

    // on* pass the payload only and return a working unsubscribe.
    const seen: unknown[][] = []
    const off = typed.onJobUpdated((...args: unknown[]) => void seen.push(args))
    for (const fn of listeners.get('jobs:updated') ?? []) fn({ sender: 'IpcRendererEvent' }, { id: 'j1' })
    off()
    expect(listeners.get('jobs:updated')?.size).toBe(0)
    expect(seen).toEqual([[{ id: 'j1' }]])
  })
})
