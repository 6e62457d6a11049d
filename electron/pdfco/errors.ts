/**
 * Maps PDF.co answers and transport failures to one typed {@link PdfCoError}; error codes as in
 * the PDF.co API reference (https://docs.pdf.co/api-reference).
 *
 * PDF.co signals errors twice over: a non-2xx HTTP status, or HTTP 200 with `error: true` in the
 * body. Both go through {@link errorFromResponse}. The PDF.co code is read from `errorCode`
 * first, then a numeric body `status`, then the HTTP status (the order PDF.co's integrations use).
 *
 * Messages are redacted (see `redact.ts`) and errors never carry request headers or the raw
 * transport error.
 */
import { PdfCoError } from '../errors.ts'
import type { ErrorCode } from '../shared/error-codes.ts'
import { redact } from './redact.ts'

/** A failure below HTTP: the request never got a complete answer. */
export type TransportFailureKind = 'timeout' | 'network'

/** What the transport layer reports when a request fails without an HTTP answer. */
export interface TransportFailure {
  readonly kind: TransportFailureKind
  /** Node's error code, e.g. ECONNRESET, ECONNREFUSED, ETIMEDOUT. */
  readonly code: string | undefined
  readonly message: string
  /**
   * True when the request may have reached the server (bytes were written). False only when the
   * connection was never established (ECONNREFUSED, DNS), so the server cannot have acted.
   */
  readonly maybeDelivered: boolean
}

/** The PDF.co code of an answer: `errorCode`, else numeric body `status` ≥ 400, else HTTP status ≥ 400. */
export function pdfCoCodeOf(httpStatus: number, body: unknown): number | undefined {
  const b = isRecord(body) ? body : {}
  const fromErrorCode = toInt(b['errorCode'])
  if (fromErrorCode !== undefined) return fromErrorCode
  const fromStatus = toInt(b['status'])
  if (fromStatus !== undefined && fromStatus >= 400) return fromStatus
  return httpStatus >= 400 ? httpStatus : undefined
}

/** True when an answer is an error: non-2xx, or `error: true` in the body. */
export function isErrorAnswer(httpStatus: number, body: unknown): boolean {
  if (httpStatus < 200 || httpStatus > 299) return true
  return isRecord(body) && (body['error'] === true || body['error'] === 'true')
}

/** The error kind and retryability of a PDF.co error code (401, 402, 429, 441 …). */
export function classifyCode(code: number | undefined, message: string): { code: ErrorCode; retryable: boolean } {
  if (code === undefined) return { code: 'pdfco/bad-request', retryable: false }
  if (code === 401) return { code: 'pdfco/unauthorized', retryable: false }
  if (code === 402) return { code: 'pdfco/no-credits', retryable: false }
  // Older docs used 403 for missing credits; 403 is otherwise "input URL forbidden".
  if (code === 403 && /credit/i.test(message)) return { code: 'pdfco/no-credits', retryable: false }
  if (code === 429) return { code: 'pdfco/rate-limited', retryable: true }
  if (code === 441) return { code: 'pdfco/password', retryable: false }
  if (code === 442) return { code: 'pdfco/damaged-input', retryable: false }
  if (code === 449 || code === 450) return { code: 'pdfco/page-range', retryable: false }
  if (code === 405 || code === 408 || code === 445) return { code: 'pdfco/timeout', retryable: false }
  if (code >= 500 && code <= 599) return { code: 'pdfco/server', retryable: true }
  return { code: 'pdfco/bad-request', retryable: false }
}

/**
 * The error for an answer that {@link isErrorAnswer}.
 *
 * @param operation what was being done, for the message ("convert to png", "job/check").
 * @param body the parsed JSON body, or the raw text when it was not JSON.
 */
export function errorFromResponse(operation: string, httpStatus: number, body: unknown): PdfCoError {
  const pdfcoCode = pdfCoCodeOf(httpStatus, body)
  const serverMessage = messageOf(body)
  const { code, retryable } = classifyCode(pdfcoCode ?? (httpStatus >= 400 ? httpStatus : undefined), serverMessage)
  const codePart = pdfcoCode !== undefined && pdfcoCode !== httpStatus ? `, code ${pdfcoCode}` : ''
  const reason = serverMessage !== '' ? serverMessage : defaultMessage(code)
  return new PdfCoError(code, redact(`PDF.co ${operation} failed: ${reason} (HTTP ${httpStatus}${codePart})`), {
    retryable,
    httpStatus,
    ...(pdfcoCode === undefined ? {} : { pdfcoCode }),
  })
}

/**
 * The error for a failed, aborted or unknown job as reported by job/check.
 *
 * A failed job with a specific `errorCode` (441 password, 442 damaged, 449/450 pages, 402 credits)
 * keeps that specific kind; otherwise 'pdfco/job-failed' (retryable: another job may succeed).
 */
export function errorFromJobStatus(jobId: string, status: string, body: unknown): PdfCoError {
  const serverMessage = messageOf(body)
  const pdfcoCode = toInt(isRecord(body) ? body['errorCode'] : undefined)
  const said = serverMessage !== '' ? `: ${serverMessage}` : ''
  if (status === 'aborted') {
    return new PdfCoError('pdfco/job-aborted', redact(`PDF.co job ${jobId} was aborted${said}`), {
      retryable: true,
      ...(pdfcoCode === undefined ? {} : { pdfcoCode }),
    })
  }
  if (status === 'unknown') {
    return new PdfCoError('pdfco/job-unknown', redact(`PDF.co does not know job ${jobId}${said}`), { retryable: true })
  }
  const specific = pdfcoCode === undefined ? undefined : classifyCode(pdfcoCode, serverMessage)
  if (specific !== undefined && specific.code !== 'pdfco/bad-request' && specific.code !== 'pdfco/server') {
    return new PdfCoError(specific.code, redact(`PDF.co job ${jobId} failed${said} (code ${pdfcoCode})`), {
      retryable: specific.retryable,
      ...(pdfcoCode === undefined ? {} : { pdfcoCode }),
    })
  }
  const codePart = pdfcoCode === undefined ? '' : ` (code ${pdfcoCode})`
  return new PdfCoError('pdfco/job-failed', redact(`PDF.co job ${jobId} failed${said}${codePart}`), {
    retryable: true,
    ...(pdfcoCode === undefined ? {} : { pdfcoCode }),
  })
}

/** The error for a request that got no complete answer (after retries, or not retryable). */
export function errorFromTransport(operation: string, failure: TransportFailure): PdfCoError {
  const detail = redact(failure.message)
  if (failure.kind === 'timeout') {
    return new PdfCoError('pdfco/timeout', `PDF.co ${operation} timed out: ${detail}`, { retryable: true })
  }
  const codePart = failure.code !== undefined && !detail.includes(failure.code) ? ` (${failure.code})` : ''
  return new PdfCoError('pdfco/network', `Cannot reach PDF.co for ${operation}: ${detail}${codePart}`, { retryable: true })
}

/** The error for a 2xx answer whose body breaks the contract. */
export function badResponse(operation: string, detail: string, httpStatus?: number): PdfCoError {
  return new PdfCoError('pdfco/bad-response', redact(`PDF.co ${operation}: unexpected answer: ${detail}`), {
    retryable: false,
    ...(httpStatus === undefined ? {} : { httpStatus }),
  })
}

/**
 * The error for a failed GET of a result or output link (a presigned link on an S3-style host).
 *
 * 403/404/410 mean the link expired or is not there (yet): 'pdfco/bad-response', retryable at the
 * job level (a new job gives fresh links). 429 and 5xx keep their usual kinds.
 */
export function errorFromLink(what: string, httpStatus: number, url: string): PdfCoError {
  if (httpStatus === 429 || httpStatus >= 500) {
    const { code, retryable } = classifyCode(httpStatus, '')
    return new PdfCoError(code, redact(`Downloading ${what} failed (HTTP ${httpStatus}): ${shortUrl(url)}`), { retryable, httpStatus })
  }
  const why = httpStatus === 404 ? 'is missing' : httpStatus === 403 || httpStatus === 410 ? 'expired or was refused' : 'failed'
  return new PdfCoError('pdfco/bad-response', redact(`The ${what} link ${why} (HTTP ${httpStatus}): ${shortUrl(url)}`), {
    retryable: true,
    httpStatus,
  })
}

/** Origin + path of a URL, without its (capability-bearing) query string. */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

function defaultMessage(code: ErrorCode): string {
  switch (code) {
    case 'pdfco/unauthorized':
      return 'the API key is missing or invalid'
    case 'pdfco/no-credits':
      return 'not enough credits'
    case 'pdfco/rate-limited':
      return 'too many requests'
    case 'pdfco/password':
      return 'the PDF needs a password, or the password is wrong'
    case 'pdfco/damaged-input':
      return 'the PDF is damaged or not a PDF'
    case 'pdfco/page-range':
      return 'the page range is invalid for this PDF'
    case 'pdfco/server':
      return 'server error'
    default:
      return 'request refused'
  }
}

function messageOf(body: unknown): string {
  if (isRecord(body) && typeof body['message'] === 'string') return body['message'].slice(0, 500)
  if (typeof body === 'string') return body.replace(/\s+/g, ' ').trim().slice(0, 200)
  return ''
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\d{3}$/.test(value.trim())) return Number.parseInt(value, 10)
  return undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
