/**
 * Thumbnails of output images and of source pages, made lazily and cached.
 *
 * Output thumbnails: sharp resizes the written image to a width from THUMB_WIDTHS and encodes
 * PNG; results are kept in an in-memory LRU (by bytes) and on disk under `cacheDir`, keyed by the
 * output id, the width and the source's size + mtime (so an overwritten image gets a fresh one).
 * An engine that already holds the page's image hands its thumbnail over with
 * {@link ThumbnailService.primeOutput} when the output is registered: the first request is then a
 * memory hit and the written file is never decoded for the grid.
 * Source-page thumbnails: rendered by the local engine's workers (PDFium) at exactly the asked
 * width, memory cache only (file ids live for one session).
 *
 * Work runs newest request first ({@link LifoLimiter}) so the cells in view after a fast scroll
 * come first, and a request whose `signal` aborts (the browser dropped the `<img>`) leaves the
 * queue; identical requests share one task, which is dropped only when every requester left.
 *
 * Only paths held by the registries are ever read; callers pass ids, never paths.
 */
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { THUMB_WIDTHS, type ThumbWidth } from '../shared/limits.ts'
import type { Logger } from '../log/logger.ts'
import { THUMB_PNG_OPTIONS } from './from-bitmap.ts'
import { LifoLimiter, TaskAbortedError } from './lifo-limiter.ts'

export { TaskAbortedError } from './lifo-limiter.ts'

/** A thumbnail request for something that does not exist (→ 404). */
export class ThumbnailNotFoundError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ThumbnailNotFoundError'
  }
}

/** A thumbnail request with an impossible parameter, e.g. a page past the end (→ 400). */
export class ThumbnailBadRequestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ThumbnailBadRequestError'
  }
}

/** Renders one page of a registered source PDF to PNG bytes about `widthPx` wide. */
export type SourcePageRenderer = (fileId: string, page: number, widthPx: number) => Promise<Buffer>

/** Options of {@link createThumbnailService}. */
export interface ThumbnailServiceOptions {
  /** Disk cache folder (created lazily). */
  readonly cacheDir: string
  /** Resolves an output id to its image path, or undefined (→ 404). */
  readonly resolveOutput: (outputId: string) => { readonly path: string } | undefined
  /** Resolves a file id to its page count, or undefined (→ 404). */
  readonly resolveSourceFile?: (fileId: string) => { readonly pageCount: number } | undefined
  /** Source-page renderer; without it page thumbnails are 404. */
  readonly renderSourcePage?: SourcePageRenderer
  /** In-memory cache budget; default 64 MB. */
  readonly maxMemoryBytes?: number
  readonly logger?: Logger
}

/** The thumbnail service. */
export interface ThumbnailService {
  /**
   * PNG thumbnail of an output image.
   *
   * @param signal the request's; when it aborts before the work started, the work is dropped.
   * @throws ThumbnailNotFoundError for an unknown id or a vanished image; TaskAbortedError when
   *   `signal` aborted first.
   */
  outputThumbnail(outputId: string, widthPx: ThumbWidth, signal?: AbortSignal): Promise<Buffer>
  /**
   * PNG thumbnail of a source page (1-based).
   *
   * @param signal as for {@link ThumbnailService.outputThumbnail}.
   * @throws ThumbnailNotFoundError (unknown file, no renderer, needs a password), ThumbnailBadRequestError
   *   (page out of range), TaskAbortedError.
   */
  pageThumbnail(fileId: string, page: number, widthPx: ThumbWidth, signal?: AbortSignal): Promise<Buffer>
  /**
   * Stores an output's thumbnail made by the engine (from the bitmap or download it holds), under
   * the same key a request computes (output id, width, the file's size + mtime now), so the next
   * request is a memory hit. Requests for the id that arrive meanwhile wait for it. Never throws:
   * an unknown id or a vanished file primes nothing (a later request decodes the file as usual).
   *
   * @param widthPx the width the PNG answers, in px; a width outside THUMB_WIDTHS primes nothing.
   */
  primeOutput(outputId: string, widthPx: number, png: Uint8Array): Promise<void>
  /**
   * Starts making an output's thumbnail now, as a request would (decoding the file), so a request
   * arriving later joins or hits it. For outputs whose engine handed no thumbnail over. Never throws.
   */
  warmOutput(outputId: string, widthPx: ThumbWidth): void
  /** Stats for tests and benchmarks: cache hits, images made, primed thumbnails, and queued requests dropped on abort. */
  readonly stats: { memoryHits: number; diskHits: number; rendered: number; primed: number; dropped: number }
}

interface Inflight {
  readonly promise: Promise<Buffer>
  readonly controller: AbortController
  /** Requesters still waiting; Infinity once one without a signal joined (it never leaves). */
  waiters: number
}

/**
 * Creates a thumbnail service (sharp work 2 at a time, page renders 1 at a time, both newest
 * first; identical requests shared).
 */
export function createThumbnailService(options: ThumbnailServiceOptions): ThumbnailService {
  const maxMemoryBytes = options.maxMemoryBytes ?? 64 * 1024 * 1024
  // Bounded by total bytes; an image larger than the whole budget is not kept.
  const memory = new LRUCache<string, Buffer>({ maxSize: maxMemoryBytes, sizeCalculation: (buf) => Math.max(1, buf.length) })
  const limit = new LifoLimiter(2)
  const renderLimit = new LifoLimiter(1)
  const stats = { memoryHits: 0, diskHits: 0, rendered: 0, primed: 0, dropped: 0 }
  const disk = createDiskCache(options.cacheDir, options.logger)
  const priming = createPriming(memory, stats, options.resolveOutput)

  const shared = createSharedTasks(memory, stats)

  const service: ThumbnailService = {
    stats,
    primeOutput: priming.prime,
    warmOutput(outputId, widthPx) {
      service.outputThumbnail(outputId, widthPx).catch(() => undefined)
    },
    async outputThumbnail(outputId, widthPx, signal) {
      const output = options.resolveOutput(outputId)
      if (output === undefined) throw new ThumbnailNotFoundError('unknown output')
      await priming.wait(outputId)
      const key = await outputKey(outputId, widthPx, output.path)
      if (key === null) throw new ThumbnailNotFoundError('output image is gone')
      const signature = key.slice(key.lastIndexOf('/') + 1)
      return shared(key, async (taskSignal) => {
        const diskName = `${outputId}-${widthPx}-${signature}.png`
        const cached = await disk.read(diskName)
        if (cached !== null) {
          stats.diskHits++
          return cached
        }
        const png = await limit
          .run(
            () =>
              sharp(output.path, { limitInputPixels: 268_402_689, failOn: 'none' })
                .resize({ width: widthPx, withoutEnlargement: true })
                .png(THUMB_PNG_OPTIONS)
                .toBuffer(),
            taskSignal,
          )
          .catch((err: unknown) => {
            if (err instanceof TaskAbortedError) throw err
            options.logger?.warn('thumbnail failed', { outputId, error: err })
            throw new ThumbnailNotFoundError('image cannot be read')
          })
        stats.rendered++
        await disk.write(diskName, png)
        return png
      }, signal)
    },
    async pageThumbnail(fileId, page, widthPx, signal) {
      const file = options.resolveSourceFile?.(fileId)
      if (file === undefined || options.renderSourcePage === undefined) throw new ThumbnailNotFoundError('unknown file')
      if (file.pageCount < 1) throw new ThumbnailNotFoundError('page count unknown (password needed)')
      if (page < 1 || page > file.pageCount) throw new ThumbnailBadRequestError('page out of range')
      const render = options.renderSourcePage
      return shared(
        `page/${fileId}/${page}/${widthPx}`,
        async (taskSignal) => {
          const png = await renderLimit.run(() => render(fileId, page, widthPx), taskSignal)
          stats.rendered++
          return png
        },
        signal,
      )
    },
  }
  return service
}

/** The thumbnail disk cache: files in `cacheDir` (made lazily), written atomically; failures only logged. */
function createDiskCache(cacheDir: string, logger: Logger | undefined) {
  let ready: Promise<unknown> | undefined
  return {
    read: (name: string): Promise<Buffer | null> => readFile(path.join(cacheDir, name)).catch(() => null),
    async write(name: string, png: Buffer): Promise<void> {
      ready ??= mkdir(cacheDir, { recursive: true })
      await ready
      const target = path.join(cacheDir, name)
      const temp = `${target}.part-${process.pid}-${Math.random().toString(16).slice(2, 10)}`
      await writeFile(temp, png)
        .then(() => rename(temp, target))
        .catch(async (err: unknown) => {
          await rm(temp, { force: true }).catch(() => undefined)
          logger?.warn('cannot write thumbnail cache', { error: err })
        })
    },
  }
}

/**
 * Engine-made thumbnails stored under the key a request computes; `wait(id)` resolves once the
 * id's priming (reading the file's stats) is over.
 */
function createPriming(
  memory: LRUCache<string, Buffer>,
  stats: { primed: number },
  resolveOutput: ThumbnailServiceOptions['resolveOutput'],
): { prime: ThumbnailService['primeOutput']; wait(outputId: string): Promise<void> | undefined } {
  const pending = new Map<string, Promise<void>>()
  return {
    prime(outputId, widthPx, png) {
      const output = resolveOutput(outputId)
      if (output === undefined || !isThumbWidth(widthPx) || png.byteLength === 0) return Promise.resolve()
      const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
      const done = outputKey(outputId, widthPx, output.path)
        .then((key) => {
          if (key === null) return
          memory.set(key, buf)
          stats.primed++
        })
        .finally(() => {
          if (pending.get(outputId) === done) pending.delete(outputId)
        })
      pending.set(outputId, done)
      return done
    },
    wait: (outputId) => pending.get(outputId),
  }
}

function isThumbWidth(widthPx: number): widthPx is ThumbWidth {
  return (THUMB_WIDTHS as readonly number[]).includes(widthPx)
}

/**
 * The cache key of an output thumbnail: id, width and a signature of the file's path, size and
 * mtime; null when the file is gone (or not a file).
 */
async function outputKey(outputId: string, widthPx: ThumbWidth, filePath: string): Promise<string | null> {
  const info = await stat(filePath).catch(() => null)
  if (info === null || !info.isFile()) return null
  const signature = createHash('sha1').update(`${filePath}\0${info.size}\0${info.mtimeMs}`).digest('hex').slice(0, 12)
  return `output/${outputId}/${widthPx}/${signature}`
}

/** Answers a key from memory, or joins (or starts) the one task making it; `make` gets the task's signal. */
type SharedTasks = (key: string, make: (signal: AbortSignal) => Promise<Buffer>, signal?: AbortSignal) => Promise<Buffer>

/**
 * Identical requests share one task; a task whose every requester aborted is aborted (it leaves
 * its queue) and a later request starts afresh. Results go to `memory`.
 */
function createSharedTasks(memory: LRUCache<string, Buffer>, stats: { memoryHits: number; dropped: number }): SharedTasks {
  const inflight = new Map<string, Inflight>()
  return (key, make, signal) => {
    const hit = memory.get(key)
    if (hit !== undefined) {
      stats.memoryHits++
      return Promise.resolve(hit)
    }
    if (signal?.aborted) return Promise.reject(new TaskAbortedError())
    let entry = inflight.get(key)
    if (entry === undefined) {
      const controller = new AbortController()
      const promise = make(controller.signal).then((buf) => {
        memory.set(key, buf)
        return buf
      })
      const created: Inflight = { promise, controller, waiters: 0 }
      entry = created
      inflight.set(key, created)
      const forget = (): void => {
        if (inflight.get(key) === created) inflight.delete(key)
      }
      promise.then(forget, (err: unknown) => {
        forget()
        if (err instanceof TaskAbortedError) stats.dropped++
      })
    }
    if (signal === undefined) {
      entry.waiters = Infinity
      return entry.promise
    }
    entry.waiters++
    const joined = entry
    return new Promise<Buffer>((resolve, reject) => {
      const onAbort = (): void => {
        joined.waiters--
        if (joined.waiters <= 0) {
          // Nobody wants it any more: a queued task leaves the queue; later requests start afresh.
          if (inflight.get(key) === joined) inflight.delete(key)
          joined.controller.abort()
        }
        reject(new TaskAbortedError())
      }
      signal.addEventListener('abort', onAbort, { once: true })
      joined.promise.then(
        (buf) => {
          signal.removeEventListener('abort', onAbort)
          resolve(buf)
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(err)
        },
      )
    })
  }
}
