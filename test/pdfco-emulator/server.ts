/**
 * PDF.co emulator: a real HTTP server on 127.0.0.1 that follows PDF.co's published API (https://docs.pdf.co/api-reference)
 * (presigned upload + PUT, PDF → PNG/JPG/WebP/TIFF sync and async, job/check, credit balance,
 * the error model) and renders real images with the app's render module. Used by every test
 * that talks to "PDF.co", by the benchmarks, and by people trying the app without a key.
 *
 * Faults and timing are set live through {@link Emulator.faults}; every request is recorded in
 * {@link Emulator.requests}. See README.md beside this file for the choices where the contract
 * is silent. The API key is never printed.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pLimit from 'p-limit'
import type { OutputFormat } from '../../electron/shared/formats.ts'
import { paramBool, paramString, parseParams, type Params } from './body.ts'
import { removeQuietly, runRenderJob, type RenderJobResult } from './render-job.ts'

/** Fault and timing knobs; mutable live through {@link Emulator.faults}. */
export interface EmulatorFaults {
  /** Simulated cloud processing time per page (ms), default 0; jobs run in parallel like the cloud. */
  processingMsPerPage: number
  /** Added to every API response (ms), default 0. */
  latencyMs: number
  /** If set, API requests above this many per second get 429, default null. */
  rateLimitPerSecond: number | null
  /** The next N API requests get 429 (deterministic), default 0. */
  fail429Next: number
  /** When set, 429 answers carry a `Retry-After` header (seconds). Default null. */
  retryAfterSeconds: number | null
  /** The next N API requests get `fail5xxStatus` (default 503), default 0. */
  fail5xxNext: number
  /** Status for `fail5xxNext`, default 503. */
  fail5xxStatus: number
  /** Share 0..1 of API requests answered 500 (seeded PRNG: `seed` option), default 0. */
  serverErrorRate: number
  /** The next N presigned PUTs: socket destroyed mid-body. */
  resetUploadNext: number
  /** The next N presigned PUTs are answered 403 (S3 XML body). */
  refusePutNext: number
  /** The next N output downloads (result JSON or page images): socket destroyed after part of the body. */
  resetDownloadNext: number
  /** The next N page-image downloads are bad in the way {@link EmulatorFaults.badImageKind} says. */
  badImageNext: number
  /**
   * 'half': the first half of the image with a matching Content-Length; 'signature': only its
   * 8 first bytes (Content-Length 8); 'trickle': full Content-Length, one byte every
   * `trickleIntervalMs`; 'endless': no Content-Length, bytes until the client hangs up.
   */
  badImageKind: 'half' | 'signature' | 'trickle' | 'endless'
  /** Gap between two bytes of a 'trickle' download, ms. Default 20 000. */
  trickleIntervalMs: number
  /** Outcome of async jobs submitted from now on; 'stuck' = stays `working` forever. Default 'success'. */
  jobOutcome: 'success' | 'failed' | 'aborted' | 'stuck'
  /** errorCode of jobs failed through `jobOutcome: 'failed'`, default 500. */
  jobFailErrorCode: number
  /** Output links expire this long (ms) after the job's success; default null = `expiration` minutes (60). */
  linkExpiryMs: number | null
  /** Jobs succeed but their result JSON (or TIFF) answers 404. */
  missingResultList: boolean
  /**
   * Answer API errors as HTTP 200 with `error: true` (the other half of PDF.co's dual signalling).
   * Default false: HTTP status = the code for standard codes, 400 for 44x codes. Injected 5xx
   * faults keep their HTTP status either way.
   */
  errorsAsHttp200: boolean
  /**
   * A hostile server for leak tests: every API call is answered 400 with a message (and a link)
   * quoting the received API key in this form. Default null (off).
   */
  echoKeyAs: KeyEchoForm | null
  invalidKeyAlways?: never
}

/** How {@link EmulatorFaults.echoKeyAs} writes the key back. */
export type KeyEchoForm = 'raw' | 'base64' | 'base64-embedded' | 'hex' | 'HEX' | 'upper' | 'lower' | 'reversed' | 'url-encoded' | 'all'

/** Every single echo form (`all` quotes them all in one message). */
export const KEY_ECHO_FORMS: readonly Exclude<KeyEchoForm, 'all'>[] = ['raw', 'base64', 'base64-embedded', 'hex', 'HEX', 'upper', 'lower', 'reversed', 'url-encoded']

/** The key in one echo form (exported for the tests' expectations). */
export function echoKey(key: string, form: KeyEchoForm): string {
  const forms: Record<KeyEchoForm, () => string> = {
    raw: () => key,
    base64: () => Buffer.from(key).toString('base64'),
    'base64-embedded': () => Buffer.from(`{"apiKey":"${key}"}`).toString('base64'),
    hex: () => Buffer.from(key).toString('hex'),
    HEX: () => Buffer.from(key).toString('hex').toUpperCase(),
    upper: () => key.toUpperCase(),
    lower: () => key.toLowerCase(),
    reversed: () => [...key].reverse().join(''),
    'url-encoded': () => encodeURIComponent(key),
    all: () => KEY_ECHO_FORMS.map((f) => forms[f]()).join(' / '),
  }
  return forms[form]()
}

/** One request as the emulator received it. */
export interface RecordedRequest {
  readonly method: string
  /** Pathname, no query. */
  readonly path: string
  readonly query: Record<string, string>
  /** Lower-case header names. */
  readonly headers: Record<string, string>
  /** Merged query + JSON/form/multipart body params for API calls (empty for file URLs). */
  readonly params: Record<string, unknown>
  readonly bodyBytes: number
  /** `Date.now()` when the request arrived. */
  readonly atMs: number
  /** HTTP status answered; 0 when the connection was dropped on purpose. */
  readonly status: number
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** 0 = random (default). */
  port?: number
  /** Default 'test-key'. */
  apiKey?: string
  /** Default 1_000_000. */
  credits?: number
  /** Rendering resolution, default 150. */
  dpi?: number
  faults?: Partial<EmulatorFaults>
  /** Seed of the PRNG behind `serverErrorRate`; default 1. */
  seed?: number
  /** Largest accepted presigned upload, default 2 GiB. */
  maxUploadBytes?: number
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** Every request in arrival order (API and file URLs). */
  readonly requests: RecordedRequest[]
  /** Mutable live: tests set fields between steps. */
  readonly faults: EmulatorFaults
  setCredits(n: number): void
  jobStats(): { jobId: string; pages: number[] /*0-based*/; startedAtMs: number; finishedAtMs?: number; status: string }[]
  close(): Promise<void>
}

/** Credits charged per page (PDF.co's published rates) and per call. */
export const CREDIT_COSTS = {
  perPage: { png: 15, jpg: 12, webp: 18, tiff: 28 } as Readonly<Record<OutputFormat, number>>,
  upload: 7,
  jobCheck: 2,
} as const

const DEFAULT_FAULTS: EmulatorFaults = {
  processingMsPerPage: 0,
  latencyMs: 0,
  rateLimitPerSecond: null,
  fail429Next: 0,
  retryAfterSeconds: null,
  fail5xxNext: 0,
  fail5xxStatus: 503,
  serverErrorRate: 0,
  resetUploadNext: 0,
  refusePutNext: 0,
  resetDownloadNext: 0,
  badImageNext: 0,
  badImageKind: 'half',
  trickleIntervalMs: 20_000,
  jobOutcome: 'success',
  jobFailErrorCode: 500,
  linkExpiryMs: null,
  missingResultList: false,
  errorsAsHttp200: false,
  echoKeyAs: null,
}

const MAX_API_BODY_BYTES = 4 * 1024 * 1024
const PUT_WINDOW_MS = 15 * 60_000 // X-Amz-Expires=900
const UPLOAD_LIFETIME_MS = 60 * 60_000
const DEFAULT_EXPIRATION_MIN = 60
const MAX_CONCURRENT_PAGE_RENDERS = 2
const RATE_LIMIT_MESSAGE = 'Too many requests (limit by your current plan). Please try again later'

const FORMATS: readonly OutputFormat[] = ['png', 'jpg', 'webp', 'tiff']
const EXTENSION: Readonly<Record<OutputFormat, string>> = { png: 'png', jpg: 'jpg', webp: 'webp', tiff: 'tif' }
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  tif: 'image/tiff',
  json: 'application/json',
  pdf: 'application/pdf',
}

/** A stored "S3" object, addressed by `/s3/<ID>/<name>` (decoded). */
interface S3Object {
  readonly kind: 'upload' | 'output' | 'placeholder'
  diskPath: string
  contentType: string
  /** False until uploaded / rendered. */
  ready: boolean
  /** Link expiry; null = never. */
  expiresAtMs: number | null
  /** `missingResultList`: answers 404 even when ready. */
  missing: boolean
  // Uploads only:
  readonly signedContentType?: string | null
  readonly putSignature?: string
  readonly putExpiresAtMs?: number
}

interface Job {
  readonly jobId: string
  status: 'working' | 'success' | 'failed' | 'aborted'
  pages: number[]
  readonly startedAtMs: number
  finishedAtMs?: number
  readonly placeholderKey: string
  readonly placeholderUrl: string
  readonly format: OutputFormat
  pageCount?: number
  credits?: number
  errorCode?: number
  message?: string
  outputLinkValidTill?: string
}

interface MutableRecord {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  params: Record<string, unknown>
  bodyBytes: number
  atMs: number
  status: number
}

/** An error answer of the JSON API. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: number,
  ) {
    super(message)
  }
}

/**
 * Starts an emulator on 127.0.0.1 (random port by default).
 *
 * Rendered and uploaded files live in a temp folder removed by `close()`.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const server = new EmulatorServer(options)
  await server.listen(options.port ?? 0)
  return server.api()
}

class EmulatorServer {
  readonly #apiKey: string
  #credits: number
  readonly #dpi: number
  readonly #maxUploadBytes: number
  readonly faults: EmulatorFaults
  readonly requests: RecordedRequest[] = []
  readonly #objects = new Map<string, S3Object>()
  readonly #jobs = new Map<string, Job>()
  readonly #limit = pLimit(MAX_CONCURRENT_PAGE_RENDERS)
  readonly #abort = new AbortController()
  readonly #pending = new Set<Promise<unknown>>()
  readonly #sockets = new Set<Socket>()
  readonly #recentApiCallsMs: number[] = []
  readonly #random: () => number
  readonly #signingSecret = randomBytes(32)
  readonly #server: http.Server
  #tmpRoot = ''
  #origin = ''

  constructor(options: EmulatorOptions) {
    this.#apiKey = options.apiKey ?? 'test-key'
    this.#credits = options.credits ?? 1_000_000
    this.#dpi = options.dpi ?? 150
    this.#maxUploadBytes = options.maxUploadBytes ?? 2 * 1024 ** 3
    this.faults = { ...DEFAULT_FAULTS, ...options.faults }
    this.#random = mulberry32(options.seed ?? 1)
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          this.#sendJson(res, 500, { error: true, status: 500, message: `Emulator bug: ${err instanceof Error ? err.message : String(err)}` })
        } else {
          res.destroy()
        }
      })
    })
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
  }

  async listen(port: number): Promise<void> {
    this.#tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'pdfco-emulator-'))
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, '127.0.0.1', () => resolve())
    })
    const address = this.#server.address() as AddressInfo
    this.#origin = `http://127.0.0.1:${address.port}`
  }

  api(): Emulator {
    return {
      baseUrl: `${this.#origin}/v1`,
      origin: this.#origin,
      requests: this.requests,
      faults: this.faults,
      setCredits: (n) => {
        this.#credits = n
      },
      jobStats: () =>
        [...this.#jobs.values()].map((j) => ({
          jobId: j.jobId,
          pages: [...j.pages],
          startedAtMs: j.startedAtMs,
          ...(j.finishedAtMs === undefined ? {} : { finishedAtMs: j.finishedAtMs }),
          status: j.status,
        })),
      close: () => this.close(),
    }
  }

  async close(): Promise<void> {
    this.#abort.abort()
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    this.#server.closeAllConnections()
    for (const s of this.#sockets) s.destroy()
    await closed
    await Promise.allSettled([...this.#pending])
    await rm(this.#tmpRoot, { recursive: true, force: true }).catch(() => undefined)
  }

  // ---- dispatch ------------------------------------------------------------------------------

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#origin)
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
    }
    const record: MutableRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      params: {},
      bodyBytes: 0,
      atMs: Date.now(),
      status: 0,
    }
    this.requests.push(record)
    res.on('finish', () => {
      record.status = res.statusCode
    })
    if (url.pathname.startsWith('/s3/')) return this.#handleS3(req, res, url, record)
    if (url.pathname.startsWith('/v1/')) return this.#handleApi(req, res, url, record)
    this.#sendJson(res, 404, { error: true, status: 404, message: 'Not found' })
  }

  // ---- JSON API ------------------------------------------------------------------------------

  async #handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, record: MutableRecord): Promise<void> {
    const body = await readBody(req, MAX_API_BODY_BYTES)
    record.bodyBytes = body.bytes
    if (body.tooLarge) {
      res.setHeader('connection', 'close')
      return this.#sendError(res, new ApiError(413, 'Request body is larger than 4 MB'))
    }
    const parsed = await parseParams(url.searchParams, req.headers['content-type'], body.data)
    if (parsed.ok) record.params = parsed.params
    const f = this.faults
    if (f.latencyMs > 0) await sleep(f.latencyMs, undefined, { signal: this.#abort.signal }).catch(() => undefined)

    // Faults, in this order: forced 429, rate limit, forced 5xx, random 500.
    if (f.fail429Next > 0) {
      f.fail429Next--
      return this.#sendRateLimited(res)
    }
    // Sliding one-second window over the requests let through (refused ones do not count).
    const now = Date.now()
    while (this.#recentApiCallsMs.length > 0 && (this.#recentApiCallsMs[0] as number) <= now - 1000) this.#recentApiCallsMs.shift()
    if (f.rateLimitPerSecond !== null && this.#recentApiCallsMs.length >= f.rateLimitPerSecond) return this.#sendRateLimited(res)
    this.#recentApiCallsMs.push(now)
    if (f.fail5xxNext > 0) {
      f.fail5xxNext--
      return this.#sendJson(res, f.fail5xxStatus, { error: true, status: f.fail5xxStatus, message: 'Service temporarily unavailable' })
    }
    if (f.serverErrorRate > 0 && this.#random() < f.serverErrorRate) {
      return this.#sendJson(res, 500, { error: true, status: 500, message: 'Internal server error' })
    }

    const key = headerValue(req.headers['x-api-key']) ?? url.searchParams.get('x-api-key') ?? undefined
    if (f.echoKeyAs !== null) {
      const quoted = echoKey(key ?? '', f.echoKeyAs)
      return this.#sendJson(res, 400, { error: true, status: 400, message: `Key ${quoted} is not valid here; see https://x.example/help/${quoted}` })
    }
    if (key !== this.#apiKey) return this.#sendError(res, new ApiError(401, 'Access denied: missing or invalid API key'))
    if (!parsed.ok) return this.#sendError(res, new ApiError(400, parsed.message))
    const params = parsed.params
    const method = req.method ?? 'GET'
    const route = url.pathname.replace(/\/+$/, '')
    try {
      if (route === '/v1/file/upload/get-presigned-url' && method === 'GET') return this.#presign(res, params)
      const convert = /^\/v1\/pdf\/convert\/to\/([a-z]+)$/.exec(route)
      if (convert !== null && (method === 'GET' || method === 'POST')) {
        const format = convert[1] as OutputFormat
        if (!FORMATS.includes(format)) throw new ApiError(404, `Unknown endpoint ${route}`)
        return await this.#convert(res, format, params)
      }
      if (route === '/v1/job/check' && (method === 'GET' || method === 'POST')) return this.#jobCheck(res, params)
      if (route === '/v1/account/credit/balance' && method === 'GET') {
        return this.#sendJson(res, 200, { remainingCredits: this.#credits })
      }
      throw new ApiError(404, `Unknown endpoint ${method} ${route}`)
    } catch (err) {
      if (err instanceof ApiError) return this.#sendError(res, err)
      throw err
    }
  }

  #presign(res: http.ServerResponse, params: Params): void {
    this.#charge(CREDIT_COSTS.upload)
    const name = safeName(paramString(params, 'name') ?? 'file.pdf')
    const contentType = paramString(params, 'contenttype') ?? null
    const id = randomId()
    const key = `/s3/${id}/${name}`
    const putExpiresAtMs = Date.now() + PUT_WINDOW_MS
    const putSignature = this.#sign(`PUT\n${key}\n${contentType ?? ''}\n${putExpiresAtMs}`)
    this.#objects.set(key, {
      kind: 'upload',
      diskPath: path.join(this.#tmpRoot, 'uploads', id, diskName(name)),
      contentType: contentType ?? 'application/octet-stream',
      ready: false,
      expiresAtMs: null,
      missing: false,
      signedContentType: contentType,
      putSignature,
      putExpiresAtMs,
    })
    const signedHeaders = contentType === null ? 'host' : 'content-type;host'
    const presignedUrl = this.#link(key, 900, signedHeaders, putSignature)
    this.#sendJson(res, 200, {
      presignedUrl,
      url: this.#link(key, 3600, 'host', this.#sign(`GET\n${key}`)),
      error: false,
      status: 200,
      name,
      credits: CREDIT_COSTS.upload,
      remainingCredits: this.#credits,
      duration: 1,
    })
  }

  async #convert(res: http.ServerResponse, format: OutputFormat, params: Params): Promise<void> {
    const startedAtMs = Date.now()
    const input = this.#resolveInput(paramString(params, 'url'))
    const profiles = parseProfiles(params['profiles'])
    const rect = paramString(params, 'rect')
    if (rect !== undefined && rect.trim() !== '' && !/^\s*-?[\d.]+(\s*[,\s]\s*-?[\d.]+){3}\s*$/.test(rect)) {
      throw new ApiError(400, `Invalid "rect": expected "x y width height", got "${rect}"`)
    }
    const expirationMin = parseExpiration(params['expiration'])
    const ext = EXTENSION[format]
    const baseName = stripExtension(safeName(paramString(params, 'name') ?? `result.${ext}`)) || 'result'
    const name = `${baseName}.${ext}`
    const password = paramString(params, 'password')
    const pagesSpec = paramString(params, 'pages')
    if (this.#credits <= 0) throw new ApiError(402, 'Not enough credits')
    const jpegQuality = typeof profiles['JPEGQuality'] === 'number' ? profiles['JPEGQuality'] : undefined

    if (!paramBool(params, 'async')) {
      const outputs: { key: string; diskPath: string }[] = []
      const result = await this.#render({
        pdfPath: input.diskPath,
        format,
        dpi: this.#dpi,
        baseName,
        ...(password === undefined ? {} : { password }),
        ...(pagesSpec === undefined ? {} : { pagesSpec }),
        ...(jpegQuality === undefined ? {} : { jpegQuality }),
        placeOutput: this.#placer(outputs, format === 'tiff' ? undefined : null),
        onPagesSelected: (pages) => {
          if (this.#credits < pages.length * CREDIT_COSTS.perPage[format]) throw new ApiError(402, 'Not enough credits')
        },
      })
      if (!result.ok) throw new ApiError(result.errorCode === 500 ? 500 : result.errorCode, result.message, result.errorCode === 500 ? undefined : result.errorCode)
      const credits = result.pages.length * CREDIT_COSTS.perPage[format]
      this.#charge(credits)
      const expiresAtMs = this.#expiry(expirationMin)
      const urls = outputs.map((o) => this.#publish(o.key, o.diskPath, 'output', expiresAtMs))
      const common = {
        pageCount: result.pages.length,
        error: false,
        status: 200,
        name,
        duration: Date.now() - startedAtMs,
        credits,
        remainingCredits: this.#credits,
        outputLinkValidTill: validTill(expiresAtMs),
      }
      return this.#sendJson(res, 200, format === 'tiff' ? { url: urls[0], ...common } : { urls, ...common })
    }

    // Async: answer now, render in the background.
    const jobId = `${randomId()}--${1 + Math.floor(Math.random() * 999)}-${1 + Math.floor(Math.random() * 999)}`
    const placeholderKey = format === 'tiff' ? `/s3/${jobId}/${name}` : `/s3/${jobId}/${randomId()}.json`
    const placeholderUrl = this.#link(placeholderKey, expirationMin * 60, 'host', this.#sign(`GET\n${placeholderKey}`))
    this.#objects.set(placeholderKey, {
      kind: 'placeholder',
      diskPath: path.join(this.#tmpRoot, 'out', ...placeholderKey.split('/').slice(2)),
      contentType: CONTENT_TYPES[format === 'tiff' ? 'tif' : 'json'] as string,
      ready: false,
      expiresAtMs: null,
      missing: false,
    })
    const job: Job = { jobId, status: 'working', pages: [], startedAtMs, placeholderKey, placeholderUrl, format }
    this.#jobs.set(jobId, job)
    const outcome = this.faults.jobOutcome
    if (outcome !== 'stuck') {
      const work = this.#runAsyncJob(job, outcome, {
        pdfPath: input.diskPath,
        format,
        baseName,
        password,
        pagesSpec,
        jpegQuality,
        expirationMin,
      }).catch(() => undefined)
      this.#pending.add(work)
      void work.finally(() => this.#pending.delete(work))
    }
    this.#sendJson(res, 200, { jobId, url: placeholderUrl, error: false, status: 200, name, credits: 0, remainingCredits: this.#credits })
  }

  async #runAsyncJob(
    job: Job,
    outcome: EmulatorFaults['jobOutcome'],
    p: {
      pdfPath: string
      format: OutputFormat
      baseName: string
      password: string | undefined
      pagesSpec: string | undefined
      jpegQuality: number | undefined
      expirationMin: number
    },
  ): Promise<void> {
    const signal = this.#abort.signal
    let delay: Promise<unknown> = Promise.resolve()
    const startDelay = (pages: number): void => {
      const ms = pages * this.faults.processingMsPerPage
      if (ms > 0) delay = sleep(ms, undefined, { signal })
    }
    const finish = (status: Job['status'], fields: Partial<Job> = {}): void => {
      Object.assign(job, fields)
      job.status = status
      job.finishedAtMs = Date.now()
    }
    if (outcome === 'failed' || outcome === 'aborted') {
      startDelay(1)
      await delay
      if (outcome === 'failed') finish('failed', { errorCode: this.faults.jobFailErrorCode, message: 'Simulated job failure' })
      else finish('aborted', { message: 'Job aborted' })
      return
    }
    const outputs: { key: string; diskPath: string }[] = []
    let result: RenderJobResult
    try {
      result = await this.#render({
        pdfPath: p.pdfPath,
        format: p.format,
        dpi: this.#dpi,
        baseName: p.baseName,
        ...(p.password === undefined ? {} : { password: p.password }),
        ...(p.pagesSpec === undefined ? {} : { pagesSpec: p.pagesSpec }),
        ...(p.jpegQuality === undefined ? {} : { jpegQuality: p.jpegQuality }),
        placeOutput: this.#placer(outputs, p.format === 'tiff' ? job.placeholderKey : null),
        onPagesSelected: (pages) => {
          job.pages = [...pages]
          if (this.#credits < pages.length * CREDIT_COSTS.perPage[p.format]) throw new ApiError(402, 'Not enough credits')
          startDelay(pages.length)
        },
      })
    } catch (err) {
      if (signal.aborted) return
      if (err instanceof ApiError) {
        finish('failed', { errorCode: err.status, message: err.message })
        return
      }
      finish('failed', { errorCode: 500, message: `Processing error: ${err instanceof Error ? err.message : String(err)}` })
      return
    }
    await delay
    if (!result.ok) {
      finish('failed', { errorCode: result.errorCode, message: result.message })
      return
    }
    const credits = result.pages.length * CREDIT_COSTS.perPage[p.format]
    this.#charge(credits, true)
    const expiresAtMs = this.#expiry(p.expirationMin)
    const placeholder = this.#objects.get(job.placeholderKey) as S3Object
    if (p.format === 'tiff') {
      const first = outputs[0] as { diskPath: string }
      placeholder.diskPath = first.diskPath
    } else {
      const urls = outputs.map((o) => this.#publish(o.key, o.diskPath, 'output', expiresAtMs))
      await mkdir(path.dirname(placeholder.diskPath), { recursive: true })
      await writeFile(placeholder.diskPath, JSON.stringify(urls))
    }
    placeholder.ready = true
    placeholder.expiresAtMs = expiresAtMs
    placeholder.missing = this.faults.missingResultList
    finish('success', { pageCount: result.pages.length, credits, outputLinkValidTill: validTill(expiresAtMs) })
  }

  #jobCheck(res: http.ServerResponse, params: Params): void {
    const jobId = paramString(params, 'jobid', 'jobId')
    if (jobId === undefined || jobId === '') throw new ApiError(400, 'Missing "jobid" parameter')
    this.#charge(CREDIT_COSTS.jobCheck)
    const started = Date.now()
    const job = this.#jobs.get(jobId)
    const base = { jobId, credits: CREDIT_COSTS.jobCheck, remainingCredits: this.#credits }
    if (job === undefined) {
      if (paramBool(params, 'force')) return this.#sendJson(res, 200, { status: 'unknown', message: 'Unknown job', ...base })
      return this.#sendJson(res, 200, { status: 'working', ...base })
    }
    switch (job.status) {
      case 'working':
        return this.#sendJson(res, 200, { status: 'working', ...base })
      case 'success':
        return this.#sendJson(res, 200, {
          status: 'success',
          message: 'Success',
          url: job.placeholderUrl,
          outputLinkValidTill: job.outputLinkValidTill,
          pageCount: job.pageCount,
          error: false,
          ...base,
          jobDuration: (job.finishedAtMs ?? started) - job.startedAtMs,
          duration: Date.now() - started,
        })
      case 'failed':
        return this.#sendJson(res, 200, { status: 'failed', message: job.message, error: true, errorCode: job.errorCode, ...base })
      case 'aborted':
        return this.#sendJson(res, 200, { status: 'aborted', message: job.message ?? 'Job aborted', error: true, ...base })
    }
  }

  // ---- conversion helpers ----------------------------------------------------------------------

  #resolveInput(url: string | undefined): S3Object {
    if (url === undefined || url.trim() === '') throw new ApiError(400, 'Missing "url" parameter')
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new ApiError(400, `Invalid input URL "${url}"`)
    }
    const own = new URL(this.#origin)
    const isOwn = parsed.port === own.port && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
    const obj = isOwn ? this.#objects.get(decodePath(parsed.pathname)) : undefined
    if (obj === undefined || obj.kind !== 'upload' || !obj.ready || (obj.expiresAtMs !== null && Date.now() > obj.expiresAtMs)) {
      throw new ApiError(400, 'Input URL is unreachable: upload the file with a presigned URL first')
    }
    return obj
  }

  /** Allocates output files: one "S3 folder" per page, or the given key (the async TIFF placeholder). */
  #placer(outputs: { key: string; diskPath: string }[], fixedKey: string | null | undefined): (fileName: string) => Promise<string> {
    return async (fileName) => {
      const key = fixedKey ?? `/s3/${randomId()}/${fileName}`
      const diskPath = path.join(this.#tmpRoot, 'out', ...key.split('/').slice(2, -1), diskName(key.split('/').at(-1) ?? 'file'))
      await mkdir(path.dirname(diskPath), { recursive: true })
      outputs.push({ key, diskPath })
      return diskPath
    }
  }

  #render(input: Omit<Parameters<typeof runRenderJob>[0], 'signal' | 'limit'>): Promise<RenderJobResult> {
    return runRenderJob({ ...input, signal: this.#abort.signal, limit: this.#limit })
  }

  #publish(key: string, diskPath: string, kind: S3Object['kind'], expiresAtMs: number): string {
    const ext = path.extname(key).slice(1)
    this.#objects.set(key, { kind, diskPath, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream', ready: true, expiresAtMs, missing: false })
    return this.#link(key, Math.round((expiresAtMs - Date.now()) / 1000), 'host', this.#sign(`GET\n${key}`))
  }

  #expiry(expirationMin: number): number {
    return Date.now() + (this.faults.linkExpiryMs ?? expirationMin * 60_000)
  }

  #charge(credits: number, allowNegative = false): void {
    if (!allowNegative && this.#credits < credits) throw new ApiError(402, 'Not enough credits')
    this.#credits = Math.max(0, this.#credits - credits)
  }

  #sign(text: string): string {
    return createHmac('sha256', this.#signingSecret).update(text).digest('hex')
  }

  #link(key: string, expiresSeconds: number, signedHeaders: string, signature: string): string {
    const encodedPath = key.split('/').map(encodeURIComponent).join('/')
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')
    const q = new URLSearchParams({
      'X-Amz-Expires': String(Math.max(1, expiresSeconds)),
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `EMULATOR/${date.slice(0, 8)}/us-west-2/s3/aws4_request`,
      'X-Amz-Date': date,
      'X-Amz-SignedHeaders': signedHeaders,
      'X-Amz-Signature': signature,
    })
    return `${this.#origin}${encodedPath}?${q.toString().replace('content-type%3Bhost', 'content-type;host')}`
  }

  // ---- "S3" ------------------------------------------------------------------------------------

  async #handleS3(req: http.IncomingMessage, res: http.ServerResponse, url: URL, record: MutableRecord): Promise<void> {
    const key = decodePath(url.pathname)
    const obj = this.#objects.get(key)
    const method = req.method ?? 'GET'
    if (method === 'PUT') return this.#put(req, res, url, key, obj, record)
    if (method !== 'GET' && method !== 'HEAD') return sendS3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
    if (obj === undefined || !obj.ready || obj.missing) return sendS3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.')
    const expiresAtMs = obj.kind === 'upload' ? null : obj.expiresAtMs
    if (expiresAtMs !== null && Date.now() > expiresAtMs) return sendS3Error(res, 403, 'AccessDenied', 'Request has expired')
    const size = (await stat(obj.diskPath)).size
    if (method === 'GET' && obj.contentType.startsWith('image/') && this.faults.badImageNext > 0) {
      this.faults.badImageNext--
      return sendBadImage(res, obj.diskPath, obj.contentType, size, this.faults)
    }
    res.writeHead(200, {
      'content-type': obj.contentType,
      'content-length': String(size),
      etag: `"${createHash('md5').update(key).digest('hex')}"`,
    })
    if (method === 'HEAD') {
      res.end()
      return
    }
    if (obj.kind !== 'upload' && this.faults.resetDownloadNext > 0) {
      this.faults.resetDownloadNext--
      // Send part of the body, then drop the connection (fault: reset during a download).
      const partBytes = Math.max(1, Math.min(Math.floor(size / 2), 64 * 1024))
      const stream = createReadStream(obj.diskPath, { start: 0, end: partBytes - 1 })
      stream.on('data', (chunk) => res.write(chunk))
      stream.on('end', () => setImmediate(() => res.socket?.destroy()))
      stream.on('error', () => res.socket?.destroy())
      return
    }
    const stream = createReadStream(obj.diskPath)
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }

  async #put(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    key: string,
    obj: S3Object | undefined,
    record: MutableRecord,
  ): Promise<void> {
    const drainThen = async (fn: () => void): Promise<void> => {
      for await (const chunk of req) record.bodyBytes += (chunk as Buffer).length
      fn()
    }
    if (obj === undefined || obj.kind !== 'upload') {
      return drainThen(() => sendS3Error(res, 403, 'AccessDenied', 'Access Denied'))
    }
    if (url.searchParams.get('X-Amz-Signature') !== obj.putSignature) {
      return drainThen(() => sendS3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'))
    }
    if (Date.now() > (obj.putExpiresAtMs ?? 0)) return drainThen(() => sendS3Error(res, 403, 'AccessDenied', 'Request has expired'))
    const sentType = headerValue(req.headers['content-type']) ?? null
    if (obj.signedContentType !== null && obj.signedContentType !== undefined && sentType !== obj.signedContentType) {
      return drainThen(() =>
        sendS3Error(res, 403, 'SignatureDoesNotMatch', `The request signature we calculated does not match the signature you provided (Content-Type "${sentType ?? ''}" was not signed).`),
      )
    }
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (Number.isFinite(declared) && declared > this.#maxUploadBytes) {
      res.setHeader('connection', 'close')
      sendS3Error(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')
      req.destroy()
      return
    }
    if (this.faults.refusePutNext > 0) {
      this.faults.refusePutNext--
      return drainThen(() => sendS3Error(res, 403, 'AccessDenied', 'Access Denied'))
    }
    const reset = this.faults.resetUploadNext > 0
    if (reset) this.faults.resetUploadNext--

    await mkdir(path.dirname(obj.diskPath), { recursive: true })
    const temp = `${obj.diskPath}.part-${randomId(8)}`
    const out = createWriteStream(temp)
    let bytes = 0
    let failed = false
    try {
      for await (const chunk of req) {
        const buf = chunk as Buffer
        bytes += buf.length
        record.bodyBytes = bytes
        if (bytes > this.#maxUploadBytes) {
          failed = true
          res.setHeader('connection', 'close')
          sendS3Error(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')
          req.destroy()
          break
        }
        if (reset && bytes >= Math.min(64 * 1024, Math.max(1, declared / 2 || 1))) {
          failed = true
          req.socket.destroy()
          break
        }
        if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
      }
    } catch {
      failed = true // client aborted
    }
    await new Promise<void>((resolve) => out.end(() => resolve()))
    if (failed || req.aborted || !req.complete) {
      await removeQuietly(temp)
      if (!res.headersSent) res.destroy()
      return
    }
    await rename(temp, obj.diskPath)
    obj.ready = true
    obj.expiresAtMs = Date.now() + UPLOAD_LIFETIME_MS
    res.writeHead(200, { etag: `"${createHash('md5').update(temp).digest('hex')}"`, 'content-length': '0' })
    res.end()
  }

  // ---- responses -------------------------------------------------------------------------------

  #sendRateLimited(res: http.ServerResponse): void {
    if (this.faults.retryAfterSeconds !== null) res.setHeader('retry-after', String(this.faults.retryAfterSeconds))
    this.#sendError(res, new ApiError(429, RATE_LIMIT_MESSAGE))
  }

  #sendError(res: http.ServerResponse, err: ApiError): void {
    const body: Record<string, unknown> = { error: true, status: err.status, message: err.message }
    if (err.errorCode !== undefined) body['errorCode'] = err.errorCode
    const httpStatus = this.faults.errorsAsHttp200 ? 200 : err.status >= 441 && err.status <= 454 ? 400 : err.status
    this.#sendJson(res, httpStatus, body)
  }

  #sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) })
    res.end(text)
  }
}

// ---- helpers -----------------------------------------------------------------------------------

async function readBody(req: http.IncomingMessage, limitBytes: number): Promise<{ data: Buffer; bytes: number; tooLarge: boolean }> {
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    bytes += buf.length
    if (bytes <= limitBytes) chunks.push(buf)
  }
  return { data: Buffer.concat(chunks), bytes, tooLarge: bytes > limitBytes }
}

function sendS3Error(res: http.ServerResponse, status: number, code: string, message: string): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase()
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)) })
  res.end(xml)
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** 32 (or `length`) random uppercase alphanumerics, like PDF.co's folder and job ids. */
function randomId(length = 32): string {
  const bytes = randomBytes(length)
  let s = ''
  for (const b of bytes) s += ID_ALPHABET[b % ID_ALPHABET.length]
  return s
}

function decodePath(pathname: string): string {
  try {
    return pathname
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/')
  } catch {
    return pathname
  }
}

/**
 * The emulator's own file name for an object (its key keeps the name as given, like S3's keys of
 * up to 1024 bytes): long names are hashed so `<name>.part-xxxxxxxx` temp files stay within the
 * 255-byte file-name limit of the disk.
 */
function diskName(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= 160) return name
  const ext = path.extname(name).slice(0, 10)
  return `${createHash('sha256').update(name).digest('hex').slice(0, 32)}${ext}`
}

/** Keeps a file name a single safe path segment. */
function safeName(name: string): string {
  const base = name.replace(/[\\/]+/g, '_').replace(/^\.+/, '').trim()
  return base === '' ? 'file' : base.slice(0, 200)
}

function stripExtension(name: string): string {
  const ext = path.extname(name)
  return ext === '' ? name : name.slice(0, -ext.length)
}

function parseExpiration(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_EXPIRATION_MIN
  const n = typeof value === 'number' ? value : Number(String(value))
  if (!Number.isFinite(n) || n < 1) throw new ApiError(400, `Invalid "expiration": expected minutes ≥ 1, got ${JSON.stringify(value)}`)
  return n
}

/**
 * `profiles`: a string of JSON, single quotes allowed; flat or legacy
 * `{ 'profiles': [ { 'profile1': {...} } ] }`. Anything else → 444.
 */
function parseProfiles(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {}
  if (typeof value !== 'string') throw new ApiError(444, '"profiles" must be a string containing JSON', 444)
  let parsed: unknown
  try {
    parsed = JSON.parse(value.replace(/'/g, '"'))
  } catch (err) {
    throw new ApiError(444, `Cannot parse "profiles": ${err instanceof Error ? err.message : String(err)}`, 444)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(444, '"profiles" must be a JSON object', 444)
  const obj = parsed as Record<string, unknown>
  const legacy = obj['profiles']
  if (Array.isArray(legacy)) {
    const merged: Record<string, unknown> = {}
    for (const entry of legacy) {
      if (entry !== null && typeof entry === 'object') {
        for (const inner of Object.values(entry as Record<string, unknown>)) {
          if (inner !== null && typeof inner === 'object') Object.assign(merged, inner)
        }
      }
    }
    return merged
  }
  return obj
}

/** `2025-01-01T12:00:00.123000+00:00` (`outputLinkValidTill`). */
function validTill(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00')
}

/** Small seeded PRNG (mulberry32) for reproducible fault rates. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Answers a page-image GET in one of the broken ways of `badImageKind`. */
async function sendBadImage(res: http.ServerResponse, diskPath: string, contentType: string, size: number, faults: EmulatorFaults): Promise<void> {
  const bytes = await readFile(diskPath)
  const kind = faults.badImageKind
  if (kind === 'half' || kind === 'signature') {
    const part = bytes.subarray(0, kind === 'half' ? Math.floor(size / 2) : 8)
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(part.length) })
    res.end(part)
    return
  }
  const headers: http.OutgoingHttpHeaders = { 'content-type': contentType }
  if (kind === 'trickle') headers['content-length'] = String(size)
  res.writeHead(200, headers)
  let sent = 0
  const chunk = Buffer.alloc(64 * 1024, 0x41)
  const timer = setInterval(
    () => {
      if (res.destroyed) return clearInterval(timer)
      if (kind === 'trickle') res.write(bytes.subarray(sent, ++sent))
      else if (kind === 'endless') res.write(sent++ === 0 ? bytes.subarray(0, 64) : chunk)
    },
    kind === 'trickle' ? faults.trickleIntervalMs : 1,
  )
  res.on('close', () => clearInterval(timer))
}
