/**
 * Messages between the local engine (main thread) and its render workers (`render-worker.ts`).
 *
 * Plain data only (structured clone). One request at a time per worker; every request carries an
 * `id` echoed by its reply. Errors cross as {@link SerializedError} and are rebuilt as the same
 * AppError subclass on the main side, so a FileError 'file/wrong-password' raised in a worker is a
 * FileError 'file/wrong-password' for the caller.
 */
import { AppError, CancelledError, FileError, InputError } from '../../errors.ts'
import { ERROR_CODES, type ErrorCode } from '../../shared/error-codes.ts'
import type { EncodeSettings } from './encode.ts'
import type { PageGeometry, PagePlan } from './page-plan.ts'
import type { InspectedPage, PageWarning } from './page-render.ts'

/** Requests and their reply values, by type. */
export interface WorkerCalls {
  /** Opens the PDF (closing any other the worker had open). */
  open: {
    readonly request: { readonly sourcePath: string; readonly password?: string | undefined }
    readonly reply: { readonly pageCount: number; readonly encrypted: boolean; readonly warnings: readonly string[] }
  }
  /** Displayed page sizes at scale 1 (CropBox, /Rotate, /UserUnit applied). */
  measure: {
    readonly request: { readonly pages: readonly number[] }
    readonly reply: { readonly geometries: readonly PageGeometry[]; readonly warnings: readonly string[] }
  }
  /** Sizes and /Rotate of the first `maxPages` pages of the open PDF (all when absent). */
  inspect: {
    readonly request: { readonly maxPages?: number | undefined }
    readonly reply: { readonly pages: readonly InspectedPage[] }
  }
  /**
   * Renders and encodes one page; `heapBytes` is the worker's WASM memory afterwards. With
   * `thumbnailWidthPx`, also a PNG thumbnail that wide made from the same bitmap (absent if it failed).
   */
  render: {
    readonly request: { readonly plan: PagePlan; readonly encode: EncodeSettings; readonly thumbnailWidthPx?: number | undefined }
    readonly reply: { readonly data: Uint8Array; readonly warnings: readonly PageWarning[]; readonly heapBytes: number; readonly thumbnail?: Uint8Array | undefined }
  }
  /** Closes the open PDF, if any. */
  close: {
    readonly request: Record<string, never>
    readonly reply: Record<string, never>
  }
}

export type WorkerCallType = keyof WorkerCalls

/** A request as posted to the worker. */
export type WorkerRequestMessage = {
  [K in WorkerCallType]: { readonly id: number; readonly type: K; readonly payload: WorkerCalls[K]['request'] }
}[WorkerCallType]

/** A reply as posted back. */
export type WorkerReplyMessage =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError }

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  /** 'FileError', 'InputError', 'AppError', 'CancelledError' or a plain error's name. */
  readonly name: string
  /** An ErrorCode for AppErrors; undefined for unexpected errors (bugs). */
  readonly code?: string | undefined
  readonly message: string
  readonly retryable?: boolean | undefined
}

/** Turns anything thrown into plain data. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof AppError) return { name: err.name, code: err.code, message: err.message, retryable: err.retryable }
  if (err instanceof Error) return { name: err.name, message: err.message }
  return { name: 'Error', message: String(err) }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES)

/**
 * Rebuilds a serialized error: AppErrors keep class and code; anything else becomes
 * AppError 'internal' with the original message.
 */
export function deserializeError(error: SerializedError): AppError {
  const code = error.code !== undefined && KNOWN_CODES.has(error.code) ? (error.code as ErrorCode) : undefined
  if (code === undefined) return new AppError('internal', `Render worker error: ${error.name}: ${error.message}`)
  switch (error.name) {
    case 'CancelledError':
      return new CancelledError(error.message)
    case 'FileError':
      return new FileError(code, error.message, { retryable: error.retryable === true })
    case 'InputError':
      return new InputError(code, error.message)
    default:
      return new AppError(code, error.message, { retryable: error.retryable === true })
  }
}
