/**
 * A small pool of render worker threads (`render-worker.ts`) for the local engine.
 *
 * Why own code instead of a generic pool (piscina, tinypool): a conversion keeps a worker for a
 * run of pages because the worker holds the opened PDF, and a cancelled conversion terminates
 * exactly the workers it holds. Generic pools dispatch stateless tasks to any thread.
 *
 * Leases: `acquire('first')` is a conversion's first worker, `acquire('extra')` any further one.
 * Waiting 'first' requests are served before 'extra' ones, and a conversion holding extra workers
 * gives them back between pages when {@link RenderWorkerPool.hasFirstWaiters} says another
 * conversion has none: two PDFs on two workers get one each, one PDF gets both.
 *
 * Workers start lazily, are kept between conversions, unref'd while idle (an idle pool never
 * keeps the process alive) and ended after `idleTimeoutMs`. A worker that crashes or is
 * terminated is dropped and replaced on demand; requests pending on it reject with AppError
 * 'internal'.
 *
 * Worker entry: see {@link resolveRenderWorkerEntry}.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { AppError, CancelledError } from '../../errors.ts'
import { startMemoryWatchdog } from './memory-watchdog.ts'
import {
  deserializeError,
  type WorkerCalls,
  type WorkerCallType,
  type WorkerReplyMessage,
  type WorkerRequestMessage,
} from './protocol.ts'

/** Where the worker script is and how to start it. */
export interface RenderWorkerEntry {
  /** The worker module (`render-worker.ts` from source, `render-worker.js` when bundled). */
  readonly url: URL
  /** True for TypeScript source: the worker first registers tsx's loader (dev, tests, CLI via tsx). */
  readonly typescript: boolean
}

/** File name of the bundled worker, next to the bundle that contains this module. */
export const BUNDLED_WORKER_FILE = 'render-worker.js'

/**
 * Finds the render worker script.
 *
 * - `override` (a path or URL), else env `PDF_LOCAL_RENDER_WORKER`: used as given;
 * - running from TypeScript source (this module's URL ends in `.ts`: vitest, tsx): the sibling
 *   `render-worker.ts`, started through a bootstrap that registers tsx (`tsx/esm/api`), since a
 *   worker thread does not inherit the parent's loader hooks on Node 20;
 * - otherwise (bundled app): `render-worker.js` in the same folder as the bundle. The bundler
 *   must emit `electron/engines/local/render-worker.ts` as a separate entry with that name (in
 *   vite-plugin-electron: a second `main.entry`), with the same externals as main. When the app
 *   is packed in an asar archive and the file was unpacked (electron-builder `asarUnpack`), the
 *   `app.asar.unpacked` copy is used, so the thread never depends on asar support.
 *
 * The file name is built at run time on purpose, so bundlers leave this `new URL` alone.
 */
export function resolveRenderWorkerEntry(override?: string | URL): RenderWorkerEntry {
  const given = override ?? nonEmpty(process.env['PDF_LOCAL_RENDER_WORKER'])
  if (given !== undefined) {
    const url = given instanceof URL ? given : /^file:/i.test(given) ? new URL(given) : pathToFileURL(given)
    return { url, typescript: url.pathname.endsWith('.ts') }
  }
  const here = import.meta.url
  const fromSource = here.endsWith('.ts')
  const name = fromSource ? ['render-worker', 'ts'].join('.') : BUNDLED_WORKER_FILE
  const url = new URL(`./${name}`, here)
  if (!fromSource && url.protocol === 'file:') {
    const file = fileURLToPath(url)
    const unpacked = file.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`)
    if (unpacked !== file && existsSync(unpacked)) return { url: pathToFileURL(unpacked), typescript: false }
  }
  return { url, typescript: fromSource }
}

/**
 * Bootstrap of a TypeScript worker (CommonJS, eval'd): registers tsx, then imports the real entry
 * (a worker thread does not inherit the parent's loader hooks on Node 20).
 */
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  const tsx = await import(workerData.tsxApiUrl);
  tsx.register();
  await import(workerData.entryUrl);
})();
`

/** URL of tsx's ESM API (`tsx/esm/api`, import condition); its CommonJS build mis-resolves in workers. */
function tsxApiUrl(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api')
  return pathToFileURL(cjs.replace(/\.cjs$/u, '.mjs')).href
}

/** One worker thread with request/reply calls. */
export class RenderWorker {
  readonly #worker: Worker
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: unknown) => void }>()
  #nextId = 1
  #stopped: AppError | undefined
  /** Set when the thread announced it will exit (its PDFium instance died). */
  #retiring = false
  #onStopped: (() => void) | undefined

  /** When the current call started (ms since epoch), or undefined while idle. */
  busySinceMs: number | undefined
  /** The worker script it runs (`RenderWorkerEntry.url`). */
  readonly entryHref: string
  /** Its PDFium memory cap (undefined: the default). */
  readonly maxMemoryBytes: number | undefined

  /**
   * @param preloadEncoder load the image encoder (sharp) right after PDFium, for a worker that will
   *   draw pages; otherwise it loads before the first page is drawn.
   */
  constructor(entry: RenderWorkerEntry, onStopped?: () => void, maxMemoryBytes?: number, preloadEncoder = false) {
    this.#onStopped = onStopped
    this.entryHref = entry.url.href
    this.maxMemoryBytes = maxMemoryBytes
    const data = { maxMemoryBytes, preloadEncoder }
    if (entry.typescript) {
      this.#worker = new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...data, tsxApiUrl: tsxApiUrl(), entryUrl: entry.url.href } })
    } else {
      this.#worker = new Worker(entry.url, { workerData: data })
    }
    this.#worker.on('message', (reply: WorkerReplyMessage | { retire: true }) => {
      if ('retire' in reply) {
        this.#retiring = true
        return
      }
      const pending = this.#pending.get(reply.id)
      if (pending === undefined) return
      this.#pending.delete(reply.id)
      if (this.#pending.size === 0) this.busySinceMs = undefined
      if (reply.ok) pending.resolve(reply.value)
      else pending.reject(deserializeError(reply.error))
    })
    this.#worker.on('error', (err) => this.#stop(`it failed: ${err.message}`))
    this.#worker.on('exit', (code) => this.#stop(`it exited with code ${code}`))
  }

  /** Replaces the function called when the thread ends (a spare worker joining a pool). */
  set onStopped(onStopped: (() => void) | undefined) {
    this.#onStopped = onStopped
  }

  /** True once the thread has ended (crash, exit or terminate). */
  get isStopped(): boolean {
    return this.#stopped !== undefined || this.#retiring
  }

  /**
   * Sends one request and waits for its reply.
   *
   * @throws the worker's error rebuilt (FileError, InputError, AppError …); AppError 'internal'
   *   when the worker stops before replying.
   */
  call<K extends WorkerCallType>(type: K, payload: WorkerCalls[K]['request']): Promise<WorkerCalls[K]['reply']> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped)
    const id = this.#nextId++
    this.busySinceMs ??= Date.now()
    return new Promise<WorkerCalls[K]['reply']>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.#worker.postMessage({ id, type, payload } as WorkerRequestMessage)
    })
  }

  /** Keeps the process alive while busy; lets it exit while idle. */
  setBusy(busy: boolean): void {
    if (busy) this.#worker.ref()
    else this.#worker.unref()
  }

  /** Ends the thread now; pending calls reject (with `reason` when given). Resolves when it has stopped. */
  async terminate(reason?: AppError): Promise<void> {
    this.#stop('it was stopped', reason)
    await this.#worker.terminate().catch(() => undefined)
  }

  #stop(reason: string, error?: AppError): void {
    if (this.#stopped !== undefined) return
    this.#stopped = error ?? new AppError('internal', `The render worker stopped: ${reason}`)
    for (const pending of this.#pending.values()) pending.reject(this.#stopped)
    this.#pending.clear()
    const onStopped = this.#onStopped
    this.#onStopped = undefined
    onStopped?.()
  }
}

/** A worker held by one conversion until `release()` or `discard()`. */
export interface WorkerLease {
  readonly worker: RenderWorker
  /** Gives the worker back (idempotent). A stopped worker is dropped instead. */
  release(): void
  /** Terminates the worker (e.g. on cancel) and frees its slot (idempotent). */
  discard(): Promise<void>
}

/** Options of {@link RenderWorkerPool}. */
export interface RenderWorkerPoolOptions {
  /** Threads at most (≥ 1). */
  readonly size: number
  readonly entry: RenderWorkerEntry
  /** An idle worker ends after this long. Default 30 s; 0 = keep until `close()`. */
  readonly idleTimeoutMs?: number | undefined
  /** WASM memory cap of each worker's PDFium, in bytes (see `render/pdfium-module.ts`). */
  readonly maxWorkerMemoryBytes?: number | undefined
  /** Process RSS past which the longest-busy worker is terminated (`memory-watchdog.ts`); 0 = off. */
  readonly maxProcessRssBytes?: number | undefined
  /** Workers load the image encoder at start (pools that draw pages); default false. */
  readonly preloadEncoder?: boolean | undefined
}

interface Waiter {
  readonly priority: 'first' | 'extra'
  readonly resolve: (lease: WorkerLease) => void
  readonly reject: (err: unknown) => void
  readonly signal: AbortSignal | undefined
  readonly onAbort: () => void
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000

/** See the module comment. */
export class RenderWorkerPool {
  readonly size: number
  readonly #entry: RenderWorkerEntry
  readonly #idleTimeoutMs: number
  readonly #all = new Set<RenderWorker>()
  readonly #idle: RenderWorker[] = []
  readonly #idleTimers = new Map<RenderWorker, ReturnType<typeof setTimeout>>()
  readonly #waiters: Waiter[] = []
  readonly #maxWorkerMemoryBytes: number | undefined
  readonly #preloadEncoder: boolean
  readonly #stopWatchdog: () => void
  #closed = false

  constructor(options: RenderWorkerPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size))
    this.#entry = options.entry
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    this.#maxWorkerMemoryBytes = options.maxWorkerMemoryBytes
    this.#preloadEncoder = options.preloadEncoder ?? false
    const rssBudget = options.maxProcessRssBytes ?? 0
    this.#stopWatchdog = rssBudget > 0 ? startMemoryWatchdog(rssBudget, () => [...this.#all].filter((w) => !this.#idle.includes(w))) : () => undefined
  }

  #create(): RenderWorker {
    const adopted = takeSpareWorker(this.#entry, this.#maxWorkerMemoryBytes)
    const created: RenderWorker = adopted ?? new RenderWorker(this.#entry, () => this.#forget(created), this.#maxWorkerMemoryBytes, this.#preloadEncoder)
    if (adopted !== undefined) adopted.onStopped = () => this.#forget(created)
    this.#all.add(created)
    return created
  }

  /** Threads currently alive (busy or idle). */
  get liveWorkers(): number {
    return this.#all.size
  }

  /** True when some conversion waits for its first worker (holders of extra workers should yield). */
  get hasFirstWaiters(): boolean {
    return this.#waiters.some((w) => w.priority === 'first')
  }

  /**
   * Starts idle workers until `count` (at most `size`) are alive, so their start-up (thread, PDFium
   * modules) overlaps other work; they idle out like any other worker.
   */
  prestart(count: number): void {
    while (!this.#closed && this.#all.size < Math.min(count, this.size)) this.#giveBack(this.#create())
  }

  /**
   * Waits for a worker. @throws CancelledError when `signal` aborts first; AppError 'internal'
   * after `close()`.
   */
  acquire(priority: 'first' | 'extra', signal?: AbortSignal): Promise<WorkerLease> {
    if (this.#closed) return Promise.reject(new AppError('internal', 'The local engine is closed'))
    if (signal?.aborted) return Promise.reject(new CancelledError())
    const lease = this.#tryLease()
    if (lease !== undefined) return Promise.resolve(lease)
    return new Promise<WorkerLease>((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#removeWaiter(waiter)
          reject(new CancelledError())
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.#waiters.push(waiter)
    })
  }

  /** Terminates every worker and rejects waiters. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    this.#stopWatchdog()
    for (const waiter of this.#waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort)
      waiter.reject(new AppError('internal', 'The local engine is closed'))
    }
    for (const timer of this.#idleTimers.values()) clearTimeout(timer)
    this.#idleTimers.clear()
    this.#idle.length = 0
    await Promise.all([...this.#all].map((w) => w.terminate()))
    this.#all.clear()
  }

  #tryLease(): WorkerLease | undefined {
    let worker = this.#idle.pop()
    if (worker !== undefined) {
      clearTimeout(this.#idleTimers.get(worker))
      this.#idleTimers.delete(worker)
    } else if (this.#all.size < this.size) {
      worker = this.#create()
    } else {
      return undefined
    }
    worker.setBusy(true)
    return this.#lease(worker)
  }

  #lease(worker: RenderWorker): WorkerLease {
    let done = false
    return {
      worker,
      release: () => {
        if (done) return
        done = true
        this.#giveBack(worker)
      },
      discard: async () => {
        if (done) return
        done = true
        await worker.terminate()
        this.#forget(worker)
        this.#serveWaiters()
      },
    }
  }

  #giveBack(worker: RenderWorker): void {
    if (worker.isStopped || this.#closed) {
      this.#forget(worker)
      if (this.#closed) void worker.terminate()
      this.#serveWaiters()
      return
    }
    worker.setBusy(false)
    this.#idle.push(worker)
    if (this.#idleTimeoutMs > 0) {
      const timer = setTimeout(() => {
        const at = this.#idle.indexOf(worker)
        if (at < 0) return
        this.#idle.splice(at, 1)
        this.#idleTimers.delete(worker)
        this.#forget(worker)
        void worker.terminate()
      }, this.#idleTimeoutMs)
      timer.unref()
      this.#idleTimers.set(worker, timer)
    }
    this.#serveWaiters()
  }

  #forget(worker: RenderWorker): void {
    this.#all.delete(worker)
    const at = this.#idle.indexOf(worker)
    if (at >= 0) this.#idle.splice(at, 1)
    clearTimeout(this.#idleTimers.get(worker))
    this.#idleTimers.delete(worker)
    // A crashed idle worker frees a slot someone may be waiting for.
    queueMicrotask(() => this.#serveWaiters())
  }

  #serveWaiters(): void {
    while (this.#waiters.length > 0 && !this.#closed) {
      const index = Math.max(
        this.#waiters.findIndex((w) => w.priority === 'first'),
        0,
      )
      const lease = this.#tryLease()
      if (lease === undefined) return
      const [waiter] = this.#waiters.splice(index, 1)
      if (waiter === undefined) {
        lease.release()
        return
      }
      waiter.signal?.removeEventListener('abort', waiter.onAbort)
      waiter.resolve(lease)
    }
  }

  #removeWaiter(waiter: Waiter): void {
    const at = this.#waiters.indexOf(waiter)
    if (at >= 0) this.#waiters.splice(at, 1)
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** How long an unclaimed spare worker lives, in ms. */
export const SPARE_WORKER_TTL_MS = 10_000

let spare: { worker: RenderWorker; timer: ReturnType<typeof setTimeout> } | undefined

/**
 * Starts one render worker thread before any pool exists, so that its start-up (thread, modules,
 * PDFium's WASM) overlaps the caller's own loading; the first pool that needs a worker with the
 * same entry and memory cap takes it instead of starting one. Used by the CLI as its very first
 * step. The spare never keeps the process alive and ends after {@link SPARE_WORKER_TTL_MS}
 * unclaimed. A second call while a spare waits does nothing.
 */
export function prestartSpareWorker(entry: RenderWorkerEntry = resolveRenderWorkerEntry()): void {
  if (spare !== undefined) return
  const worker = new RenderWorker(entry, () => {
    if (spare?.worker === worker) {
      clearTimeout(spare.timer)
      spare = undefined
    }
  })
  worker.setBusy(false)
  const timer = setTimeout(() => void worker.terminate(), SPARE_WORKER_TTL_MS)
  timer.unref()
  spare = { worker, timer }
}

/** True while a spare worker started by {@link prestartSpareWorker} waits unclaimed. */
export function hasSpareWorker(): boolean {
  return spare !== undefined && !spare.worker.isStopped
}

/** The waiting spare worker when it matches; it then belongs to the caller. */
function takeSpareWorker(entry: RenderWorkerEntry, maxMemoryBytes: number | undefined): RenderWorker | undefined {
  const s = spare
  if (s === undefined || s.worker.isStopped || s.worker.entryHref !== entry.url.href || s.worker.maxMemoryBytes !== maxMemoryBytes) return undefined
  clearTimeout(s.timer)
  spare = undefined
  return s.worker
}
