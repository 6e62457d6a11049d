/**
 * Every error code the app can report, shared by main, CLI and renderer (pure).
 *
 * The renderer maps each code to user-facing text in one exhaustive switch; the CLI prints
 * the message. Codes are stable; messages are not to be matched on.
 */
export const ERROR_CODES = [
  // PDF.co (HTTP statuses and job outcomes, see electron/pdfco/errors.ts)
  'pdfco/unauthorized', // 401: missing or invalid API key
  'pdfco/no-credits', // 402: not enough credits
  'pdfco/rate-limited', // 429 after retries ran out
  'pdfco/password', // 441: password needed or wrong
  'pdfco/damaged-input', // 442: damaged PDF or wrong type
  'pdfco/page-range', // 449/450: page out of range or malformed range
  'pdfco/bad-request', // other 4xx / 44x
  'pdfco/server', // 5xx after retries ran out
  'pdfco/job-failed', // job/check said failed
  'pdfco/job-aborted', // job/check said aborted
  'pdfco/job-unknown', // job/check said unknown
  'pdfco/timeout', // a request or the job deadline timed out
  'pdfco/network', // connection refused/reset/DNS after retries ran out
  'pdfco/bad-response', // the server answered something the contract does not allow
  // Files
  'file/not-found',
  'file/not-pdf',
  'file/empty', // 0 bytes
  'file/unreadable',
  'file/password-required',
  'file/wrong-password',
  'file/damaged',
  'file/exists',
  'file/write-failed',
  'file/no-space',
  // Input
  'input/page-range',
  'input/invalid',
  'ipc/bad-args',
  'ipc/forbidden',
  // Run control
  'cancelled',
  'internal',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** Plain-data error that crosses IPC and is printed by the CLI's `--json`. */
export interface ErrorDto {
  readonly code: ErrorCode
  readonly message: string
  /** True when trying the same thing again may succeed (network, rate limit, server). */
  readonly retryable: boolean
}

/** The result shape of every IPC invoke: expected failures are values, not throws. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorDto }
