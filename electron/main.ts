/**
 * Composition root of the desktop app's main process: lifecycle, the privileged `pdf-thumb:`
 * scheme, the window, and the install* calls wiring the plain-Node services (./app/services.ts) to
 * Electron.
 *
 * Invariant: the window runs our page only (dev server or dist/index.html), isolated and sandboxed
 * (./app/window-policy.ts), with navigation and new windows blocked; the renderer reaches main only
 * through the preload's typed API, and each IPC call is checked for its sender and arguments.
 *
 * Build output (vite-plugin-electron):
 *   dist/index.html           renderer, served as app://bundle/index.html
 *   dist-electron/main.js     this file (ESM)
 *   dist-electron/preload.cjs the preload (CJS: sandboxed preloads cannot load ESM)
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, nativeTheme, protocol, session, type Session } from 'electron'
import { createRendererProtocolHandler, RENDERER_ORIGIN, RENDERER_SCHEME } from './app/renderer-protocol.ts'
import { createAppServices, type AppServicesInternals } from './app/services.ts'
import { contentSecurityPolicy, decideWindowOpen, SECURE_WEB_PREFERENCES, withCspHeader } from './app/window-policy.ts'
import { installElectronIpc } from './ipc/electron-ipc.ts'
import { appUrlMatcher, createTrustedSenders } from './ipc/trusted-senders.ts'
import { createElectronPlatform } from './platform/electron-platform.ts'
import type { Platform } from './platform/platform.ts'

const MAIN_DIR = path.dirname(fileURLToPath(import.meta.url))
const APP_ROOT = path.join(MAIN_DIR, '..')
const RENDERER_DIST = path.join(APP_ROOT, 'dist')
/** The page in production: dist/index.html served by the `app:` scheme (not file://, see ./app/renderer-protocol.ts). */
const INDEX_URL = `${RENDERER_ORIGIN}/index.html`
const PRELOAD = path.join(MAIN_DIR, 'preload.cjs')
const DEV_SERVER_URL = process.env['VITE_DEV_SERVER_URL']
/** The scheme serving thumbnails by id (`pdf-thumb://<kind>/<id>`, never a path). */
const THUMB_SCHEME = 'pdf-thumb'

// Must run before `ready`: standard (lowercased host, relative URLs), secure, fetch-able; never bypassCSP.
protocol.registerSchemesAsPrivileged([
  { scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  { scheme: THUMB_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

let mainWindow: BrowserWindow | null = null
let services: AppServicesInternals | null = null
let platform: Platform | null = null
const trusted = createTrustedSenders(appUrlMatcher({ devServerUrl: DEV_SERVER_URL, indexHtmlUrl: INDEX_URL }))

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (mainWindow === null) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault())
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (mainWindow === null && services !== null) createMainWindow()
  })
  let isDisposed = false
  app.on('will-quit', (event) => {
    if (isDisposed || services === null) return
    event.preventDefault()
    isDisposed = true
    void services.dispose().finally(() => app.quit())
  })
  app
    .whenReady()
    .then(onReady)
    .catch((err: unknown) => {
      console.error('PDF to Image failed to start', err)
      app.exit(1)
    })
}

async function onReady(): Promise<void> {
  // The renderer follows prefers-color-scheme; the window background follows along to avoid flashes.
  nativeTheme.themeSource = 'system'
  nativeTheme.on('updated', () => {
    if (mainWindow !== null && !mainWindow.isDestroyed()) mainWindow.setBackgroundColor(windowBackground())
  })
  platform = createElectronPlatform(() => mainWindow)
  services = await createAppServices({ platform, userDataDir: app.getPath('userData'), logToStderr: !app.isPackaged })
  const ses = session.defaultSession
  installContentSecurityPolicy(ses)
  installRendererProtocol(ses)
  installThumbnailProtocol(ses, services)
  installPermissionPolicy(ses)
  installElectronIpc({
    services,
    trusted,
    getTargets: () => (mainWindow === null ? [] : [mainWindow.webContents]),
    logger: services.logger.child('ipc'),
  })
  createMainWindow()
}

/** CSP as a response header on http(s) responses (the dev server); `app:` responses carry it themselves. */
function installContentSecurityPolicy(ses: Session): void {
  const csp = contentSecurityPolicy(DEV_SERVER_URL)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) })
  })
}

/** `app://bundle/` serves dist/ (path-guarded, CSP header on every response). */
function installRendererProtocol(ses: Session): void {
  ses.protocol.handle(RENDERER_SCHEME, createRendererProtocolHandler({ rootDir: RENDERER_DIST, csp: contentSecurityPolicy() }))
}

/** `pdf-thumb://` on the window's session, answered by the services (ids only, never paths). */
function installThumbnailProtocol(ses: Session, appServices: AppServicesInternals): void {
  ses.protocol.handle(THUMB_SCHEME, (request) => appServices.handleThumbnailRequest(request))
}

/** The page never gets camera, geolocation, notifications etc. (notifications come from main). */
function installPermissionPolicy(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
}

function createMainWindow(): void {
  const win = new BrowserWindow({
    width: 1180,
    height: 820,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'PDF to Image',
    backgroundColor: windowBackground(),
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: PRELOAD },
  })
  mainWindow = win
  trusted.add(win.webContents)
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.on('will-redirect', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url)
    if (decision.openExternally && platform !== null) {
      platform.openExternal(url).catch((err: unknown) => services?.logger.warn('cannot open link', { error: err }))
    }
    return { action: decision.action }
  })
  if (DEV_SERVER_URL !== undefined && DEV_SERVER_URL !== '') void win.loadURL(DEV_SERVER_URL)
  else void win.loadURL(INDEX_URL)
}

function windowBackground(): string {
  return nativeTheme.shouldUseDarkColors ? '#1b1b1f' : '#ffffff'
}
