/**
 * Typed PDF.co client: one function per endpoint the app uses, as documented in the PDF.co API
 * reference (https://docs.pdf.co/api-reference).
 *
 * - Auth: `x-api-key` header, sent only to the API base URL's origin, never to upload/result
 *   links (those are presigned S3 URLs on another host).
 * - Every answer is validated with zod, leniently (`answers.ts`). Errors (non-2xx, or 200 +
 *   `error: true`) become `PdfCoError` (`errors.ts`); the API key never appears in them
 *   (`redact.ts`).
 * - Retries: exponential backoff with full jitter on 429, 5xx, timeouts and connection errors,
 *   bounded in attempts and total time, honouring `Retry-After` (`api-call.ts`, `retry.ts`).
 * - Downloads: size cap, size-based deadline, images verified complete (`download.ts`).
 *
 * Retry choice for conversions (a POST that starts billable work): an **async** submission is
 * retried on every transient failure, including ambiguous ones (timeout or reset after the request
 * was sent, 5xx): if the first submission did reach PDF.co, the duplicate job costs credits but is
 * harmless (its output is simply never read; links expire after `expiration` minutes). A **sync**
 * submission is retried only when PDF.co certainly did not run it: 429, or a connection that was
 * never established; a 5xx/timeout/reset may hide a finished, billed conversion of minutes.
 */
import { stat } from 'node:fs/promises'
import { FileError } from '../errors.ts'
import type { OutputFormat } from '../shared/formats.ts'
import { DEFAULT_PDFCO_BASE_URL } from '../shared/pdfco.ts'
import { balanceSchema, convertSchema, describeBody, jobCheckSchema, parseJson, presignedSchema, resultListSchema, unescapeUrl, validate } from './answers.ts'
import { callApi, getLink, withRetries, withRetryAfter, type ClientCore, type RetryInfo } from './api-call.ts'
import { DEFAULT_DOWNLOAD_DEADLINE, downloadToFile, type DownloadDeadline } from './download.ts'
import { badResponse, errorFromLink, errorFromResponse } from './errors.ts'
import { sendHttp } from './http.ts'
import { registerSecret } from './redact.ts'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts'

export { unescapeUrl } from './answers.ts'
export type { RetryInfo } from './api-call.ts'
export { DEFAULT_DOWNLOAD_DEADLINE, DOWNLOAD_CHECK_ATTEMPTS, type DownloadDeadline } from './download.ts'

/** Options of {@link createPdfCoClient}. */
export interface PdfCoClientOptions {
  readonly apiKey: string
  /** Default: env `PDFCO_BASE_URL`, else {@link DEFAULT_PDFCO_BASE_URL}. */
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

/** Output formats' endpoint names: `POST /v1/pdf/convert/to/{png|jpg|webp|tiff}`. */
const CONVERT_PATH: Readonly<Record<OutputFormat, string>> = { png: 'png', jpg: 'jpg', webp: 'webp', tiff: 'tiff' }

/** Parameters of a PDF→image conversion. `pages` is PDF.co's 0-based syntax (`0,2-4`). */
export interface ConvertParams {
  readonly url: string
  readonly pages?: string | undefined
  readonly password?: string | undefined
  readonly name?: string | undefined
  /** Lifetime of output links, in minutes (default 60 at PDF.co). */
  readonly expiration?: number | undefined
  /** Rendering profiles: a JSON string, or an object that is JSON-stringified. */
  readonly profiles?: string | Readonly<Record<string, unknown>> | undefined
  /** Area to render, `"x y width height"` in points. */
  readonly rect?: string | undefined
  readonly async?: boolean | undefined
  readonly inline?: boolean | undefined
  readonly callback?: string | undefined
}

/** Result of get-presigned-url. */
export interface PresignedUpload {
  /** PUT target (signed for the requested content type). */
  readonly presignedUrl: string
  /** The file's URL for later API calls once uploaded. */
  readonly url: string
  readonly name?: string | undefined
  readonly credits?: number | undefined
  readonly remainingCredits?: number | undefined
}

/** Result of a convert call: a job ack (async) or the finished links (sync). */
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

/** Job states of job/check; anything else is kept as sent, lower-cased. */
export type JobStatus = 'working' | 'success' | 'failed' | 'aborted' | 'unknown'

/** Result of job/check. */
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
  /** `GET /v1/file/upload/get-presigned-url`. */
  getPresignedUrl(args: { name: string; contentType: string; signal?: AbortSignal | undefined }): Promise<PresignedUpload>
  /**
   * `PUT <presignedUrl>` streaming `path` from disk with `Content-Type: contentType` (must equal the
   * signed type) and an exact Content-Length. Returns the bytes sent.
   * @throws FileError 'file/not-found' / 'file/unreadable' for the local file.
   */
  uploadFile(args: {
    presignedUrl: string
    path: string
    contentType: string
    signal?: AbortSignal | undefined
    onProgress?: ((bytesSent: number, bytesTotal: number) => void) | undefined
  }): Promise<{ sizeBytes: number }>
  /** `POST /v1/pdf/convert/to/{format}` with a JSON body. */
  convert(format: OutputFormat, params: ConvertParams, options?: { signal?: AbortSignal | undefined }): Promise<ConvertResult>
  /**
   * `POST /v1/job/check`. Returns every job state as a value (`failed` included); throws only
   * when the call itself fails (401, 5xx after retries …).
   */
  checkJob(jobId: string, options?: { signal?: AbortSignal | undefined; force?: boolean | undefined }): Promise<JobCheckResult>
  /** GETs an async result list: a JSON array of page links; `\u0026` tolerated. */
  fetchResultList(url: string, options?: { signal?: AbortSignal | undefined }): Promise<string[]>
  /**
   * GETs `url` into `destPath` (created/truncated; the caller passes a temp path), streaming, under
   * a size cap (`maxBytes`, default 1 GiB) and an overall deadline (see
   * {@link PdfCoClientOptions.downloadDeadline}). With `expectedType`, the file must be a complete
   * image of that format (`image-check.ts`: decoded or its end and checksums verified); a bad one
   * is downloaded again, up to `DOWNLOAD_CHECK_ATTEMPTS` times. Returns the bytes written.
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
  /** `GET /v1/account/credit/balance`. */
  getCreditBalance(options?: { signal?: AbortSignal | undefined }): Promise<{ remainingCredits: number }>
}

/**
 * Creates a PDF.co client (see the module comment for auth, validation and retries).
 *
 * The key is registered for redaction and kept only in the client's core (not on the returned object).
 */
export function createPdfCoClient(options: PdfCoClientOptions): PdfCoClient {
  registerSecret(options.apiKey)
  const baseUrl = (options.baseUrl ?? process.env['PDFCO_BASE_URL'] ?? DEFAULT_PDFCO_BASE_URL).replace(/\/+$/, '')
  const core: ClientCore = {
    apiKey: options.apiKey,
    baseUrl,
    apiOrigin: new URL(baseUrl).origin,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    idleTimeoutMs: options.transferIdleTimeoutMs ?? 60_000,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    userAgent: options.userAgent ?? 'pdf-to-image/0.1 (node)',
    random: options.random ?? Math.random,
    onRetry: options.onRetry,
  }
  const deadline: DownloadDeadline = { ...DEFAULT_DOWNLOAD_DEADLINE, ...options.downloadDeadline }
  return {
    baseUrl,
    getPresignedUrl: (args) => getPresignedUrl(core, args),
    uploadFile: (args) => uploadFile(core, args),
    convert: (format, params, callOptions) => convert(core, format, params, callOptions?.signal),
    checkJob: (jobId, callOptions) => checkJob(core, jobId, callOptions),
    fetchResultList: (url, callOptions) => fetchResultList(core, url, callOptions?.signal),
    downloadToFile: (url, destPath, callOptions) => downloadToFile(core, deadline, url, destPath, callOptions),
    getCreditBalance: (callOptions) => getCreditBalance(core, callOptions?.signal),
  }
}

async function getPresignedUrl(core: ClientCore, { name, contentType, signal }: Parameters<PdfCoClient['getPresignedUrl']>[0]): Promise<PresignedUpload> {
  const operation = 'get-presigned-url'
  const body = await callApi(core, { operation, method: 'GET', path: '/file/upload/get-presigned-url', query: { name, contenttype: contentType }, mode: 'idempotent', signal })
  const v = validate(operation, presignedSchema, body)
  return { presignedUrl: unescapeUrl(v.presignedUrl), url: unescapeUrl(v.url), name: v.name, credits: v.credits, remainingCredits: v.remainingCredits }
}

async function uploadFile(core: ClientCore, { presignedUrl, path, contentType, signal, onProgress }: Parameters<PdfCoClient['uploadFile']>[0]): Promise<{ sizeBytes: number }> {
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
  await withRetries(core, op, 'idempotent', signal, async () => {
    onProgress?.(0, sizeBytes)
    const res = await sendHttp({
      method: 'PUT',
      url,
      headers: { 'content-type': contentType, 'user-agent': core.userAgent },
      body: { kind: 'file', path, sizeBytes, ...(onProgress ? { onProgress } : {}) },
      sink: { kind: 'buffer', maxBytes: 64 * 1024 },
      timeoutMs: core.requestTimeoutMs,
      idleTimeoutMs: core.idleTimeoutMs,
      signal,
    })
    if (res.status < 200 || res.status > 299) {
      throw withRetryAfter(errorFromResponse(op, res.status, parseJson(res.body) ?? res.body.toString('utf8')), res)
    }
  })
  return { sizeBytes }
}

/** The JSON body of a conversion: only the parameters given. */
function convertBody(params: ConvertParams): Record<string, unknown> {
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
  return json
}

async function convert(core: ClientCore, format: OutputFormat, params: ConvertParams, signal: AbortSignal | undefined): Promise<ConvertResult> {
  const operation = `convert to ${format}`
  const isAsync = params.async === true
  const body = await callApi(core, {
    operation,
    method: 'POST',
    path: `/pdf/convert/to/${CONVERT_PATH[format]}`,
    json: convertBody(params),
    mode: isAsync ? 'idempotent' : 'sync-submit',
    signal,
    timeoutMs: isAsync ? core.requestTimeoutMs : Math.max(core.requestTimeoutMs, 120_000),
  })
  const v = validate(operation, convertSchema, body)
  if (isAsync && (v.jobId === undefined || v.jobId === '')) throw badResponse(operation, 'async answer without jobId')
  return {
    jobId: v.jobId,
    url: v.url === undefined ? undefined : unescapeUrl(v.url),
    urls: (v.urls ?? []).map(unescapeUrl),
    pageCount: v.pageCount,
    name: v.name,
    credits: v.credits,
    remainingCredits: v.remainingCredits,
  }
}

async function checkJob(core: ClientCore, jobId: string, options: { signal?: AbortSignal | undefined; force?: boolean | undefined } | undefined): Promise<JobCheckResult> {
  const operation = 'job/check'
  const json: Record<string, unknown> = { jobid: jobId }
  if (options?.force === true) json['force'] = true
  const body = await callApi(core, { operation, method: 'POST', path: '/job/check', json, mode: 'idempotent', signal: options?.signal, acceptJobStates: true })
  const v = validate(operation, jobCheckSchema, body)
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
}

async function fetchResultList(core: ClientCore, url: string, signal: AbortSignal | undefined): Promise<string[]> {
  const op = 'result list'
  const res = await withRetries(core, op, 'idempotent', signal, async () => {
    const r = await getLink(core, url, { kind: 'buffer', maxBytes: 16 * 1024 * 1024 }, signal)
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
}

async function getCreditBalance(core: ClientCore, signal: AbortSignal | undefined): Promise<{ remainingCredits: number }> {
  const operation = 'credit balance'
  const body = await callApi(core, { operation, method: 'GET', path: '/account/credit/balance', mode: 'idempotent', signal })
  const v = validate(operation, balanceSchema, body)
  return { remainingCredits: v.remainingCredits }
}
