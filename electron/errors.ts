/**
 * Error classes of the main process, the CLI and the local engine.
 *
 * Expected failures are `AppError`s carrying a stable {@link ErrorCode}; anything else is a bug.
 * Error messages never contain the API key (see `redact` in `electron/pdfco/redact.ts`).
 */
import type { ErrorCode, ErrorDto } from './shared/error-codes.ts'

/** Base of every expected failure. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly retryable: boolean

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.retryable = options?.retryable ?? false
  }

  /** Plain data for IPC / JSON output. */
  toDto(): ErrorDto {
    return { code: this.code, message: this.message, retryable: this.retryable }
  }
}

/** A failure reported by, or talking to, PDF.co (its HTTP errors, job failures, timeouts, network). */
export class PdfCoError extends AppError {
  /** HTTP status of the response, when there was one. */
  readonly httpStatus: number | undefined
  /** PDF.co's `errorCode` (or body `status` when it is an error number), e.g. 441. */
  readonly pdfcoCode: number | undefined

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean; httpStatus?: number; pdfcoCode?: number },
  ) {
    super(code, message, options)
    this.name = 'PdfCoError'
    this.httpStatus = options?.httpStatus
    this.pdfcoCode = options?.pdfcoCode
  }
}

/** A problem with an input or output file. */
export class FileError extends AppError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(code, message, options)
    this.name = 'FileError'
  }
}

/** Bad user or IPC input. */
export class InputError extends AppError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'InputError'
  }
}

/** The operation was cancelled through its AbortSignal. */
export class CancelledError extends AppError {
  constructor(message = 'Cancelled') {
    super('cancelled', message)
    this.name = 'CancelledError'
  }
}

/** Converts anything thrown into an ErrorDto; unknown errors become `internal`. */
export function toErrorDto(err: unknown): ErrorDto {
  if (err instanceof AppError) return err.toDto()
  if (err instanceof Error && err.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled', retryable: false }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'internal', message: `Unexpected error: ${message}`, retryable: false }
}

/** Throws for a case the types say cannot happen. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`)
}
