/**
 * The job journal: a durable record of every batch of conversions, so that after a crash, a kill
 * or a quit mid-batch the next start can resume it (`docs/reliability.md`).
 *
 * Layout under the journal folder (CLI: a per-user state folder, see `defaultJournalDir`; app:
 * `<userData>/journal`):
 * ```
 * <batchId>/batch.json        BatchRecord: who runs it, output folder, options, the files
 * <batchId>/files/<key>.json  FileRecord: state of one file + its FileProgress (progress.ts)
 * ```
 * Every write is atomic and durable (`durable-write.ts`); per-file snapshots are group-committed,
 * so a fast conversion does not wait on one fsync per event. Folders are 0700, files 0600.
 *
 * Liveness: whoever runs a batch holds its batch lock (`run-lock.ts`), a lock the kernel drops
 * when the process dies, so a killed run is seen as gone at once (a pid is no proof: a killed
 * process stays a zombie until reaped, and pids are reused). A batch is resumable when it did not
 * end cleanly (`running` or `interrupted`) and nobody holds its lock (or this very process holds it
 * for another journal instance, e.g. a restarted service). Taking a batch over is one atomic step:
 * binding the lock; a second process trying at the same moment gets {@link BatchRunningError}.
 *
 * Never written: the API key, PDF passwords (`needsPassword` only says one must be given again).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { ErrorDto } from '../shared/error-codes.ts'
import type { OutputFormat, TiffLayout } from '../shared/formats.ts'
import { BatchRunningError, batchSchema, fileRecordSchema, type BatchFilter } from './journal-schemas.ts'

export { BatchRunningError, type BatchFilter }
import { SnapshotWriter, syncDir, writeFileDurable } from './durable-write.ts'
import { lockHolder, tryLock, type HeldLock } from './run-lock.ts'
import type { ConversionCheckpoint, FileProgress } from './progress.ts'

/** Where a file of a batch stands. */
export type JournalFileState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled'

/** One file of a batch, as planned. */
export interface BatchFileEntry {
  /** Key of the file within the batch (CLI: its position; app: the job id). */
  readonly key: string
  /** Absolute path of the source PDF. */
  readonly sourcePath: string
  /** 1-based pages to convert, or null for `pageRange` / every page. */
  readonly pages: readonly number[] | null
  /** Page-range text (CLI `--pages`), when `pages` is null. */
  readonly pageRange: string | null
  /** True when the PDF needs a password (which is never stored: it must be given again). */
  readonly needsPassword: boolean
}

/** The batch manifest (`batch.json`). */
export interface BatchRecord {
  readonly version: 1
  readonly batchId: string
  readonly origin: 'cli' | 'app'
  readonly createdAtMs: number
  readonly updatedAtMs: number
  readonly pid: number
  readonly instanceId: string
  /** `running` until it ends; `interrupted` after Ctrl-C / quit; `ended` when every file settled. */
  readonly state: 'running' | 'interrupted' | 'ended'
  readonly outputDir: string
  readonly format: OutputFormat
  readonly overwrite: boolean
  /** How TIFF pages were written; undefined in batches that did not say (one file per page). */
  readonly tiffLayout?: TiffLayout | undefined
  readonly engine: 'pdfco' | 'local'
  readonly files: readonly BatchFileEntry[]
}

/** One file's record (`files/<key>.json`). */
export interface FileRecord {
  readonly key: string
  readonly state: JournalFileState
  readonly error: ErrorDto | null
  readonly progress: FileProgress | null
  readonly updatedAtMs: number
}

/** A batch as listed by {@link JournalStore.listResumable}. */
export interface BatchSummary {
  readonly record: BatchRecord
  readonly files: ReadonlyMap<string, FileRecord>
  /** Files not done yet. */
  readonly unfinished: number
  /** Pages on disk / pages selected, over the files whose selection is known. */
  readonly pagesDone: number
  readonly pagesTotal: number
}

/** New batch parameters. */
export interface NewBatch {
  readonly origin: 'cli' | 'app'
  readonly outputDir: string
  readonly format: OutputFormat
  readonly overwrite: boolean
  readonly tiffLayout?: TiffLayout | undefined
  readonly engine?: 'pdfco' | 'local'
  readonly files: readonly BatchFileEntry[]
}

/** A batch being run by this process. */
export interface BatchJournal {
  readonly batchId: string
  /** The manifest as last written. */
  record(): BatchRecord
  /** Adds files to the batch (e.g. a retry in the app, or new inputs on `--resume`). */
  addFiles(files: readonly BatchFileEntry[]): Promise<void>
  /** The checkpoint of one file: its recorded progress and a durable `save`. */
  checkpoint(key: string): ConversionCheckpoint
  /** The file's last record (state, error, progress), or undefined. */
  fileRecord(key: string): FileRecord | undefined
  /** Records a file's state; resolves when durable. */
  setFileState(key: string, state: JournalFileState, error?: ErrorDto | null): Promise<void>
  /**
   * Ends the batch. `ended` with every file done deletes the journal (nothing to resume); otherwise
   * the manifest keeps the state so a later run can resume the rest.
   */
  end(state: 'ended' | 'interrupted'): Promise<void>
  /** Deletes the batch's journal. */
  discard(): Promise<void>
  /** Waits for queued writes. */
  flush(): Promise<void>
}

/** The journal folder. */
export interface JournalStore {
  readonly dir: string
  createBatch(batch: NewBatch): Promise<BatchJournal>
  /**
   * Batches that did not end cleanly and whose process is gone, newest first; with `outputDir`,
   * only those writing there. Also batches that `ended` with failures when `includeEnded`.
   */
  listResumable(filter?: BatchFilter): Promise<BatchSummary[]>
  /** Takes over a batch found by {@link listResumable} (this process now runs it). */
  resumeBatch(batchId: string): Promise<BatchJournal>
  /** Deletes a batch's journal. */
  discard(batchId: string): Promise<void>
  /** Deletes batches last touched more than `maxAgeMs` ago (default 7 days). */
  prune(maxAgeMs?: number): Promise<number>
}

/** Options of {@link openJournalStore}. */
export interface JournalStoreOptions {
  readonly dir: string
  /** Called once per failing write (e.g. the state folder is full); the conversion goes on. */
  readonly onError?: (err: unknown) => void
  readonly now?: () => number
}

/** The lock held by whoever runs batch `batchId` of the journal folder `dir`. */
function batchLockName(dir: string, batchId: string): string {
  return `batch-${dir}-${batchId}`
}

/** Days after which abandoned batches are pruned. */
export const JOURNAL_MAX_AGE_MS = 7 * 24 * 60 * 60_000

const BATCH_ID = /^[0-9a-z]{8,12}-[0-9a-f]{8}$/u
const FILE_KEY = /^[0-9A-Za-z_-]{1,64}$/u

/**
 * The default journal folder of the CLI: `$PDF_TO_IMAGE_STATE_DIR`, else the per-user state folder
 * (`$XDG_STATE_HOME` or `~/.local/state` on Linux, `~/Library/Application Support` on macOS,
 * `%LOCALAPPDATA%` on Windows) + `pdf-to-image/journal`.
 */
export function defaultJournalDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  const override = env['PDF_TO_IMAGE_STATE_DIR']
  if (override !== undefined && override !== '') return path.resolve(override, 'journal')
  let base: string
  if (platform === 'win32') base = env['LOCALAPPDATA'] ?? path.join(home, 'AppData', 'Local')
  else if (platform === 'darwin') base = path.join(home, 'Library', 'Application Support')
  else base = env['XDG_STATE_HOME'] !== undefined && env['XDG_STATE_HOME'] !== '' ? env['XDG_STATE_HOME'] : path.join(home, '.local', 'state')
  return path.join(base, 'pdf-to-image', 'journal')
}

/** What the functions of one open journal folder share. */
interface StoreContext {
  readonly dir: string
  readonly now: () => number
  /** Identifies this store instance as the holder of the locks it takes. */
  readonly instanceId: string
  /** Reports the first failing write only (see {@link JournalStoreOptions.onError}). */
  readonly onError: (err: unknown) => void
}

/** Opens (creating) a journal folder. */
export async function openJournalStore(options: JournalStoreOptions): Promise<JournalStore> {
  let reported = false
  const ctx: StoreContext = {
    dir: path.resolve(options.dir),
    now: options.now ?? Date.now,
    instanceId: randomBytes(8).toString('hex'),
    onError: (err) => {
      if (reported) return
      reported = true
      options.onError?.(err)
    },
  }
  await mkdir(ctx.dir, { recursive: true, mode: 0o700 })
  return {
    dir: ctx.dir,
    createBatch: (batch) => createBatch(ctx, batch),
    listResumable: (filter = {}) => listResumable(ctx, filter),
    resumeBatch: (batchId) => resumeBatch(ctx, batchId),
    async discard(batchId) {
      await rm(batchDir(ctx, batchId), { recursive: true, force: true })
    },
    prune: (maxAgeMs = JOURNAL_MAX_AGE_MS) => pruneBatches(ctx, maxAgeMs),
  }
}

/** The folder of batch `id`. @throws Error when `id` is not a batch id (never a path outside). */
function batchDir(ctx: StoreContext, id: string): string {
  if (!BATCH_ID.test(id)) throw new Error(`Not a batch id: ${id.slice(0, 40)}`)
  return path.join(ctx.dir, id)
}

/** A batch's manifest and the file records that parse; null when the manifest is missing or bad. */
async function readBatch(ctx: StoreContext, id: string): Promise<{ record: BatchRecord; files: Map<string, FileRecord> } | null> {
  let record: BatchRecord
  try {
    const parsed = batchSchema.safeParse(JSON.parse(await readFile(path.join(batchDir(ctx, id), 'batch.json'), 'utf8')))
    if (!parsed.success) return null
    record = parsed.data
  } catch {
    return null
  }
  const files = new Map<string, FileRecord>()
  for (const entry of record.files) {
    if (!FILE_KEY.test(entry.key)) continue
    try {
      const parsed = fileRecordSchema.safeParse(JSON.parse(await readFile(path.join(batchDir(ctx, id), 'files', `${entry.key}.json`), 'utf8')))
      if (parsed.success) files.set(entry.key, parsed.data as FileRecord)
    } catch {
      // Not started yet, or a damaged record: the file starts from scratch.
    }
  }
  return { record, files }
}

/** True when some process (or another store instance of this one) holds the batch's lock. */
async function isLive(ctx: StoreContext, record: BatchRecord): Promise<boolean> {
  const holder = await lockHolder(batchLockName(ctx.dir, record.batchId))
  if (holder === null) return false
  return 'inProcess' in holder ? holder.inProcess === ctx.instanceId : true
}

/** The batch ids present in the journal folder. */
async function listIds(ctx: StoreContext): Promise<string[]> {
  const entries = await readdir(ctx.dir, { withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isDirectory() && BATCH_ID.test(e.name)).map((e) => e.name)
}

/** Starts a batch: takes its lock, then writes its manifest durably. */
async function createBatch(ctx: StoreContext, batch: NewBatch): Promise<BatchJournal> {
  const t = ctx.now()
  const batchId = `${t.toString(36).padStart(9, '0')}-${randomBytes(4).toString('hex')}`
  const root = batchDir(ctx, batchId)
  const lock = await tryLock(batchLockName(ctx.dir, batchId), ctx.instanceId)
  if (lock === null) throw new BatchRunningError(batchId)
  await mkdir(path.join(root, 'files'), { recursive: true, mode: 0o700 })
  await syncDir(ctx.dir)
  const record: BatchRecord = {
    version: 1,
    batchId,
    origin: batch.origin,
    createdAtMs: t,
    updatedAtMs: t,
    pid: process.pid,
    instanceId: ctx.instanceId,
    state: 'running',
    outputDir: path.resolve(batch.outputDir),
    format: batch.format,
    overwrite: batch.overwrite,
    ...(batch.tiffLayout === undefined ? {} : { tiffLayout: batch.tiffLayout }),
    engine: batch.engine ?? 'pdfco',
    files: [...batch.files],
  }
  await writeFileDurable(path.join(root, 'batch.json'), JSON.stringify(record, null, 1))
  return makeBatchJournal(ctx, record, new Map(), lock)
}

/** See {@link JournalStore.listResumable}. */
async function listResumable(ctx: StoreContext, filter: BatchFilter): Promise<BatchSummary[]> {
  const out: BatchSummary[] = []
  const wantDir = filter.outputDir === undefined ? undefined : path.resolve(filter.outputDir)
  for (const id of await listIds(ctx)) {
    const batch = await readBatch(ctx, id)
    if (batch === null) continue
    const { record, files } = batch
    if (wantDir !== undefined && record.outputDir !== wantDir) continue
    if (filter.origin !== undefined && record.origin !== filter.origin) continue
    if (record.state === 'ended' && filter.includeEnded !== true) continue
    if (record.state !== 'ended' && (await isLive(ctx, record)) !== (filter.running === true)) continue
    const summary = summarize(record, files)
    if (summary.unfinished > 0) out.push(summary)
  }
  return out.sort((a, b) => b.record.createdAtMs - a.record.createdAtMs)
}

/** Files not done, and pages on disk / pages selected over the files whose selection is known. */
function summarize(record: BatchRecord, files: Map<string, FileRecord>): BatchSummary {
  const unfinished = record.files.filter((f) => files.get(f.key)?.state !== 'done').length
  let pagesDone = 0
  let pagesTotal = 0
  for (const f of record.files) {
    const progress = files.get(f.key)?.progress
    const total = progress?.pages?.length ?? f.pages?.length
    if (total === undefined) continue
    pagesTotal += total
    if (files.get(f.key)?.state === 'done') pagesDone += total
    else if (progress?.format === 'tiff') pagesDone += 0
    else pagesDone += new Set(progress?.written.map((w) => w.page) ?? []).size
  }
  return { record, files, unfinished, pagesDone, pagesTotal }
}

/** See {@link JournalStore.resumeBatch}. @throws BatchRunningError when another process holds it. */
async function resumeBatch(ctx: StoreContext, batchId: string): Promise<BatchJournal> {
  // The takeover is the bind of the batch lock: of two processes trying at once, one wins.
  const root = batchDir(ctx, batchId)
  const lock = await tryLock(batchLockName(ctx.dir, batchId), ctx.instanceId)
  if (lock === null) throw new BatchRunningError(batchId)
  // Read under the lock: the previous holder may have changed or finished it meanwhile.
  const batch = await readBatch(ctx, batchId)
  if (batch === null) {
    await lock.release()
    throw new Error(`No journal for batch ${batchId}`)
  }
  const taken: BatchRecord = { ...batch.record, pid: process.pid, instanceId: ctx.instanceId, state: 'running', updatedAtMs: ctx.now() }
  await writeFileDurable(path.join(root, 'batch.json'), JSON.stringify(taken, null, 1))
  return makeBatchJournal(ctx, taken, batch.files, lock)
}

/** See {@link JournalStore.prune}: never a batch whose run is alive. */
async function pruneBatches(ctx: StoreContext, maxAgeMs: number): Promise<number> {
  let removed = 0
  for (const id of await listIds(ctx)) {
    const info = await stat(path.join(ctx.dir, id, 'batch.json')).catch(() => stat(path.join(ctx.dir, id)).catch(() => null))
    if (info === null || ctx.now() - info.mtimeMs <= maxAgeMs) continue
    const batch = await readBatch(ctx, id)
    if (batch !== null && batch.record.state !== 'ended' && (await isLive(ctx, batch.record))) continue
    await rm(path.join(ctx.dir, id), { recursive: true, force: true }).catch(() => undefined)
    removed++
  }
  return removed
}

/** The state of a batch this process runs, and its durable, group-committed writers. */
interface BatchState {
  record: BatchRecord
  readonly root: string
  readonly current: Map<string, FileRecord>
  /** Set once the batch's folder is (being) deleted: nothing more is written. */
  discarded: boolean
  /** Updates the manifest (and its `updatedAtMs`). */
  readonly writeManifest: (patch: Partial<BatchRecord>) => Promise<void>
  /** Updates one file's record. @throws Error for a key that is not a journal file key. */
  readonly writeFileRecord: (key: string, patch: Partial<FileRecord>) => Promise<void>
  readonly flush: () => Promise<void>
  /** Lets the snapshots go (the batch was deleted). */
  readonly forget: () => void
}

function openBatchState(ctx: StoreContext, initial: BatchRecord, known: Map<string, FileRecord>): BatchState {
  const root = batchDir(ctx, initial.batchId)
  const filesDir = path.join(root, 'files')
  const manifest = new SnapshotWriter(path.join(root, 'batch.json'), ctx.onError)
  const writers = new Map<string, SnapshotWriter>()
  const writerFor = (key: string): SnapshotWriter => {
    if (!FILE_KEY.test(key)) throw new Error(`Not a journal file key: ${key.slice(0, 40)}`)
    let w = writers.get(key)
    if (w === undefined) {
      w = new SnapshotWriter(path.join(filesDir, `${key}.json`), ctx.onError)
      writers.set(key, w)
    }
    return w
  }
  const state: BatchState = {
    record: initial,
    root,
    current: new Map<string, FileRecord>(known),
    discarded: false,
    writeManifest(patch) {
      state.record = { ...state.record, ...patch, updatedAtMs: ctx.now() }
      if (state.discarded) return Promise.resolve()
      return manifest.save(JSON.stringify(state.record, null, 1))
    },
    writeFileRecord(key, patch) {
      const before = state.current.get(key) ?? { key, state: 'pending' as const, error: null, progress: null, updatedAtMs: ctx.now() }
      const next: FileRecord = { ...before, ...patch, key, updatedAtMs: ctx.now() }
      state.current.set(key, next)
      if (state.discarded) return Promise.resolve()
      return writerFor(key).save(JSON.stringify(next))
    },
    async flush() {
      await Promise.all([manifest.flush(), ...[...writers.values()].map((w) => w.flush())])
    },
    forget() {
      writers.clear()
      state.current.clear()
    },
  }
  return state
}

/** The {@link BatchJournal} of a batch this process now runs (it holds `lock`). */
function makeBatchJournal(ctx: StoreContext, initial: BatchRecord, known: Map<string, FileRecord>, lock: HeldLock): BatchJournal {
  const s = openBatchState(ctx, initial, known)
  /** Deletes the batch's folder and lets the lock go (the caller set `discarded` and flushed). */
  const removeBatch = async (): Promise<void> => {
    await rm(s.root, { recursive: true, force: true }).catch(ctx.onError)
    // Nothing more will be written or read: let the snapshots go even if this object lives on.
    s.forget()
    await lock.release()
  }
  return {
    batchId: initial.batchId,
    record: () => s.record,
    async addFiles(files) {
      const have = new Set(s.record.files.map((f) => f.key))
      const added = files.filter((f) => !have.has(f.key))
      if (added.length === 0) return
      await s.writeManifest({ files: [...s.record.files, ...added] })
    },
    checkpoint(key) {
      const previous = s.current.get(key)?.progress ?? null
      return { previous, save: (progress) => s.writeFileRecord(key, { progress }) }
    },
    fileRecord: (key) => s.current.get(key),
    setFileState: (key, state, error = null) => s.writeFileRecord(key, { state, error }),
    async end(state) {
      await s.flush()
      const allDone = s.record.files.every((f) => s.current.get(f.key)?.state === 'done')
      if (state === 'ended' && allDone) {
        s.discarded = true
        await removeBatch()
        return
      }
      await s.writeManifest({ state })
      await s.flush()
      await lock.release()
    },
    async discard() {
      s.discarded = true
      await s.flush()
      await removeBatch()
    },
    flush: s.flush,
  }
}
