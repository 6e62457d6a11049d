/**
 * A plain-Node {@link Platform} for tests, the CLI and the browser harness.
 *
 * - Dialogs answer from scripted queues the caller fills ({@link NodePlatform.dialogs}); an empty
 *   queue answers "cancelled".
 * - Shell calls, notifications and progress are recorded ({@link NodePlatform.recorded}) instead of
 *   touching the desktop.
 * - Secret storage really encrypts (AES-256-GCM with a random key kept in a file under `rootDir`),
 *   so tests can check that a stored API key is not in the clear.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { FileError } from '../errors.ts'
import { assertHttpsUrl, normaliseProgress, type Platform, type ProgressBarMode, type PlatformDirs, type SecretStorage } from './platform.ts'

/** Options of {@link createNodePlatform}. */
export interface NodePlatformOptions {
  /** Folder for the platform's own state (the secret key); also the default for every dir. */
  readonly rootDir: string
  /** Overrides of the folders; defaults: userData = rootDir/user-data, logs = userData/logs, home = rootDir/home, pictures = home/Pictures. */
  readonly dirs?: Partial<PlatformDirs>
  readonly appVersion?: string
  /** Initial window focus (default true). */
  readonly isWindowFocused?: boolean
  /** Initial availability of secret encryption (default true). */
  readonly isEncryptionAvailable?: boolean
}

/** What a {@link NodePlatform} recorded instead of touching the desktop. */
export interface NodePlatformRecord {
  /** Paths passed to `openPath`. */
  readonly openedPaths: string[]
  /** Paths passed to `showItemInFolder`. */
  readonly shownInFolder: string[]
  /** Files dragged out of the window (`startFileDrag`), with the size of their icon in bytes. */
  readonly dragged: { readonly path: string; readonly iconBytes: number }[]
  /** URLs passed to `openExternal` (https only; others throw). */
  readonly openedExternal: string[]
  readonly notifications: { readonly title: string; readonly body: string }[]
  /** Every `setProgressBar` value, normalised (-1 or 0..1). */
  readonly progress: number[]
  /** The mode of each `setProgressBar` call, in step with `progress`. */
  readonly progressModes: ProgressBarMode[]
}

/** The Node platform plus its test controls. */
export interface NodePlatform extends Platform {
  readonly kind: 'node'
  readonly recorded: NodePlatformRecord
  readonly dialogs: {
    /** Queues the answer of the next open-files dialog (null = cancelled). */
    queueOpenFiles(paths: readonly string[] | null): void
    /** Queues the answer of the next open-folder dialog (null = cancelled). */
    queueOpenFolder(folder: string | null): void
    /** Titles of the dialogs shown so far. */
    readonly shown: string[]
  }
  setWindowFocused(isFocused: boolean): void
  setEncryptionAvailable(isAvailable: boolean): void
}

const BLOB_MAGIC = Buffer.from('NPS1')

/**
 * Creates a plain-Node platform rooted at `options.rootDir` (created if missing).
 */
export function createNodePlatform(options: NodePlatformOptions): NodePlatform {
  const rootDir = path.resolve(options.rootDir)
  mkdirSync(rootDir, { recursive: true })
  const userData = options.dirs?.userData ?? path.join(rootDir, 'user-data')
  const home = options.dirs?.home ?? path.join(rootDir, 'home')
  const dirs: PlatformDirs = {
    userData,
    logs: options.dirs?.logs ?? path.join(userData, 'logs'),
    home,
    pictures: options.dirs?.pictures === undefined ? path.join(home, 'Pictures') : options.dirs.pictures,
  }
  const fileQueue: (readonly string[] | null)[] = []
  const folderQueue: (string | null)[] = []
  const shown: string[] = []
  const recorded: NodePlatformRecord = { openedPaths: [], shownInFolder: [], dragged: [], openedExternal: [], notifications: [], progress: [], progressModes: [] }
  let isFocused = options.isWindowFocused ?? true
  let isEncryptionAvailable = options.isEncryptionAvailable ?? true

  const secrets = createFileKeySecrets(path.join(rootDir, 'node-platform-secret.key'), () => isEncryptionAvailable)

  return {
    kind: 'node',
    appVersion: options.appVersion ?? '0.0.0-node',
    osPlatform: process.platform,
    dirs,
    recorded,
    secrets,
    dialogs: {
      queueOpenFiles: (paths) => void fileQueue.push(paths === null ? null : [...paths]),
      queueOpenFolder: (folder) => void folderQueue.push(folder),
      shown,
    },
    async showOpenFilesDialog({ title }) {
      shown.push(title)
      return fileQueue.shift() ?? null
    },
    async showOpenFolderDialog({ title }) {
      shown.push(title)
      return folderQueue.shift() ?? null
    },
    async openPath(absolutePath) {
      if (!path.isAbsolute(absolutePath)) throw new FileError('file/unreadable', `Cannot open a relative path: ${absolutePath}`)
      recorded.openedPaths.push(absolutePath)
    },
    showItemInFolder(absolutePath) {
      recorded.shownInFolder.push(absolutePath)
    },
    startFileDrag({ absolutePath, iconPng }) {
      recorded.dragged.push({ path: absolutePath, iconBytes: iconPng.byteLength })
    },
    async openExternal(url) {
      recorded.openedExternal.push(assertHttpsUrl(url))
    },
    showNotification(notification) {
      recorded.notifications.push({ title: notification.title, body: notification.body })
    },
    setProgressBar(fraction, mode = 'normal') {
      recorded.progress.push(normaliseProgress(fraction))
      recorded.progressModes.push(mode)
    },
    isWindowFocused: () => isFocused,
    setWindowFocused(value) {
      isFocused = value
    },
    setEncryptionAvailable(value) {
      isEncryptionAvailable = value
    },
  }
}

/**
 * SecretStorage like Electron's safeStorage, for tests and the harness: AES-256-GCM with a random
 * key kept in `keyPath` (created on first use, mode 0600). Blob: `NPS1`, 12-byte IV, 16-byte tag, body.
 */
function createFileKeySecrets(keyPath: string, isAvailable: () => boolean): SecretStorage {
  let key: Buffer | undefined
  const getKey = (): Buffer => {
    if (key !== undefined) return key
    try {
      key = readFileSync(keyPath)
    } catch {
      key = randomBytes(32)
      writeFileSync(keyPath, key, { mode: 0o600 })
    }
    return key
  }
  return {
    isEncryptionAvailable: isAvailable,
    encryptString(plainText) {
      if (!isAvailable()) throw new Error('Encryption is not available')
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', getKey(), iv)
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()])
      return Buffer.concat([BLOB_MAGIC, iv, cipher.getAuthTag(), body])
    },
    decryptString(encrypted) {
      if (!isAvailable()) throw new Error('Encryption is not available')
      if (encrypted.length < 32 || !encrypted.subarray(0, 4).equals(BLOB_MAGIC)) throw new Error('Not an encrypted blob')
      const decipher = createDecipheriv('aes-256-gcm', getKey(), encrypted.subarray(4, 16))
      decipher.setAuthTag(encrypted.subarray(16, 32))
      return Buffer.concat([decipher.update(encrypted.subarray(32)), decipher.final()]).toString('utf8')
    },
  }
}
