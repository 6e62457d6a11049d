/**
 * The PDF.co client's request core: one call of the API (auth header, JSON in, JSON object out),
 * one GET of a presigned link (no key), and the retry loop around every request.
 *
 * Retries: exponential backoff with full jitter on 429, 5xx, timeouts and connection errors,
 * bounded in attempts and total time, honouring `Retry-After` (`retry.ts`). Whether a request may
 * be retried at all is its {@link RetryMode} (see the module comment of `client.ts`).
 */
import { CancelledError, PdfCoError } from '../errors.ts'
import { describeBody, isRecord, JOB_STATES, parseJson } from './answers.ts'
import { badResponse, errorFromResponse, errorFromTransport, isErrorAnswer } from './errors.ts'
import { sendHttp, TransportError, type HttpResponse, type RequestBody, type ResponseSink } from './http.ts'
import { nextRetryDelayMs, parseRetryAfterMs, sleep, type RetryPolicy } from './retry.ts'

/** What a client's `onRetry` receives before each retry wait (the message is already redacted). */
export interface RetryInfo {
  readonly operation: string
  /** Attempts made so far. */
  readonly attempt: number
  readonly delayMs: number
  readonly code: string
  readonly message: string
}

/** What every request of one client shares. The API key lives here, never on the client object. */
export interface ClientCore {
  readonly apiKey: string
  /** e.g. `https://api.pdf.co/v1`, without a trailing slash. */
  readonly baseUrl: string
  /** The only origin the API key is ever sent to. */
  readonly apiOrigin: string
  /** Deadline of one API call, in ms. */
  readonly requestTimeoutMs: number
  /** Longest silence within an upload or download, in ms. */
  readonly idleTimeoutMs: number
  readonly policy: RetryPolicy
  readonly userAgent: string
  /** Jitter source, [0, 1). */
  readonly random: () => number
  readonly onRetry: ((info: RetryInfo) => void) | undefined
}

/**
 * `idempotent`: retried on every transient failure. `sync-submit` (a synchronous conversion):
 * retried only when PDF.co certainly did not run it (429, or no connection was ever made).
 */
export type RetryMode = 'idempotent' | 'sync-submit'

/** Kinds a single request retries on (with `retryable` set): transient by nature. */
const TRANSIENT = new Set(['pdfco/rate-limited', 'pdfco/server', 'pdfco/network', 'pdfco/timeout'])

/** `Retry-After` of an error's answer, in ms, when it sent one. */
const retryAfterOf = new WeakMap<PdfCoError, number>()

/**
 * Runs `attemptFn` until it succeeds, a failure may not be retried, or the policy's bounds are
 * reached (the error then says how many attempts were made).
 * @throws PdfCoError (transport failures mapped by `errors.ts`), CancelledError, or any other
 *   error of `attemptFn` unchanged.
 */
export async function withRetries<T>(core: ClientCore, operation: string, mode: RetryMode, signal: AbortSignal | undefined, attemptFn: () => Promise<T>): Promise<T> {
  const startedMs = Date.now()
  for (let attempt = 1; ; attempt++) {
    let failure: { error: PdfCoError; notDelivered: boolean }
    try {
      return await attemptFn()
    } catch (err) {
      failure = asPdfCoFailure(operation, err, signal)
    }
    const { error, notDelivered } = failure
    const transient = error.retryable && TRANSIENT.has(error.code)
    const allowed = mode === 'idempotent' ? transient : error.code === 'pdfco/rate-limited' || notDelivered
    if (!allowed) throw attempt > 1 ? withAttempts(error, attempt, startedMs) : error
    const delayMs = nextRetryDelayMs({
      attempt,
      elapsedMs: Date.now() - startedMs,
      policy: core.policy,
      retryAfterMs: retryAfterOf.get(error),
      random: core.random,
    })
    if (delayMs === null) throw withAttempts(error, attempt, startedMs)
    core.onRetry?.({ operation, attempt, delayMs, code: error.code, message: error.message })
    await sleep(delayMs, signal)
  }
}

/** One failed attempt as a PdfCoError. @throws CancelledError when cancelled; other errors unchanged. */
function asPdfCoFailure(operation: string, err: unknown, signal: AbortSignal | undefined): { error: PdfCoError; notDelivered: boolean } {
  if (err instanceof CancelledError || signal?.aborted) throw new CancelledError()
  if (err instanceof TransportError) return { error: errorFromTransport(operation, err), notDelivered: !err.maybeDelivered }
  if (err instanceof PdfCoError) return { error: err, notDelivered: false }
  throw err
}

/** One call of the API. */
export interface ApiCall {
  /** Names the call in errors, e.g. `job/check`. */
  readonly operation: string
  readonly method: 'GET' | 'POST'
  /** Path under the base URL, e.g. `/job/check`. */
  readonly path: string
  readonly query?: Record<string, string>
  /** Sent as a JSON body. */
  readonly json?: Record<string, unknown>
  readonly mode: RetryMode
  readonly signal: AbortSignal | undefined
  /** job/check: a 2xx answer whose `status` is a job state is a value, even `failed`. */
  readonly acceptJobStates?: boolean
  /** Default: the client's request timeout. */
  readonly timeoutMs?: number
}

/**
 * Calls the API (with retries) and returns its answer, a JSON object.
 * @throws PdfCoError for an error answer (non-2xx, or `error: true`), a body that is not a JSON
 *   object ('pdfco/bad-response'), a transport failure after retries; CancelledError.
 */
export async function callApi(core: ClientCore, call: ApiCall): Promise<Record<string, unknown>> {
  const url = new URL(core.baseUrl + call.path)
  if (url.origin !== core.apiOrigin) throw new Error('API path escaped the base URL')
  for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v)
  const body: RequestBody | undefined = call.json === undefined ? undefined : { kind: 'bytes', bytes: Buffer.from(JSON.stringify(call.json), 'utf8') }
  const headers: Record<string, string> = {
    'x-api-key': core.apiKey,
    'user-agent': core.userAgent,
    accept: 'application/json',
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  }
  return withRetries(core, call.operation, call.mode, call.signal, async () => {
    const res = await sendHttp({
      method: call.method,
      url,
      headers,
      ...(body === undefined ? {} : { body }),
      sink: { kind: 'buffer', maxBytes: 16 * 1024 * 1024 },
      timeoutMs: call.timeoutMs ?? core.requestTimeoutMs,
      idleTimeoutMs: core.idleTimeoutMs,
      signal: call.signal,
    })
    return answerOf(call, res)
  })
}

/** The JSON object of an answer. @throws PdfCoError for an error answer or a body that is not one. */
function answerOf(call: ApiCall, res: HttpResponse): Record<string, unknown> {
  const parsed = parseJson(res.body)
  const isJobState =
    call.acceptJobStates === true && res.status >= 200 && res.status <= 299 && isRecord(parsed) &&
    typeof parsed['status'] === 'string' && JOB_STATES.has(parsed['status'].trim().toLowerCase())
  if (isErrorAnswer(res.status, parsed ?? '') && !isJobState) {
    throw withRetryAfter(errorFromResponse(call.operation, res.status, parsed ?? res.body.toString('utf8')), res)
  }
  if (!isRecord(parsed)) throw badResponse(call.operation, `expected a JSON object, got ${describeBody(res.body)}`, res.status)
  return parsed
}

/** One GET of a presigned link (upload or result host): the API key stays with the API origin only. */
export function getLink(core: ClientCore, url: string, sink: ResponseSink, signal: AbortSignal | undefined): Promise<HttpResponse> {
  return sendHttp({
    method: 'GET',
    url: new URL(url),
    headers: { 'user-agent': core.userAgent },
    sink,
    timeoutMs: core.requestTimeoutMs,
    idleTimeoutMs: core.idleTimeoutMs,
    signal,
  })
}

/** Remembers the answer's `Retry-After` (on 429 and 5xx) for the retry loop; returns `error`. */
export function withRetryAfter(error: PdfCoError, res: HttpResponse): PdfCoError {
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
