/**
 * Typed PDF.co client: one function per endpoint the app uses (`../shared/pdfco-api.md`).
 *
 * - Auth: `x-api-key` header, sent only to the API base URL's origin, never to upload/result
 *   links (those are presigned S3 URLs on another host, §0/§1.1).
 * - Every answer is validated with zod, leniently (extra fields allowed, `status` number or string,
 *   numbers as strings accepted). Errors (non-2xx, or 200 + `error: true`) become `PdfCoError`
 *   (`errors.ts`); the API key never appears in them (`redact.ts`).
 * - Retries: exponential backoff with full jitter on 429, 5xx, timeouts and connection errors,
 *   bounded in attempts and total time, honouring `Retry-After` (`retry.ts`).
 *
 * Retry choice for conversions (a POST that starts billable work): an **async** submission is
 * retried on every transient failure, including ambiguous ones (timeout or reset after the request
 * was sent, 5xx): if the first submission did reach PDF.co, the duplicate job costs credits but is
 * harmless (its output is simply never read; links expire after `expiration` minutes). A **sync**
 * submission is retried only when PDF.co certainly did not run it: 429, or a connection that was
 * never established; a 5xx/timeout/reset may hide a finished, billed conversion of minutes.
 */
import { stat } from 'node:fs/promises'
import { z } from 'zod'
import { CancelledError, FileError, PdfCoError } from '../errors.ts'
import { detectFileImageType, describeHead } from '../files/image-type.ts'
import { removeQuietly } from '../files/atomic-write.ts'
import type { OutputFormat } from '../shared/formats.ts'
import { badResponse, errorFromLink, errorFromResponse, errorFromTransport, isErrorAnswer } from './errors.ts'
import { sendHttp, TransportError, type HttpResponse, type RequestBody, type ResponseSink } from './http.ts'
import { checkImageFile } from './image-check.ts'
import { redact, registerSecret } from './redact.ts'
import { DEFAULT_RETRY_POLICY, nextRetryDelayMs, parseRetryAfterMs, sleep, type RetryPolicy } from './retry.ts'
import { open } from 'node:fs/promises'

/** Default API base URL (`pdfco-api.md` §0). */
export const DEFAULT_BASE_URL = 'https://api.pdf.co/v1'

/** Options of {@link createPdfCoClient}. */
export interface PdfCoClientOptions {
  readonly apiKey: string
  /** Default: env `PDFCO_BASE_URL`, else {@link DEFAULT_BASE_URL}. */
  readonly baseUrl?: string | undefined
  /** Deadline of one API call (JSON in, JSON out), in ms. Default 30 000. */
  readonly requestTimeoutMs?: number | undefined
  /** Longest silence within an upload or download, in ms. Default 60 000. */
  readonly transferIdleTimeoutMs?: number | undefined
  /** Retry bounds per request; missing fields take {@link DEFAULT_RETRY_POLICY}. */
  readonly retry?: Partial<RetryPolicy> | undefined
  readonly userAgent?: string | undefined
  /** Called before each retry wait (for logs; the error is already redacted). */
  readonly onRetry?: ((info: RetryInfo) => void) | undefined
  /** Jitter source, [0, 1). Default Math.random. */
  readonly random?: (() => number) | undefined
  /**
   * Overall deadline of one download: `baseMs` + its size (Content-Length, else the size cap) at
   * `minBytesPerSecond`. Default 30 s + size at 32 KiB/s.
   */
  readonly downloadDeadline?: Partial<DownloadDeadline> | undefined
}

/** See {@link PdfCoClientOptions.downloadDeadline}. */
export interface DownloadDeadline {
  readonly baseMs: number
  readonly minBytesPerSecond: number
}

/** Default {@link DownloadDeadline}. */
export const DEFAULT_DOWNLOAD_DEADLINE: DownloadDeadline = { baseMs: 30_000, minBytesPerSecond: 32 * 1024 }

/** Downloads of one result image that fail the integrity check before the client gives up. */
export const DOWNLOAD_CHECK_ATTEMPTS = 3

/** Size cap of a download when the caller gives none, in bytes (1 GiB). */
const DEFAULT_DOWNLOAD_CAP_BYTES = 1024 * 1024 * 1024

/** What {@link PdfCoClientOptions.onRetry} receives. */
export interface RetryInfo {
  readonly operation: string
  /** Attempts made so far. */
  readonly attempt: number
  readonly delayMs: number
  readonly code: string
  readonly message: string
}

/** Output formats' endpoint names: `POST /v1/pdf/convert/to/{png|jpg|webp|tiff}` (§2). */
const CONVERT_PATH: Readonly<Record<OutputFormat, string>> = { png: 'png', jpg: 'jpg', webp: 'webp', tiff: 'tiff' }

/** Parameters of a PDF→image conversion (§2.1). `pages` is PDF.co's 0-based syntax (§2.2). */
export interface ConvertParams {
  readonly url: string
  readonly pages?: string | undefined
  readonly password?: string | undefined
  readonly name?: string | undefined
  /** Lifetime of output links, in minutes (default 60 at PDF.co). */
  readonly expiration?: number | undefined
  /** Rendering profiles: a JSON string, or an object that is JSON-stringified (§2.3). */
  readonly profiles?: string | Readonly<Record<string, unknown>> | undefined
  /** Area to render, `"x y width height"` in points. */
  readonly rect?: string | undefined
  readonly async?: boolean | undefined
  readonly inline?: boolean | undefined
  readonly callback?: string | undefined
}

/** Result of get-presigned-url (§1.1). */
export interface PresignedUpload {
  /** PUT target (signed for the requested content type). */
  readonly presignedUrl: string
  /** The file's URL for later API calls once uploaded. */
  readonly url: string
  readonly name?: string | undefined
  readonly credits?: number | undefined
  readonly remainingCredits?: number | undefined
}

/** Result of a convert call: a job ack (async, §2.6) or the finished links (sync, §2.4/2.5). */
export interface ConvertResult {
  readonly jobId?: string | undefined
  /** Async: the placeholder (result list JSON, or the TIFF itself). Sync TIFF: the file. */
  readonly url?: string | undefined
  /** Sync PNG/JPG/WebP: page links in page order. */
  readonly urls: readonly string[]
  readonly pageCount?: number | undefined
  readonly name?: string | undefined
  readonly credits?: number | undefined
  readonly remainingCredits?: number | undefined
}

/** Job states of job/check (§3); anything else is kept as sent, lower-cased. */
export type JobStatus = 'working' | 'success' | 'failed' | 'aborted' | 'unknown'

/** Result of job/check (§3). */
export interface JobCheckResult {
  readonly status: JobStatus | (string & {})
  readonly message?: string | undefined
  readonly url?: string | undefined
  /** `urls` or a `body` array, when present (optional in the contract). */
  readonly urls: readonly string[]
  readonly pageCount?: number | undefined
  readonly jobId?: string | undefined
  readonly credits?: number | undefined
  readonly remainingCredits?: number | undefined
  /** Server-side job time in ms. */
  readonly jobDuration?: number | undefined
  readonly errorCode?: number | undefined
  /** The whole parsed body (for error details). */
  readonly raw: Readonly<Record<string, unknown>>
}

/** The PDF.co client; see {@link createPdfCoClient}. */
export interface PdfCoClient {
  /** Base URL in use, e.g. `https://api.pdf.co/v1`. */
  readonly baseUrl: string
  /** `GET /v1/file/upload/get-presigned-url` (§1.1). */
  getPresignedUrl(args: { name: string; contentType: string; signal?: AbortSignal | undefined }): Promise<PresignedUpload>
  /**
   * `PUT <presignedUrl>` streaming `path` from disk with `Content-Type: contentType` (must equal the
   * signed type) and an exact Content-Length (§1.1). Returns the bytes sent.
   * @throws FileError 'file/not-found' / 'file/unreadable' for the local file.
   */
  uploadFile(args: {
    presignedUrl: string
    path: string
    contentType: string
    signal?: AbortSignal | undefined
    onProgress?: ((bytesSent: number, bytesTotal: number) => void) | undefined
  }): Promise<{ sizeBytes: number }>
  /** `POST /v1/pdf/convert/to/{format}` with a JSON body (§2). */
  convert(format: OutputFormat, params: ConvertParams, options?: { signal?: AbortSignal | undefined }): Promise<ConvertResult>
  /**
   * `POST /v1/job/check` (§3). Returns every job state as a value (`failed` included); throws only
   * when the call itself fails (401, 5xx after retries …).
   */
  checkJob(jobId: string, options?: { signal?: AbortSignal | undefined; force?: boolean | undefined }): Promise<JobCheckResult>
  /** GETs an async result list: a JSON array of page links (§2.6); `\u0026` tolerated. */
  fetchResultList(url: string, options?: { signal?: AbortSignal | undefined }): Promise<string[]>
  /**
   * GETs `url` into `destPath` (created/truncated; the caller passes a temp path), streaming, under
   * a size cap (`maxBytes`, default 1 GiB) and an overall deadline (see
   * {@link PdfCoClientOptions.downloadDeadline}). With `expectedType`, the file must be a complete
   * image of that format (`image-check.ts`: decoded or its end and checksums verified); a bad one
   * is downloaded again, up to {@link DOWNLOAD_CHECK_ATTEMPTS} times. Returns the bytes written.
   *
   * @throws PdfCoError 'pdfco/bad-response' (not an image of that type, incomplete or corrupt
   *   after every attempt, or larger than the cap: the file is deleted), 'pdfco/timeout' (the
   *   deadline passed), the link's HTTP errors; CancelledError.
   */
  downloadToFile(
    url: string,
    destPath: string,
    options?: {
      signal?: AbortSignal | undefined
      expectedType?: OutputFormat | undefined
      /** Size cap in bytes. */
      maxBytes?: number | undefined
      onProgress?: ((bytesReceived: number, bytesTotal: number | undefined) => void) | undefined
    },
  ): Promise<{ sizeBytes: number }>
  /** `GET /v1/account/credit/balance` (§4). */
  getCreditBalance(options?: { signal?: AbortSignal | undefined }): Promise<{ remainingCredits: number }>
}

const numberish = z.union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/).transform(Number)])
const optNum = numberish.nullish().transform((v) => v ?? undefined)
const optStr = z.string().nullish().transform((v) => v ?? undefined)
const envelope = {
  name: optStr,
  credits: optNum,
  remainingCredits: optNum,
}
const presignedSchema = z.looseObject({ presignedUrl: z.string().min(1), url: z.string().min(1), ...envelope })
const convertSchema = z.looseObject({
  jobId: z.union([z.string(), z.number().transform(String)]).nullish().transform((v) => v ?? undefined),
  url: optStr,
  urls: z.array(z.string()).nullish().transform((v) => v ?? undefined),
  pageCount: optNum,
  ...envelope,
})
const jobCheckSchema = z.looseObject({
  status: z.union([z.string(), z.number().transform(String)]).transform((s) => s.trim().toLowerCase()),
  message: optStr,
  url: optStr,
  urls: z.array(z.string()).nullish().transform((v) => v ?? undefined),
  body: z.unknown().optional(),
  pageCount: optNum,
  jobId: optStr,
  jobDuration: optNum,
  errorCode: optNum,
  ...envelope,
})
const balanceSchema = z.looseObject({ remainingCredits: numberish })
const resultListSchema = z.union([
  z.array(z.string()),
  z.looseObject({ urls: z.array(z.string()) }).transform((o) => o.urls),
  z.looseObject({ body: z.array(z.string()) }).transform((o) => o.body),
])

const JOB_STATES = new Set(['working', 'success', 'failed', 'aborted', 'unknown'])

/** Kinds a single request retries on (with `retryable` set): transient by nature. */
const TRANSIENT = new Set(['pdfco/rate-limited', 'pdfco/server', 'pdfco/network', 'pdfco/timeout'])

type RetryMode = 'idempotent' | 'sync-submit'

const retryAfterOf = new WeakMap<PdfCoError, number>()

/**
 * Creates a PDF.co client (see the module comment for auth, validation and retries).
 *
 * The key is registered for redaction and kept only in this closure (not on the returned object).
 */
export function createPdfCoClient(options: PdfCoClientOptions): PdfCoClient {
  const apiKey = options.apiKey
  registerSecret(apiKey)
  const baseUrl = (options.baseUrl ?? process.env['PDFCO_BASE_URL'] ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const apiOrigin = new URL(baseUrl).origin
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000
  const idleTimeoutMs = options.transferIdleTimeoutMs ?? 60_000
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  const userAgent = options.userAgent ?? 'pdf-to-image/0.1 (node)'
  const random = options.random ?? Math.random
  const downloadDeadline: DownloadDeadline = { ...DEFAULT_DOWNLOAD_DEADLINE, ...options.downloadDeadline }

  async function withRetries<T>(operation: string, mode: RetryMode, signal: AbortSignal | undefined, attemptFn: () => Promise<T>): Promise<T> {
    const startedMs = Date.now()
    for (let attempt = 1; ; attempt++) {
      let error: PdfCoError
      let notDelivered = false
      try {
        return await attemptFn()
      } catch (err) {
        if (err instanceof CancelledError || signal?.aborted) throw new CancelledError()
        if (err instanceof TransportError) {
          error = errorFromTransport(operation, err)
          notDelivered = !err.maybeDelivered
        } else if (err instanceof PdfCoError) {
          error = err
        } else {
          throw err
        }
      }
      const transient = error.retryable && TRANSIENT.has(error.code)
      const allowed = mode === 'idempotent' ? transient : error.code === 'pdfco/rate-limited' || notDelivered
      if (!allowed) throw attempt > 1 ? withAttempts(error, attempt, startedMs) : error
      const delayMs = nextRetryDelayMs({
        attempt,
        elapsedMs: Date.now() - startedMs,
        policy,
        retryAfterMs: retryAfterOf.get(error),
        random,
      })
      if (delayMs === null) throw withAttempts(error, attempt, startedMs)
      options.onRetry?.({ operation, attempt, delayMs, code: error.code, message: error.message })
      await sleep(delayMs, signal)
    }
  }

  function apiHeaders(json: boolean): Record<string, string> {
    return {
      'x-api-key': apiKey,
      'user-agent': userAgent,
      accept: 'application/json',
      ...(json ? { 'content-type': 'application/json' } : {}),
    }
  }

  async function callApi(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    input: { query?: Record<string, string>; json?: Record<string, unknown> },
    mode: RetryMode,
    signal: AbortSignal | undefined,
    acceptJobStates = false,
    timeoutMs = requestTimeoutMs,
  ): Promise<Record<string, unknown>> {
    const url = new URL(baseUrl + path)
    if (url.origin !== apiOrigin) throw new Error('API path escaped the base URL')
    for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.set(k, v)
    const body: RequestBody | undefined =
      input.json === undefined ? undefined : { kind: 'bytes', bytes: Buffer.from(JSON.stringify(input.json), 'utf8') }
    return withRetries(operation, mode, signal, async () => {
      const res = await sendHttp({
        method,
        url,
        headers: apiHeaders(body !== undefined),
        ...(body === undefined ? {} : { body }),
        sink: { kind: 'buffer', maxBytes: 16 * 1024 * 1024 },
        timeoutMs,
        idleTimeoutMs,
        signal,
      })
      const parsed = parseJson(res.body)
      const isJobState =
        acceptJobStates && res.status >= 200 && res.status <= 299 && isRecord(parsed) &&
        typeof parsed['status'] === 'string' && JOB_STATES.has(parsed['status'].trim().toLowerCase())
      if (isErrorAnswer(res.status, parsed ?? '') && !isJobState) {
        throw withRetryAfter(errorFromResponse(operation, res.status, parsed ?? res.body.toString('utf8')), res)
      }
      if (!isRecord(parsed)) throw badResponse(operation, `expected a JSON object, got ${describeBody(res.body)}`, res.status)
      return parsed
    })
  }

  function validate<S extends z.ZodType>(operation: string, schema: S, value: unknown): z.output<S> {
    const result = schema.safeParse(value)
    if (!result.success) {
      const issue = result.error.issues[0]
      throw badResponse(operation, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
    }
    return result.data
  }

  const client: PdfCoClient = {
    baseUrl,

    async getPresignedUrl({ name, contentType, signal }) {
      const op = 'get-presigned-url'
      const body = await callApi(op, 'GET', '/file/upload/get-presigned-url', { query: { name, contenttype: contentType } }, 'idempotent', signal)
      const v = validate(op, presignedSchema, body)
      return { presignedUrl: unescapeUrl(v.presignedUrl), url: unescapeUrl(v.url), name: v.name, credits: v.credits, remainingCredits: v.remainingCredits }
    },

    async uploadFile({ presignedUrl, path, contentType, signal, onProgress }) {
      const op = 'upload'
      let sizeBytes: number
      try {
        const info = await stat(path)
        sizeBytes = info.size
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        throw new FileError(code === 'ENOENT' ? 'file/not-found' : 'file/unreadable', `Cannot read ${path}: ${(err as Error).message}`)
      }
      const url = new URL(presignedUrl)
      await withRetries(op, 'idempotent', signal, async () => {
        onProgress?.(0, sizeBytes)
        const res = await sendHttp({
          method: 'PUT',
          url,
          headers: { 'content-type': contentType, 'user-agent': userAgent },
          body: { kind: 'file', path, sizeBytes, ...(onProgress ? { onProgress } : {}) },
          sink: { kind: 'buffer', maxBytes: 64 * 1024 },
          timeoutMs: requestTimeoutMs,
          idleTimeoutMs,
          signal,
        })
        if (res.status < 200 || res.status > 299) {
          throw withRetryAfter(errorFromResponse(op, res.status, parseJson(res.body) ?? res.body.toString('utf8')), res)
        }
      })
      return { sizeBytes }
    },

    async convert(format, params, options) {
      const op = `convert to ${format}`
      const json: Record<string, unknown> = { url: params.url }
      if (params.pages !== undefined && params.pages !== '') json['pages'] = params.pages
      if (params.password !== undefined && params.password !== '') json['password'] = params.password
      if (params.name !== undefined) json['name'] = params.name
      if (params.expiration !== undefined) json['expiration'] = params.expiration
      if (params.profiles !== undefined) json['profiles'] = typeof params.profiles === 'string' ? params.profiles : JSON.stringify(params.profiles)
      if (params.rect !== undefined) json['rect'] = params.rect
      if (params.async !== undefined) json['async'] = params.async
      if (params.inline !== undefined) json['inline'] = params.inline
      if (params.callback !== undefined) json['callback'] = params.callback
      const isAsync = params.async === true
      const body = await callApi(
        op,
        'POST',
        `/pdf/convert/to/${CONVERT_PATH[format]}`,
        { json },
        isAsync ? 'idempotent' : 'sync-submit',
        options?.signal,
        false,
        isAsync ? requestTimeoutMs : Math.max(requestTimeoutMs, 120_000),
      )
      const v = validate(op, convertSchema, body)
      if (isAsync && (v.jobId === undefined || v.jobId === '')) throw badResponse(op, 'async answer without jobId')
      return {
        jobId: v.jobId,
        url: v.url === undefined ? undefined : unescapeUrl(v.url),
        urls: (v.urls ?? []).map(unescapeUrl),
        pageCount: v.pageCount,
        name: v.name,
        credits: v.credits,
        remainingCredits: v.remainingCredits,
      }
    },

    async checkJob(jobId, options) {
      const op = 'job/check'
      const json: Record<string, unknown> = { jobid: jobId }
      if (options?.force === true) json['force'] = true
      const body = await callApi(op, 'POST', '/job/check', { json }, 'idempotent', options?.signal, true)
      const v = validate(op, jobCheckSchema, body)
      const bodyUrls = Array.isArray(v.body) ? v.body.filter((x): x is string => typeof x === 'string') : []
      return {
        status: v.status,
        message: v.message,
        url: v.url === undefined ? undefined : unescapeUrl(v.url),
        urls: (v.urls ?? bodyUrls).map(unescapeUrl),
        pageCount: v.pageCount,
        jobId: v.jobId,
        credits: v.credits,
        remainingCredits: v.remainingCredits,
        jobDuration: v.jobDuration,
        errorCode: v.errorCode,
        raw: body,
      }
    },

    async fetchResultList(url, options) {
      const op = 'result list'
      const res = await withRetries(op, 'idempotent', options?.signal, async () => {
        const r = await getLink(url, { kind: 'buffer', maxBytes: 16 * 1024 * 1024 }, options?.signal)
        if (r.status < 200 || r.status > 299) throw withRetryAfter(errorFromLink(op, r.status, url), r)
        return r
      })
      const parsed = parseJson(res.body)
      if (parsed === undefined) throw badResponse(op, `not JSON: ${describeBody(res.body)}`, res.status)
      const list = validate(op, resultListSchema, parsed).map(unescapeUrl)
      for (const link of list) {
        if (!/^https?:\/\//i.test(link)) throw badResponse(op, `not a link: ${link.slice(0, 80)}`)
      }
      return list
    },

    async downloadToFile(url, destPath, options) {
      const op = 'download'
      const maxBytes = options?.maxBytes ?? DEFAULT_DOWNLOAD_CAP_BYTES
      const sink: ResponseSink = {
        kind: 'file',
        path: destPath,
        maxBytes,
        deadlineMs: (announced) => downloadDeadline.baseMs + ((announced ?? maxBytes) / downloadDeadline.minBytesPerSecond) * 1000,
        ...(options?.onProgress ? { onProgress: options.onProgress } : {}),
      }
      const expected = options?.expectedType
      for (let attempt = 1; ; attempt++) {
        const res = await withRetries(op, 'idempotent', options?.signal, async () => {
          const r = await getLink(url, sink, options?.signal)
          if (r.status < 200 || r.status > 299) throw withRetryAfter(errorFromLink('result', r.status, url), r)
          return r
        }).catch(async (err: unknown) => {
          await removeQuietly(destPath)
          throw err
        })
        if (expected === undefined) return { sizeBytes: res.fileBytes }
        const actual = await detectFileImageType(destPath).catch(() => null)
        if (actual !== expected) {
          const head = await readHead(destPath)
          await removeQuietly(destPath)
          throw new PdfCoError('pdfco/bad-response', redact(`Downloaded file is not a ${expected.toUpperCase()} image (starts with ${head})`), {
            retryable: true,
          })
        }
        const check = await checkImageFile(destPath, expected)
        if (check.ok) return { sizeBytes: res.fileBytes }
        await removeQuietly(destPath)
        if (options?.signal?.aborted) throw new CancelledError()
        if (attempt >= DOWNLOAD_CHECK_ATTEMPTS) {
          throw new PdfCoError(
            'pdfco/bad-response',
            `The downloaded ${expected.toUpperCase()} image is incomplete or corrupt: ${check.problem} (${attempt} downloads)`,
            { retryable: true },
          )
        }
      }
    },

    async getCreditBalance(options) {
      const op = 'credit balance'
      const body = await callApi(op, 'GET', '/account/credit/balance', {}, 'idempotent', options?.signal)
      const v = validate(op, balanceSchema, body)
      return { remainingCredits: v.remainingCredits }
    },
  }

  function getLink(url: string, sink: ResponseSink, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const target = new URL(url)
    return sendHttp({
      method: 'GET',
      url: target,
      // Links are presigned: the API key stays with the API origin only.
      headers: { 'user-agent': userAgent },
      sink,
      timeoutMs: requestTimeoutMs,
      idleTimeoutMs,
      signal,
    })
  }

  return client
}

function withRetryAfter(error: PdfCoError, res: HttpResponse): PdfCoError {
  if (error.code === 'pdfco/rate-limited' || error.code === 'pdfco/server') {
    const ms = parseRetryAfterMs(res.headers['retry-after'], Date.now())
    if (ms !== undefined) retryAfterOf.set(error, ms)
  }
  return error
}

function withAttempts(error: PdfCoError, attempts: number, startedMs: number): PdfCoError {
  if (attempts <= 1) return error
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1)
  return new PdfCoError(error.code, `${error.message} (gave up after ${attempts} attempts in ${seconds} s)`, {
    retryable: error.retryable,
    ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
    ...(error.pdfcoCode === undefined ? {} : { pdfcoCode: error.pdfcoCode }),
  })
}

function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trim()
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** Turns a literal `\u0026` left in a link (double-escaped JSON, §0) back into `&`. */
export function unescapeUrl(url: string): string {
  return url.replace(/\\u0026/gi, '&').trim()
}

function describeBody(bytes: Buffer): string {
  const text = bytes.subarray(0, 80).toString('utf8').replace(/\s+/g, ' ')
  return text === '' ? '(empty body)' : JSON.stringify(text)
}

async function readHead(filePath: string): Promise<string> {
  try {
    const h = await open(filePath, 'r')
    try {
      const buf = Buffer.alloc(8)
      const { bytesRead } = await h.read(buf, 0, 8, 0)
      return bytesRead === 0 ? '(empty file)' : describeHead(buf.subarray(0, bytesRead))
    } finally {
      await h.close()
    }
  } catch {
    return '(unreadable)'
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
