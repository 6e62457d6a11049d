/**
 * Minimal HTTP(S) transport on node:http/https for the PDF.co client: one attempt per call, no
 * retries (those live in `api-call.ts`).
 *
 * Why not `fetch`: the presigned PUT must stream a file of up to 2 GB from disk with an exact
 * `Content-Length` and report progress as the socket drains, and a reset in the middle of an
 * upload or a download must surface as a plain error that the retry loop understands. node:http
 * does both directly, with keep-alive agents for the many small API calls.
 *
 * Timeouts: `timeoutMs` bounds a whole buffered request; `idleTimeoutMs` bounds the silence
 * between two chunks of a streamed upload or download (a 1 GiB upload may legitimately take long,
 * a stalled one must not). Abort through `signal` destroys the socket and rejects with
 * CancelledError. Failures without an HTTP answer reject with {@link TransportError}.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError, CancelledError, PdfCoError } from '../errors.ts'
import { writeError } from '../files/atomic-write.ts'
import type { TransportFailure, TransportFailureKind } from './errors.ts'
import { redact } from './redact.ts'

/** A failure without a (complete) HTTP answer; the message is already redacted. */
export class TransportError extends Error implements TransportFailure {
  readonly kind: TransportFailureKind
  readonly code: string | undefined
  readonly maybeDelivered: boolean

  constructor(kind: TransportFailureKind, message: string, code: string | undefined, maybeDelivered: boolean) {
    super(redact(message))
    this.name = 'TransportError'
    this.kind = kind
    this.code = code
    this.maybeDelivered = maybeDelivered
  }
}

/** The body to send: bytes in memory, or a file streamed from disk. */
export type RequestBody =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | {
      readonly kind: 'file'
      readonly path: string
      readonly sizeBytes: number
      /** Called as bytes leave for the socket (after backpressure), with the running total. */
      readonly onProgress?: (bytesSent: number, bytesTotal: number) => void
    }

/** Where the response body goes. */
export type ResponseSink =
  | { readonly kind: 'buffer'; readonly maxBytes: number }
  /** Streamed to `path` (truncated first) when the status is 2xx; otherwise buffered (≤ 64 KiB). */
  | {
      readonly kind: 'file'
      readonly path: string
      readonly onProgress?: (bytesReceived: number, bytesTotal: number | undefined) => void
      /** Largest body accepted, in bytes: a bigger announced or received body fails at once. */
      readonly maxBytes?: number
      /**
       * Overall deadline of the body from the response's arrival, in ms, given the announced
       * Content-Length (undefined when absent): a body that trickles in fails when it passes.
       */
      readonly deadlineMs?: (announcedBytes: number | undefined) => number
    }

/** One HTTP request. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT'
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body?: RequestBody
  readonly sink: ResponseSink
  /** Deadline of the whole exchange, in ms (buffered requests). */
  readonly timeoutMs: number
  /** Longest silence between two body chunks, in ms (streamed requests). */
  readonly idleTimeoutMs: number
  readonly signal?: AbortSignal | undefined
}

/** The answer: status, headers and (for a buffer sink, or a non-2xx file sink) the body bytes. */
export interface HttpResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** Bytes written to the file sink (0 for buffer sinks). */
  readonly fileBytes: number
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32, keepAliveMsecs: 1_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32, keepAliveMsecs: 1_000 }),
}

/** Errors before the connection exists: the server cannot have seen the request. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])

/**
 * Sends one request and resolves with the answer, whatever its status.
 *
 * @throws TransportError (timeout, connection refused/reset, truncated body), CancelledError;
 *   PdfCoError 'pdfco/bad-response' for a download larger than the sink's `maxBytes`.
 */
export function sendHttp(req: HttpRequest): Promise<HttpResponse> {
  if (req.signal?.aborted) return Promise.reject(new CancelledError())
  return new Promise<HttpResponse>((resolve, reject) => {
    const clientRequest = openRequest(req)
    const ex = createExchange(req, clientRequest, resolve, reject)
    clientRequest.on('error', (err) => {
      if (!ex.gotResponse) ex.fail(err)
    })
    clientRequest.on('response', (res) => {
      ex.gotResponse = true
      ex.touch()
      readResponse(req, res, ex).then(ex.succeed, ex.fail)
    })
    sendBody(req, clientRequest, ex)
  })
}

/** The request object, with an exact Content-Length for a body, on the keep-alive agents. */
function openRequest(req: HttpRequest): http.ClientRequest {
  const isHttps = req.url.protocol === 'https:'
  const headers: Record<string, string> = { ...req.headers }
  if (req.body !== undefined) {
    headers['content-length'] = String(req.body.kind === 'bytes' ? req.body.bytes.byteLength : req.body.sizeBytes)
  }
  return (isHttps ? https : http).request(req.url, {
    method: req.method,
    headers,
    agent: isHttps ? agents.https : agents.http,
  })
}

/** The timers, cancellation and settling of one exchange; it settles once. */
interface Exchange {
  /** Set when the response head arrived (later request errors belong to the body reader). */
  gotResponse: boolean
  /** Restarts the idle timer of a streamed request (no-op for a buffered one). */
  touch(): void
  /** Destroys the request with `err` and rejects with it (the first such error wins). */
  abortWith(err: Error): void
  fail(err: unknown): void
  succeed(res: HttpResponse): void
  /** Starts the overall deadline of a streamed response body. */
  setBodyDeadline(ms: number, onTimeout: () => void): void
}

function createExchange(req: HttpRequest, clientRequest: http.ClientRequest, resolve: (res: HttpResponse) => void, reject: (err: Error) => void): Exchange {
  const streamed = req.body?.kind === 'file' || req.sink.kind === 'file'
  let settled = false
  let connected = false
  let failure: Error | undefined
  let idleTimer: NodeJS.Timeout | undefined
  let bodyTimer: NodeJS.Timeout | undefined
  const ex: Exchange = {
    gotResponse: false,
    touch() {
      if (!streamed) return
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => {
        ex.abortWith(new TransportError('timeout', `no data for ${req.idleTimeoutMs} ms`, 'ETIMEDOUT', connected))
      }, req.idleTimeoutMs)
    },
    abortWith(err) {
      failure ??= err
      clientRequest.destroy(err)
      ex.fail(err)
    },
    fail(err) {
      if (settled) return
      settled = true
      finish()
      reject(failure ?? toTransportError(err, connected))
    },
    succeed(res) {
      if (settled) return
      settled = true
      finish()
      resolve(res)
    },
    setBodyDeadline(ms, onTimeout) {
      bodyTimer = setTimeout(onTimeout, ms)
    },
  }
  const totalTimer = streamed ? undefined : setTimeout(() => {
    ex.abortWith(new TransportError('timeout', `no answer within ${req.timeoutMs} ms`, 'ETIMEDOUT', connected))
  }, req.timeoutMs)
  ex.touch()
  const onAbort = (): void => ex.abortWith(new CancelledError())
  req.signal?.addEventListener('abort', onAbort, { once: true })
  function finish(): void {
    clearTimeout(totalTimer)
    clearTimeout(idleTimer)
    clearTimeout(bodyTimer)
    req.signal?.removeEventListener('abort', onAbort)
  }
  clientRequest.on('socket', (socket) => {
    if (!socket.connecting) connected = true
    else socket.once('connect', () => (connected = true))
  })
  return ex
}

/** Reads the answer: a 2xx into the file sink, anything else into a buffer. */
async function readResponse(req: HttpRequest, res: IncomingMessage, ex: Exchange): Promise<HttpResponse> {
  const status = res.statusCode ?? 0
  if (req.sink.kind === 'file' && status >= 200 && status <= 299) {
    const fileBytes = await readToFile(req.sink, res, ex)
    return { status, headers: res.headers, body: Buffer.alloc(0), fileBytes }
  }
  const maxBytes = req.sink.kind === 'buffer' ? req.sink.maxBytes : 64 * 1024
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    ex.touch()
    size += chunk.length
    if (size <= maxBytes) chunks.push(chunk)
  }
  const body = Buffer.concat(chunks)
  return { status, headers: res.headers, body: size > maxBytes ? body.subarray(0, maxBytes) : body, fileBytes: 0 }
}

/**
 * Streams a 2xx body to the sink's file under its size cap and deadline; returns the bytes written.
 * @throws PdfCoError (too big), TransportError (truncated body), the file's write error.
 */
async function readToFile(sink: Extract<ResponseSink, { kind: 'file' }>, res: IncomingMessage, ex: Exchange): Promise<number> {
  const lengthHeader = res.headers['content-length']
  const total = lengthHeader === undefined ? undefined : Number.parseInt(lengthHeader, 10)
  let received = 0
  const { onProgress, maxBytes = Infinity, path: sinkPath } = sink
  const tooBig = (): PdfCoError =>
    new PdfCoError('pdfco/bad-response', `The download is larger than the ${formatMb(maxBytes)} allowed for this page image: stopped`, { retryable: false })
  if (total !== undefined && total > maxBytes) {
    res.destroy()
    throw tooBig()
  }
  const deadlineMs = sink.deadlineMs?.(total)
  if (deadlineMs !== undefined) {
    ex.setBodyDeadline(deadlineMs, () => {
      ex.abortWith(new TransportError('timeout', `download did not finish within ${(deadlineMs / 1000).toFixed(1)} s (${received} bytes received)`, 'ETIMEDOUT', true))
    })
  }
  const counter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      received += chunk.length
      if (received > maxBytes) {
        callback(tooBig())
        return
      }
      ex.touch()
      onProgress?.(received, total)
      callback(null, chunk)
    },
  })
  const out = createWriteStream(sinkPath, { flags: 'w' })
  let writeFailure: unknown
  out.once('error', (err) => (writeFailure = err))
  try {
    await pipeline(res, counter, out)
  } catch (err) {
    if (writeFailure !== undefined) throw writeError(writeFailure, sinkPath)
    throw err
  }
  if (total !== undefined && Number.isFinite(total) && received !== total) {
    throw new TransportError('network', `download truncated: ${received} of ${total} bytes`, 'ECONNRESET', true)
  }
  return received
}

/** Sends the body: none, bytes, or a file streamed from disk with progress. */
function sendBody(req: HttpRequest, clientRequest: http.ClientRequest, ex: Exchange): void {
  const body = req.body
  if (body === undefined) {
    clientRequest.end()
  } else if (body.kind === 'bytes') {
    clientRequest.end(body.bytes)
  } else {
    let sent = 0
    const progress = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        sent += chunk.length
        ex.touch()
        body.onProgress?.(sent, body.sizeBytes)
        callback(null, chunk)
      },
    })
    pipeline(createReadStream(body.path, { highWaterMark: 256 * 1024 }), progress, clientRequest).catch((err: unknown) => {
      if (!ex.gotResponse) ex.fail(err)
    })
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

function toTransportError(err: unknown, connected: boolean): Error {
  if (err instanceof TransportError || err instanceof AppError) return err
  const e = err as NodeJS.ErrnoException
  const code = typeof e?.code === 'string' ? e.code : undefined
  const message = e instanceof Error ? e.message : String(err)
  const delivered = connected || (code !== undefined ? !NOT_DELIVERED.has(code) : true)
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return new TransportError('timeout', message, code, delivered)
  return new TransportError('network', message, code, delivered)
}
