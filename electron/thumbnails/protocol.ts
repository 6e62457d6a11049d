/**
 * The `pdf-thumb:` protocol handler: Request → Response.
 *
 * Invariant: URLs carry ids, never paths, so nothing can be traversed. Accepted shapes, after the
 * configured base (`pdf-thumb://` in Electron, the harness's HTTP origin + path in the browser):
 *   `output/<outputId>?w=<width>`     thumbnail of a written image
 *   `page/<fileId>/<page>?w=<width>`  thumbnail of a source page (1-based)
 * Ids are lowercase UUIDs (standard schemes lowercase the host). Anything else is a 404 (unknown
 * route, malformed or unknown id, `..`, `%2e%2e`, absolute paths, extra segments); a width outside
 * THUMB_WIDTHS, a missing or repeated `w`, or a malformed page number is a 400. Only GET and HEAD.
 * The request's `signal` is passed on: a request the browser drops before its work started is
 * taken out of the queue (answered 499, which nobody reads).
 * See Electron `api/protocol.md` (its example does not block `../`; this handler never builds a
 * path from the URL) and Signal's `attachment_channel.main.ts`.
 */
import { THUMB_WIDTHS, type ThumbWidth } from '../shared/limits.ts'
import type { Logger } from '../log/logger.ts'
import { TaskAbortedError, ThumbnailBadRequestError, ThumbnailNotFoundError, type ThumbnailService } from './thumbnail-service.ts'

/** Lowercase RFC 4122 UUID (what `crypto.randomUUID()` makes). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u
const PAGE_PATTERN = /^[1-9][0-9]{0,5}$/u
const WIDTH_PATTERN = /^[1-9][0-9]{0,4}$/u

/** A parsed thumbnail URL. */
export type ThumbRoute =
  | { readonly kind: 'output'; readonly outputId: string; readonly widthPx: ThumbWidth }
  | { readonly kind: 'page'; readonly fileId: string; readonly page: number; readonly widthPx: ThumbWidth }
  | { readonly kind: 'error'; readonly status: 400 | 404; readonly reason: string }

/**
 * Parses a thumbnail URL against `base` (e.g. `pdf-thumb://`). Pure; never touches the disk.
 */
export function parseThumbUrl(url: string, base: string): ThumbRoute {
  if (!url.startsWith(base)) return { kind: 'error', status: 404, reason: 'foreign URL' }
  const rest = url.slice(base.length).split('#', 1)[0] ?? ''
  const queryAt = rest.indexOf('?')
  const pathPart = queryAt < 0 ? rest : rest.slice(0, queryAt)
  const query = new URLSearchParams(queryAt < 0 ? '' : rest.slice(queryAt + 1))
  const segments = pathPart.split('/')
  const [route, ...args] = segments

  const width = (): ThumbWidth | null => {
    const all = query.getAll('w')
    if (all.length !== 1 || !WIDTH_PATTERN.test(all[0] ?? '')) return null
    const value = Number(all[0])
    return (THUMB_WIDTHS as readonly number[]).includes(value) ? (value as ThumbWidth) : null
  }

  if (route === 'output' && args.length === 1) {
    const outputId = args[0] ?? ''
    if (!UUID_PATTERN.test(outputId)) return { kind: 'error', status: 404, reason: 'unknown id' }
    const widthPx = width()
    if (widthPx === null) return { kind: 'error', status: 400, reason: 'bad width' }
    return { kind: 'output', outputId, widthPx }
  }
  if (route === 'page' && args.length === 2) {
    const fileId = args[0] ?? ''
    if (!UUID_PATTERN.test(fileId)) return { kind: 'error', status: 404, reason: 'unknown id' }
    if (!PAGE_PATTERN.test(args[1] ?? '')) return { kind: 'error', status: 400, reason: 'bad page' }
    const widthPx = width()
    if (widthPx === null) return { kind: 'error', status: 400, reason: 'bad width' }
    return { kind: 'page', fileId, page: Number(args[1]), widthPx }
  }
  return { kind: 'error', status: 404, reason: 'unknown route' }
}

/**
 * Creates the protocol handler for `protocol.handle('pdf-thumb', …)` and the harness's HTTP route.
 */
export function createThumbnailProtocolHandler(options: {
  readonly base: string
  readonly service: ThumbnailService
  readonly logger?: Logger
}): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed')
    const route = parseThumbUrl(request.url, options.base)
    try {
      switch (route.kind) {
        case 'error':
          return plain(route.status, route.status === 404 ? 'Not found' : 'Bad request')
        case 'output':
          return png(await options.service.outputThumbnail(route.outputId, route.widthPx, request.signal), request.method)
        case 'page':
          return png(await options.service.pageThumbnail(route.fileId, route.page, route.widthPx, request.signal), request.method)
      }
    } catch (err) {
      if (err instanceof TaskAbortedError) return plain(499, 'Client closed request')
      if (err instanceof ThumbnailNotFoundError) return plain(404, 'Not found')
      if (err instanceof ThumbnailBadRequestError) return plain(400, 'Bad request')
      options.logger?.error('thumbnail request failed', { error: err })
      return plain(500, 'Internal error')
    }
  }
}

function png(data: Buffer, method: string): Response {
  return new Response(method === 'HEAD' ? null : new Uint8Array(data.buffer, data.byteOffset, data.byteLength), {
    status: 200,
    headers: {
      'content-type': 'image/png',
      'content-length': String(data.byteLength),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  })
}
