/**
 * Crash-safe small-file writes for the job journal: a reader (the next run, after a crash or a
 * power cut) sees either the previous content or the new one, never a mix or an empty file.
 *
 * Steps (the classic recipe, e.g. SQLite's and LevelDB's manifest writes): write a temp file in the
 * same folder → fsync it → rename over the target (atomic on POSIX and on NTFS) → fsync the folder
 * so the rename itself is on disk (skipped on Windows, where folders cannot be opened for sync).
 * Files are created private to the user (0600): the journal holds presigned PDF.co links.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import path from 'node:path'

/** Temp names used by {@link writeFileDurable}: `.<name>.tmp-<8 hex>`. */
const TEMP_PATTERN = /^\..+\.tmp-[0-9a-f]{8}$/u

/** True for a temp file left behind by a crash inside {@link writeFileDurable}. */
export function isDurableTempName(name: string): boolean {
  return TEMP_PATTERN.test(name)
}

/**
 * Replaces `filePath` with `data` atomically and durably (see the module comment).
 *
 * @throws the file system's error (ENOSPC, EACCES, …); the temp file is removed first.
 */
export async function writeFileDurable(filePath: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(filePath)
  const temp = path.join(dir, `.${path.basename(filePath)}.tmp-${randomBytes(4).toString('hex')}`)
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, filePath)
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw err
  }
  await syncDir(dir)
}

/** fsyncs a folder so a rename or create inside it survives a power cut; best effort. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Some file systems refuse to sync a directory (EINVAL); the rename is still atomic.
  }
}

/**
 * Serialises snapshot writes of one file with group commit: while a write runs, newer snapshots
 * replace each other, and the next write carries the latest; every `save` resolves once a write
 * holding its snapshot (or a newer one) is durable. Write errors go to `onError` (the promise still
 * resolves: callers must not stop converting because a journal cannot be written).
 */
export class SnapshotWriter {
  private latest: string | undefined
  private dirty = false
  private running = false
  private waiters: Array<() => void> = []
  private readonly filePath: string
  private readonly onError: (err: unknown) => void

  constructor(filePath: string, onError: (err: unknown) => void) {
    this.filePath = filePath
    this.onError = onError
  }

  /** Queues `text` as the file's next content; resolves when it (or a newer one) is on disk. */
  save(text: string): Promise<void> {
    this.latest = text
    this.dirty = true
    const done = new Promise<void>((resolve) => this.waiters.push(resolve))
    if (!this.running) void this.loop()
    return done
  }

  /** Resolves when nothing is queued or being written. */
  flush(): Promise<void> {
    if (!this.running && !this.dirty) return Promise.resolve()
    return new Promise<void>((resolve) => this.waiters.push(resolve))
  }

  private async loop(): Promise<void> {
    this.running = true
    while (this.dirty) {
      this.dirty = false
      const waiters = this.waiters
      this.waiters = []
      const text = this.latest ?? ''
      try {
        await writeFileDurable(this.filePath, text)
      } catch (err) {
        this.onError(err)
      }
      for (const resolve of waiters) resolve()
    }
    // The file holds it now; do not keep a possibly large snapshot alive in memory.
    this.latest = undefined
    this.running = false
    // Waiters that arrived through flush() after the last write.
    const rest = this.waiters
    this.waiters = []
    for (const resolve of rest) resolve()
  }
}
