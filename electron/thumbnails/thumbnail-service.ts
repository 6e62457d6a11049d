/**
 * Thumbnails of output images and of source pages, made lazily and cached.
 *
 * Output thumbnails: sharp resizes the written image to a width from THUMB_WIDTHS and encodes
 * PNG; results are kept in an in-memory LRU (by bytes) and on disk under `cacheDir`, keyed by the
 * output id, the width and the source's size + mtime (so an overwritten image gets a fresh one).
 * Source-page thumbnails: rendered by helper A's rasterizer (pdf.js) at the DPI that gives the
 * width, memory cache only (file ids live for one session).
 *
 * Only paths held by the registries are ever read; callers pass ids, never paths.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import sharp from 'sharp'
import type { ThumbWidth } from '../ipc/contract.ts'
import type { Logger } from '../log/logger.ts'

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
   * @throws ThumbnailNotFoundError for an unknown id or a vanished image.
   */
  outputThumbnail(outputId: string, widthPx: ThumbWidth): Promise<Buffer>
  /**
   * PNG thumbnail of a source page (1-based).
   *
   * @throws ThumbnailNotFoundError (unknown file, no renderer, needs a password), ThumbnailBadRequestError (page out of range).
   */
  pageThumbnail(fileId: string, page: number, widthPx: ThumbWidth): Promise<Buffer>
  /** Stats for tests and benchmarks. */
  readonly stats: { memoryHits: number; diskHits: number; rendered: number }
}

/**
 * Creates a thumbnail service (sharp work limited to 2 at a time, identical requests shared).
 */
export function createThumbnailService(options: ThumbnailServiceOptions): ThumbnailService {
  const memory = new LruBytes(options.maxMemoryBytes ?? 64 * 1024 * 1024)
  const inflight = new Map<string, Promise<Buffer>>()
  const limit = pLimit(2)
  const renderLimit = pLimit(1)
  const stats = { memoryHits: 0, diskHits: 0, rendered: 0 }
  let cacheDirReady: Promise<unknown> | undefined

  const shared = (key: string, make: () => Promise<Buffer>): Promise<Buffer> => {
    const hit = memory.get(key)
    if (hit !== undefined) {
      stats.memoryHits++
      return Promise.resolve(hit)
    }
    const running = inflight.get(key)
    if (running !== undefined) return running
    const promise = make()
      .then((buf) => {
        memory.set(key, buf)
        return buf
      })
      .finally(() => inflight.delete(key))
    inflight.set(key, promise)
    return promise
  }

  return {
    stats,
    async outputThumbnail(outputId, widthPx) {
      const output = options.resolveOutput(outputId)
      if (output === undefined) throw new ThumbnailNotFoundError('unknown output')
      const info = await stat(output.path).catch(() => null)
      if (info === null || !info.isFile()) throw new ThumbnailNotFoundError('output image is gone')
      const signature = createHash('sha1').update(`${output.path}\0${info.size}\0${info.mtimeMs}`).digest('hex').slice(0, 12)
      const key = `output/${outputId}/${widthPx}/${signature}`
      return shared(key, async () => {
        const diskPath = path.join(options.cacheDir, `${outputId}-${widthPx}-${signature}.png`)
        const cached = await readFile(diskPath).catch(() => null)
        if (cached !== null) {
          stats.diskHits++
          return cached
        }
        const png = await limit(() =>
          sharp(output.path, { limitInputPixels: 268_402_689, failOn: 'none' })
            .resize({ width: widthPx, withoutEnlargement: true })
            .png({ compressionLevel: 6 })
            .toBuffer(),
        ).catch((err: unknown) => {
          options.logger?.warn('thumbnail failed', { outputId, error: err })
          throw new ThumbnailNotFoundError('image cannot be read')
        })
        stats.rendered++
        cacheDirReady ??= mkdir(options.cacheDir, { recursive: true })
        await cacheDirReady
        const temp = `${diskPath}.part-${process.pid}-${Math.random().toString(16).slice(2, 10)}`
        await writeFile(temp, png)
          .then(() => rename(temp, diskPath))
          .catch(async (err: unknown) => {
            await rm(temp, { force: true }).catch(() => undefined)
            options.logger?.warn('cannot write thumbnail cache', { error: err })
          })
        return png
      })
    },
    async pageThumbnail(fileId, page, widthPx) {
      const file = options.resolveSourceFile?.(fileId)
      if (file === undefined || options.renderSourcePage === undefined) throw new ThumbnailNotFoundError('unknown file')
      if (file.pageCount < 1) throw new ThumbnailNotFoundError('page count unknown (password needed)')
      if (page < 1 || page > file.pageCount) throw new ThumbnailBadRequestError('page out of range')
      const render = options.renderSourcePage
      return shared(`page/${fileId}/${page}/${widthPx}`, async () => {
        const png = await renderLimit(() => render(fileId, page, widthPx))
        stats.rendered++
        return png
      })
    },
  }
}

/** A tiny LRU of Buffers bounded by total bytes. */
class LruBytes {
  private readonly entries = new Map<string, Buffer>()
  private bytes = 0
  constructor(private readonly maxBytes: number) {}

  get(key: string): Buffer | undefined {
    const value = this.entries.get(key)
    if (value === undefined) return undefined
    this.entries.delete(key)
    this.entries.set(key, value)
    return value
  }

  set(key: string, value: Buffer): void {
    if (value.length > this.maxBytes) return
    const old = this.entries.get(key)
    if (old !== undefined) {
      this.bytes -= old.length
      this.entries.delete(key)
    }
    this.entries.set(key, value)
    this.bytes += value.length
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(k)
      this.bytes -= v.length
    }
  }
}
