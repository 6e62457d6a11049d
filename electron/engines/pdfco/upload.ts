/**
 * Uploading the source PDF once per conversion through a presigned URL (PDF.co's file upload API), and
 * the guard that the file does not change while it uploads.
 *
 * - A PUT refused with 403 (link expired, e.g. after a long wait, or signature refused) is tried
 *   once more with a fresh presigned URL; transient failures are already retried by the client.
 * - The PDF must stay as it was inspected while it uploads: a file that grows, shrinks or goes
 *   away mid-stream would send a mix of versions (or stall a request with a short body). Its size
 *   and mtime are checked every {@link SOURCE_WATCH_INTERVAL_MS} and after the PUT.
 * - {@link createUploadSlot}: the upload happens lazily, at most once, and a recorded upload of an
 *   earlier run (resume) younger than `UPLOAD_REUSE_MS` is used instead.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { FileError, PdfCoError } from '../../errors.ts'
import type { PdfCoClient, PresignedUpload } from '../../pdfco/client.ts'
import type { SourceFingerprint } from '../../journal/progress.ts'
import { UPLOAD_REUSE_MS } from '../../journal/resume.ts'

/** How often the source is checked for changes while it uploads, in ms. */
export const SOURCE_WATCH_INTERVAL_MS = 200

/** What {@link uploadSource} needs. */
export interface UploadInput {
  readonly client: PdfCoClient
  readonly sourcePath: string
  /** File name announced to PDF.co. */
  readonly name: string
  readonly contentType: 'application/pdf' | 'application/octet-stream'
  /** The source as it was inspected. */
  readonly source: SourceFingerprint
  readonly signal: AbortSignal
  readonly now: () => number
  readonly addCredits: (credits: number | undefined, remainingCredits?: number) => void
  /** Upload progress, throttled to one call per 100 ms (first and last always sent). */
  readonly onProgress: (bytesSent: number, bytesTotal: number) => void
}

/**
 * get-presigned-url + PUT of the source (see the module comment).
 *
 * @throws FileError 'file/not-found' | 'file/unreadable' when the source went away or changed;
 *   PdfCoError from the client; CancelledError on abort.
 */
export async function uploadSource(input: UploadInput): Promise<PresignedUpload> {
  const outerSignal = input.signal
  const watch = new AbortController()
  const onOuterAbort = (): void => watch.abort()
  outerSignal.addEventListener('abort', onOuterAbort, { once: true })
  let changed: FileError | undefined
  const check = async (): Promise<void> => {
    changed ??= await sourceChange(input.sourcePath, input.source)
    if (changed !== undefined) watch.abort()
  }
  const rethrowChange = async (): Promise<void> => {
    if (!outerSignal.aborted) await check()
    if (changed !== undefined && !outerSignal.aborted) throw changed
  }
  const timer = setInterval(() => void check(), SOURCE_WATCH_INTERVAL_MS)
  try {
    await check()
    if (changed !== undefined) throw changed
    for (let attempt = 1; ; attempt++) {
      const presigned = await input.client.getPresignedUrl({ name: input.name, contentType: input.contentType, signal: watch.signal })
      input.addCredits(presigned.credits, presigned.remainingCredits)
      try {
        await putFile(input, presigned, watch.signal)
        await check()
        if (changed !== undefined) throw changed
        return presigned
      } catch (err) {
        // A failed PUT may be the change itself (a grown file sends more bytes than announced).
        await rethrowChange()
        if (attempt >= 2 || !(err instanceof PdfCoError) || err.httpStatus !== 403) throw err
      }
    }
  } catch (err) {
    await rethrowChange()
    throw err
  } finally {
    clearInterval(timer)
    outerSignal.removeEventListener('abort', onOuterAbort)
  }
}

async function putFile(input: UploadInput, presigned: PresignedUpload, signal: AbortSignal): Promise<void> {
  let lastProgressMs = 0
  await input.client.uploadFile({
    presignedUrl: presigned.presignedUrl,
    path: input.sourcePath,
    contentType: input.contentType,
    signal,
    onProgress: (bytesSent, bytesTotal) => {
      const t = input.now()
      if (bytesSent === bytesTotal || bytesSent === 0 || t - lastProgressMs >= 100) {
        lastProgressMs = t
        input.onProgress(bytesSent, bytesTotal)
      }
    },
  })
}

/**
 * Size and mtime of the source.
 *
 * @throws FileError 'file/not-found' when it cannot be read.
 */
export async function fingerprintOf(sourcePath: string): Promise<SourceFingerprint> {
  try {
    const info = await stat(sourcePath)
    return { sizeBytes: info.size, mtimeMs: info.mtimeMs }
  } catch (err) {
    throw new FileError('file/not-found', `${path.basename(sourcePath)} disappeared while it was being read`, { cause: err })
  }
}

/** The error when the source no longer matches `before` (changed or deleted), else undefined. */
export async function sourceChange(sourcePath: string, before: SourceFingerprint): Promise<FileError | undefined> {
  const name = path.basename(sourcePath)
  let info
  try {
    info = await stat(sourcePath)
  } catch {
    return new FileError('file/not-found', `${name} was deleted or moved while it was being uploaded; nothing was converted`)
  }
  if (info.size === before.sizeBytes && info.mtimeMs === before.mtimeMs) return undefined
  return new FileError('file/unreadable', `${name} changed while it was being uploaded; nothing was converted: convert it again`, {
    retryable: true,
  })
}

/** A recorded upload of an earlier run. */
export interface RecordedUpload {
  readonly url: string
  readonly uploadedAtMs: number
}

/** The conversion's one upload, made on first use (see {@link createUploadSlot}). */
export interface UploadSlot {
  /** The uploaded file's PDF.co URL; uploads on the first call. */
  url(): Promise<string>
  /** True when the URL came from an earlier run's record and may be gone at PDF.co. */
  readonly isReused: boolean
  /** Forgets a reused upload (PDF.co no longer has it): the next {@link url} uploads afresh. */
  dropReused(): void
}

/**
 * The lazy, once-only upload of one conversion.
 *
 * @param recorded an earlier run's upload, reused while younger than `UPLOAD_REUSE_MS`.
 * @param upload performs the upload (emits the `uploading` stage, records it) and returns its URL.
 */
export function createUploadSlot(recorded: RecordedUpload | undefined, now: () => number, upload: () => Promise<string>): UploadSlot {
  let pending: Promise<string> | null = null
  let reused = false
  let usable = recorded
  return {
    url() {
      if (pending === null) {
        reused = usable !== undefined && now() - usable.uploadedAtMs < UPLOAD_REUSE_MS
        pending = reused && usable !== undefined ? Promise.resolve(usable.url) : upload()
      }
      return pending
    },
    get isReused() {
      return reused
    },
    dropReused() {
      reused = false
      usable = undefined
      pending = null
    },
  }
}
