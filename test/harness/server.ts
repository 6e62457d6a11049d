/**
 * The browser harness server: joins the REAL renderer build (running in Chromium) to the REAL
 * main-process services (running in this Node process) through the same IPC contract.
 *
 * One origin serves everything, so the renderer keeps its strict Electron CSP unchanged:
 * - `GET /…`            the harness build of the renderer (`ensureHarnessBuild()`), static files
 * - `GET /thumbs/…`     thumbnails: the Request goes to `services.handleThumbnailRequest`
 *                       (the services get `thumbUrlBase` = `<origin>/thumbs/`)
 * - `WS  /ipc`          invoke calls → `services.dispatch(channel, args)`; `services.onEvent`
 *                       events pushed to every open socket (wire format: ./wire.ts)
 * Listens on 127.0.0.1 only.
 *
 * The WebSocket gives the whole API (set a base URL, check a key…), so the Origin header is not
 * enough: any local process can send one. Each run makes a random token that only the page gets:
 * it is in {@link HarnessServer.url}, which the harness opens in its browser. Loading that URL
 * answers with a redirect to `/` that sets the token as an HttpOnly, SameSite=Strict cookie (named
 * after the port: cookies do not separate ports), so the page's own upgrade request to `/ipc`
 * carries it without the bridge knowing about it. An upgrade without the right cookie (or with a
 * foreign Origin) is refused with 401/403 before the WebSocket opens.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Result } from '../../electron/ipc/contract.ts'
import { decodeWire, encodeWire, type InvokeMessage, type ServerMessage } from './wire.ts'

/** What the harness needs from the main-process services (`electron/app/services.ts` AppServices). */
export interface HarnessServices {
  dispatch(channel: string, args: readonly unknown[]): Promise<Result<unknown>>
  onEvent(listener: (channel: string, payload: unknown) => void): () => void
  handleThumbnailRequest(request: Request): Promise<Response>
}

/** Options of {@link startHarnessServer}. */
export interface HarnessServerOptions {
  /** Folder of the harness renderer build (index.html + assets/). */
  readonly distDir: string
  /** Creates the services once the origin is known; `thumbUrlBase` ends with '/'. */
  readonly createServices: (thumbUrlBase: string) => Promise<HarnessServices>
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number
}

/** A running harness server. */
export interface HarnessServer {
  /** e.g. `http://127.0.0.1:43123/?token=…` (open this in the browser; it holds the run's token). */
  readonly url: string
  readonly origin: string
  readonly services: HarnessServices
  /** Invoke channels called so far, in order (for assertions). */
  readonly invoked: string[]
  /** Stops listening and closes the sockets (does not dispose the services). */
  close(): Promise<void>
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** Starts the server on 127.0.0.1. */
export async function startHarnessServer(options: HarnessServerOptions): Promise<HarnessServer> {
  const distDir = path.resolve(options.distDir)
  const token = randomBytes(32).toString('base64url')
  let portForCookie = 0
  const cookieName = (): string => `pdf-harness-${portForCookie}`
  let origin = ''
  const sockets = new Set<WebSocket>()
  const invoked: string[] = []
  const ready: { services?: HarnessServices } = {}

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(err instanceof Error ? err.message : String(err))
    })
  })

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin)
    const offered = url.searchParams.get('token')
    if (offered !== null) {
      // The page's entry URL: hand the token over as a cookie, and drop it from the address bar.
      if (!sameSecret(offered, token)) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('wrong token')
        return
      }
      res.writeHead(303, { location: '/', 'set-cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/` }).end()
      return
    }
    if (url.pathname.startsWith('/thumbs/')) {
      const services = ready.services
      if (services === undefined) throw new Error('services not ready')
      // The browser dropping the request (e.g. a scrolled-away <img>) aborts the Request's signal.
      const abort = new AbortController()
      res.on('close', () => {
        if (!res.writableFinished) abort.abort()
      })
      const response = await services.handleThumbnailRequest(new Request(url.href, { method: req.method ?? 'GET', signal: abort.signal }))
      const headers: Record<string, string> = {}
      response.headers.forEach((value, key) => (headers[key] = value))
      res.writeHead(response.status, headers)
      res.end(req.method === 'HEAD' ? undefined : Buffer.from(await response.arrayBuffer()))
      return
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end()
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
    const filePath = path.join(distDir, path.normalize(relative))
    if (!filePath.startsWith(distDir + path.sep)) {
      res.writeHead(404).end()
      return
    }
    const info = await stat(filePath).catch(() => null)
    if (info === null || !info.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(filePath)] ?? 'application/octet-stream',
      'content-length': String(info.size),
      'cache-control': 'no-store',
    })
    if (req.method === 'HEAD') res.end()
    else createReadStream(filePath).pipe(res)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  origin = `http://127.0.0.1:${port}`
  portForCookie = port
  const activeServices = await options.createServices(`${origin}/thumbs/`)
  ready.services = activeServices

  const wss = new WebSocketServer({
    server,
    path: '/ipc',
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      if (info.req.headers.origin !== origin) return done(false, 403, 'foreign origin')
      const offered = readCookie(info.req.headers.cookie, cookieName())
      if (offered === undefined || !sameSecret(offered, token)) return done(false, 401, 'missing or wrong harness token')
      done(true)
    },
  })
  const send = (socket: WebSocket, message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(encodeWire(message))
  }
  const offEvents = activeServices.onEvent((channel, payload) => {
    for (const socket of sockets) send(socket, { type: 'event', channel, payload })
  })
  wss.on('connection', (socket, req) => {
    // Same-origin pages only (the renderer served above).
    if (req.headers.origin !== origin) {
      socket.close(1008, 'foreign origin')
      return
    }
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('message', (data) => {
      const message = decodeWire(String(data)) as InvokeMessage
      if (message.type !== 'invoke') return
      invoked.push(message.channel)
      activeServices
        .dispatch(message.channel, message.args)
        .catch((err: unknown): Result<unknown> => ({
          ok: false,
          error: { code: 'internal', message: err instanceof Error ? err.message : String(err), retryable: false },
        }))
        .then((result) => send(socket, { type: 'result', id: message.id, result }))
    })
  })

  return {
    url: `${origin}/?token=${token}`,
    origin,
    services: activeServices,
    invoked,
    async close() {
      offEvents()
      for (const socket of sockets) socket.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    },
  }
}

/** Constant-time comparison of two secrets. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The value of cookie `name` in a `Cookie` header. */
function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
