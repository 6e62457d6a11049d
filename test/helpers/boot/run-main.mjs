// Child process of the boot test: loads the built dist-electron/main.js with the stand-in
// electron, fires `ready`, pokes the window's handlers and prints what happened as JSON.
import { register } from 'node:module'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'


register('./hooks.mjs', import.meta.url)
const mainJs = process.argv[2]
if (process.env.FAKE_ELECTRON_PACKAGED === '1') process.resourcesPath = '/opt/pdf-to-image/resources'

const { app, record } = await import('./fake-electron.mjs')
const callsBeforeImport = record.calls.length
await import(pathToFileURL(mainJs).href)
const callsAtImport = record.calls.slice(callsBeforeImport)
app.fireReady()

const until = Date.now() + 20_000
while (record.windows.length === 0) {
  if (Date.now() > until) throw new Error('no window was created')
  await new Promise((r) => setTimeout(r, 10))
}
const win = record.windows[0]
const wc = win.webContents

// Navigation, new windows.
const navigation = {}
for (const name of ['will-navigate', 'will-redirect']) {
  let prevented = false
  wc.emit(name, { preventDefault: () => (prevented = true) }, 'https://evil.example/')
  navigation[name] = prevented
}
const openHttps = wc.windowOpenHandler?.({ url: 'https://www.pdf.co/' })
const openFile = wc.windowOpenHandler?.({ url: 'file:///etc/passwd' })
await new Promise((r) => setTimeout(r, 20))

// CSP header.
let headers = null
record.onHeadersReceived?.({ url: 'http://localhost/', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } }, (r) => {
  headers = r.responseHeaders
})

// Permission requests.
let permission = null
record.permissionHandler?.(wc, 'media', (allowed) => (permission = allowed))

// IPC: a trusted call and a foreign one.
const indexUrl = win.loaded?.url ?? ''
const settings = await record.ipcHandlers.get('settings:get')?.({ sender: { id: wc.id }, senderFrame: { url: indexUrl, parent: null } })
const foreign = await record.ipcHandlers.get('settings:get')?.({ sender: { id: 999 }, senderFrame: { url: indexUrl, parent: null } })

// Thumbnail protocol.
const thumbHandler = record.sessionProtocols.find((p) => p.scheme === 'pdf-thumb')?.fn
const thumb404 = thumbHandler ? (await thumbHandler(new Request('pdf-thumb://output/0f8fad5b-d9cb-469f-a165-70867728950e?w=160'))).status : null
const thumbTraversal = thumbHandler ? (await thumbHandler(new Request('pdf-thumb://output/..%2f..%2fetc%2fpasswd?w=160'))).status : null

// Renderer protocol (app://bundle/).
const appHandler = record.sessionProtocols.find((p) => p.scheme === 'app')?.fn
const appResponses = {}
if (appHandler) {
  for (const url of process.env.BOOT_APP_URLS?.split(' ') ?? []) {
    const res = await appHandler(new Request(url))
    appResponses[url] = { status: res.status, type: res.headers.get('content-type'), csp: res.headers.get('content-security-policy'), body: res.status === 200 ? (await res.text()).slice(0, 200) : '' }
  }
}

// Quit: services are disposed, then quit is called again.
let quitPrevented = false
app.emit('will-quit', { preventDefault: () => (quitPrevented = true) })
const quitUntil = Date.now() + 10_000
while (record.quit === 0 && Date.now() < quitUntil) await new Promise((r) => setTimeout(r, 10))

const out = {
  callsAtImport,
  calls: record.calls,
  schemes: record.schemes,
  sessionProtocols: record.sessionProtocols.map((p) => p.scheme),
  globalProtocols: record.handledProtocols.map((p) => p.scheme),
  windowOptions: win.options,
  preloadExists: existsSync(win.options.webPreferences.preload),
  loaded: win.loaded,
  appResponses,
  ipcChannels: [...record.ipcHandlers.keys()],
  navigation,
  openHttps,
  openFile,
  openedExternal: record.openedExternal,
  headers,
  permission,
  settings,
  foreign,
  thumb404,
  thumbTraversal,
  quitPrevented,
  quitCalls: record.quit,
  userDataFiles: path.join(process.env.FAKE_ELECTRON_USER_DATA ?? '', 'user-data'),
}
process.stdout.write(`\n@@BOOT@@${JSON.stringify(out)}\n`)
process.exit(0)
