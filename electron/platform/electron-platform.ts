/**
 * The real {@link Platform}: Electron's dialog, shell, safeStorage, Notification and the main
 * BrowserWindow. One of the three files allowed to import `electron` (with main.ts and preload.ts).
 *
 * Must be created after `app` is ready (safeStorage and Notification need it).
 */
import { app, dialog, nativeImage, Notification, safeStorage, shell, type BrowserWindow } from 'electron'
import { FileError } from '../errors.ts'
import { assertHttpsUrl, normaliseProgress, type Platform } from './platform.ts'

/**
 * Creates the Electron platform bound to the window `getWindow()` returns (null while there is none).
 */
export function createElectronPlatform(getWindow: () => BrowserWindow | null): Platform {
  const liveWindow = (): BrowserWindow | null => {
    const win = getWindow()
    return win !== null && !win.isDestroyed() ? win : null
  }
  const picturesDir = (): string | null => {
    try {
      return app.getPath('pictures')
    } catch {
      return null
    }
  }
  return {
    kind: 'electron',
    appVersion: app.getVersion(),
    osPlatform: process.platform,
    dirs: {
      userData: app.getPath('userData'),
      logs: app.getPath('logs'),
      pictures: picturesDir(),
      home: app.getPath('home'),
    },
    async showOpenFilesDialog({ title, filters }) {
      const win = liveWindow()
      const options: Electron.OpenDialogOptions = {
        title,
        filters: filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
        properties: ['openFile', 'multiSelections'],
      }
      const result = win === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(win, options)
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths
    },
    async showOpenFolderDialog({ title, defaultPath }) {
      const win = liveWindow()
      const options: Electron.OpenDialogOptions = {
        title,
        properties: ['openDirectory', 'createDirectory'],
        ...(defaultPath === undefined ? {} : { defaultPath }),
      }
      const result = win === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(win, options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
    async openPath(absolutePath) {
      const message = await shell.openPath(absolutePath)
      if (message !== '') throw new FileError('file/unreadable', `Cannot open ${absolutePath}: ${message}`)
    },
    showItemInFolder(absolutePath) {
      shell.showItemInFolder(absolutePath)
    },
    startFileDrag({ absolutePath, iconPng }) {
      liveWindow()?.webContents.startDrag({ file: absolutePath, icon: nativeImage.createFromBuffer(Buffer.from(iconPng)) })
    },
    async openExternal(url) {
      await shell.openExternal(assertHttpsUrl(url))
    },
    secrets: {
      isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
      encryptString: (plainText) => safeStorage.encryptString(plainText),
      decryptString: (encrypted) => safeStorage.decryptString(encrypted),
    },
    showNotification({ title, body }) {
      if (!Notification.isSupported()) return
      const notification = new Notification({ title, body })
      notification.on('click', () => {
        const win = liveWindow()
        if (win === null) return
        if (win.isMinimized()) win.restore()
        win.focus()
      })
      notification.show()
    },
    setProgressBar(fraction, mode = 'normal') {
      liveWindow()?.setProgressBar(normaliseProgress(fraction), { mode })
    },
    isWindowFocused: () => liveWindow()?.isFocused() ?? false,
  }
}
