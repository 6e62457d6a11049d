// A stand-in for the `electron` module: just enough surface for dist-electron/main.js and
// preload.cjs, recording every call in `record` so the boot test can assert on it.
import { EventEmitter } from 'node:events'
import path from 'node:path'

export const record = {
  calls: [],
  schemes: null,
  handledProtocols: [],
  sessionProtocols: [],
  windows: [],
  ipcHandlers: new Map(),
  onHeadersReceived: null,
  permissionHandler: null,
  exposed: new Map(),
  openedExternal: [],
  quit: 0,
}
const log = (name) => record.calls.push(name)

class FakeApp extends EventEmitter {
  isPackaged = process.env.FAKE_ELECTRON_PACKAGED === '1'
  #ready = false
  #readyWaiters = []
  requestSingleInstanceLock() {
    log('app.requestSingleInstanceLock')
    return true
  }
  whenReady() {
    log('app.whenReady')
    return this.#ready ? Promise.resolve() : new Promise((resolve) => this.#readyWaiters.push(resolve))
  }
  /** Called by the test driver. */
  fireReady() {
    log('app.ready')
    this.#ready = true
    for (const w of this.#readyWaiters.splice(0)) w()
    this.emit('ready')
  }
  isReady() {
    return this.#ready
  }
  getPath(name) {
    return path.join(process.env.FAKE_ELECTRON_USER_DATA ?? '/tmp/fake-electron', name === 'userData' ? 'user-data' : name)
  }
  getVersion() {
    return '0.0.0-fake'
  }
  quit() {
    record.quit++
    log('app.quit')
  }
  exit(code) {
    log(`app.exit(${code})`)
  }
}
export const app = new FakeApp()

class FakeWebContents extends EventEmitter {
  static nextId = 1
  id = FakeWebContents.nextId++
  windowOpenHandler = null
  sent = []
  mainFrame = { url: '', parent: null }
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn
  }
  isDestroyed() {
    return false
  }
  send(channel, payload) {
    this.sent.push({ channel, payload })
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super()
    log('new BrowserWindow')
    this.options = options
    this.webContents = new FakeWebContents()
    this.loaded = null
    this.progress = []
    record.windows.push(this)
  }
  loadURL(url) {
    this.loaded = { url }
    this.webContents.mainFrame.url = url
    return Promise.resolve()
  }
  loadFile(file) {
    this.loaded = { file }
    return Promise.resolve()
  }
  isDestroyed() {
    return false
  }
  isMinimized() {
    return false
  }
  isFocused() {
    return true
  }
  restore() {}
  focus() {}
  show() {}
  setBackgroundColor() {}
  setProgressBar(v) {
    this.progress.push(v)
  }
  static getAllWindows() {
    return record.windows
  }
}

export const ipcMain = {
  handle(channel, fn) {
    if (record.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`)
    record.ipcHandlers.set(channel, fn)
  },
  removeHandler(channel) {
    record.ipcHandlers.delete(channel)
  },
}

export const nativeTheme = Object.assign(new EventEmitter(), { themeSource: 'light', shouldUseDarkColors: false })

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    log('protocol.registerSchemesAsPrivileged')
    record.schemes = schemes
  },
  handle(scheme, fn) {
    log(`protocol.handle(${scheme})`)
    record.handledProtocols.push({ scheme, fn })
  },
}

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived(fn) {
        record.onHeadersReceived = fn
      },
    },
    protocol: {
      handle(scheme, fn) {
        log(`session.protocol.handle(${scheme})`)
        record.sessionProtocols.push({ scheme, fn })
      },
    },
    setPermissionRequestHandler(fn) {
      record.permissionHandler = fn
    },
  },
}

export const dialog = {
  async showOpenDialog() {
    return { canceled: true, filePaths: [] }
  },
}
export class Notification extends EventEmitter {
  static isSupported() {
    return true
  }
  show() {}
}
export const safeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: () => {
    throw new Error('unavailable')
  },
  decryptString: () => {
    throw new Error('unavailable')
  },
}
export const shell = {
  async openPath() {
    return ''
  },
  showItemInFolder() {},
  async openExternal(url) {
    record.openedExternal.push(url)
  },
}

// Preload side.
export const nativeImage = {
  createFromBuffer: (buffer) => ({ isEmpty: () => buffer.length === 0, toPNG: () => buffer }),
}

export const contextBridge = {
  exposeInMainWorld(key, api) {
    record.exposed.set(key, api)
  },
}
export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoked: [],
  async invoke(channel, ...args) {
    ipcRenderer.invoked.push({ channel, args })
    return { ok: true, value: null }
  },
})
export const webUtils = {
  getPathForFile(file) {
    return file.path ?? ''
  },
}

export default { app, BrowserWindow, ipcMain, nativeTheme, protocol, session, dialog, Notification, safeStorage, shell, nativeImage, contextBridge, ipcRenderer, webUtils }
