/**
 * The platform seam: every Electron-only capability the services need, behind one small interface
 *
 * `electron-platform.ts` implements it with Electron (dialog, shell, safeStorage, Notification,
 * BrowserWindow); `node-platform.ts` implements it in plain Node for tests, the CLI and the browser
 * harness. Nothing here imports `electron`.
 */
import { InputError } from '../errors.ts'

/** A filter of the open-files dialog, e.g. `{ name: 'PDF', extensions: ['pdf'] }`. */
export interface FileFilter {
  readonly name: string
  /** Extensions without dots. */
  readonly extensions: readonly string[]
}

/** Stand-in for Electron `safeStorage`: OS-backed encryption of small secrets. */
export interface SecretStorage {
  /** False when the OS offers no encryption (e.g. Linux without a keyring): then secrets are not persisted. */
  isEncryptionAvailable(): boolean
  /** Encrypts a UTF-8 string. Throws when encryption is unavailable. */
  encryptString(plainText: string): Buffer
  /** Decrypts what {@link encryptString} produced. Throws on a foreign or corrupted blob. */
  decryptString(encrypted: Buffer): string
}

/** Folders the services write to or suggest. All absolute paths. */
export interface PlatformDirs {
  /** Per-user app data (settings, thumbnails cache, imports). */
  readonly userData: string
  /** Where the main-process log goes. */
  readonly logs: string
  /** The user's pictures folder, or null when the OS has none. */
  readonly pictures: string | null
  readonly home: string
}

/** Everything Electron-specific the main-process services use. */
export interface Platform {
  /** 'electron' in the app, 'node' in tests and the browser harness. */
  readonly kind: 'electron' | 'node'
  /** App version (package.json `version`). */
  readonly appVersion: string
  /** `process.platform` of the machine. */
  readonly osPlatform: NodeJS.Platform
  readonly dirs: PlatformDirs

  /** System open dialog for files; resolves to absolute paths, or null when cancelled. */
  showOpenFilesDialog(options: { readonly title: string; readonly filters: readonly FileFilter[] }): Promise<readonly string[] | null>
  /** System open dialog for one folder; resolves to its absolute path, or null when cancelled. */
  showOpenFolderDialog(options: { readonly title: string; readonly defaultPath?: string }): Promise<string | null>

  /**
   * Opens a file or folder with the OS default app (`shell.openPath`).
   *
   * @throws FileError 'file/unreadable' with the OS message when it fails.
   */
  openPath(absolutePath: string): Promise<void>
  /** Shows a file selected in the OS file manager (`shell.showItemInFolder`). */
  showItemInFolder(absolutePath: string): void
  /**
   * Starts an OS drag of a file out of the main window, so it can be dropped into other apps
   * (`webContents.startDrag`); `iconPng` is the PNG shown under the pointer (non-empty).
   * Call it while the window's own drag gesture is in progress (from its `dragstart`).
   */
  startFileDrag(drag: { readonly absolutePath: string; readonly iconPng: Uint8Array }): void
  /**
   * Opens an https URL in the default browser (`shell.openExternal`).
   *
   * @throws InputError 'input/invalid' for anything but `https:` (see {@link assertHttpsUrl}).
   */
  openExternal(url: string): Promise<void>

  readonly secrets: SecretStorage

  /** Shows a system notification (no-op where unsupported). */
  showNotification(notification: { readonly title: string; readonly body: string }): void
  /**
   * Taskbar / dock progress of the main window: 0..1, or -1 to remove it; `mode` (default
   * 'normal') colours it on Windows: 'error' red, 'paused' yellow (`BrowserWindow.setProgressBar`).
   */
  setProgressBar(fraction: number, mode?: ProgressBarMode): void
  /** True when the main window exists and has focus. */
  isWindowFocused(): boolean
}

/**
 * Returns the URL when it is an absolute `https:` URL, else throws.
 *
 * Why: `shell.openExternal` with `file:`, `smb:` or custom schemes can run programs
 * (Electron security checklist #15, "Do not use shell.openExternal with untrusted content").
 * @throws InputError 'input/invalid'
 */
export function assertHttpsUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InputError('input/invalid', `Not a valid URL: ${url.slice(0, 200)}`)
  }
  if (parsed.protocol !== 'https:') {
    throw new InputError('input/invalid', `Only https links can be opened, not ${parsed.protocol}`)
  }
  return parsed.href
}

/** Taskbar progress modes the app uses (a subset of Electron's `setProgressBar` options.mode). */
export type ProgressBarMode = 'normal' | 'error' | 'paused'

/** Clamps a progress fraction for {@link Platform.setProgressBar}: NaN → -1, else -1 or 0..1. */
export function normaliseProgress(fraction: number): number {
  if (!Number.isFinite(fraction) || fraction < 0) return -1
  return Math.min(1, fraction)
}
