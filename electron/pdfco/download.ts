/**
 * Downloading one result file of PDF.co (a presigned link) to disk: streamed, under a size cap
 * and an overall deadline that depends on the size, and, when the caller says which image format
 * it must be, verified as a complete image of that format before it is accepted.
 */
import { open } from 'node:fs/promises'
import { CancelledError, PdfCoError } from '../errors.ts'
import { removeQuietly } from '../files/atomic-write.ts'
import { describeHead, detectFileImageType } from '../files/image-type.ts'
import type { OutputFormat } from '../shared/formats.ts'
import { getLink, withRetries, withRetryAfter, type ClientCore } from './api-call.ts'
import { errorFromLink } from './errors.ts'
import type { ResponseSink } from './http.ts'
import { checkImageFile } from './image-check.ts'
import { redact } from './redact.ts'

/** Overall deadline of one download: `baseMs` + its size at `minBytesPerSecond`. */
export interface DownloadDeadline {
  readonly baseMs: number
  readonly minBytesPerSecond: number
}

/** Default {@link DownloadDeadline}: 30 s + the size at 32 KiB/s. */
export const DEFAULT_DOWNLOAD_DEADLINE: DownloadDeadline = { baseMs: 30_000, minBytesPerSecond: 32 * 1024 }

/** Downloads of one result image that fail the integrity check before the client gives up. */
export const DOWNLOAD_CHECK_ATTEMPTS = 3

/** Size cap of a download when the caller gives none, in bytes (1 GiB). */
const DEFAULT_DOWNLOAD_CAP_BYTES = 1024 * 1024 * 1024

/** Options of one download (see `PdfCoClient.downloadToFile`). */
export interface DownloadOptions {
  readonly signal?: AbortSignal | undefined
  readonly expectedType?: OutputFormat | undefined
  /** Size cap in bytes. */
  readonly maxBytes?: number | undefined
  readonly onProgress?: ((bytesReceived: number, bytesTotal: number | undefined) => void) | undefined
}

/**
 * GETs `url` into `destPath` (see `PdfCoClient.downloadToFile` for the contract). The file is
 * deleted whenever this throws.
 */
export async function downloadToFile(core: ClientCore, deadline: DownloadDeadline, url: string, destPath: string, options?: DownloadOptions): Promise<{ sizeBytes: number }> {
  const maxBytes = options?.maxBytes ?? DEFAULT_DOWNLOAD_CAP_BYTES
  const sink: ResponseSink = {
    kind: 'file',
    path: destPath,
    maxBytes,
    deadlineMs: (announced) => deadline.baseMs + ((announced ?? maxBytes) / deadline.minBytesPerSecond) * 1000,
    ...(options?.onProgress ? { onProgress: options.onProgress } : {}),
  }
  const expected = options?.expectedType
  for (let attempt = 1; ; attempt++) {
    const res = await withRetries(core, 'download', 'idempotent', options?.signal, async () => {
      const r = await getLink(core, url, sink, options?.signal)
      if (r.status < 200 || r.status > 299) throw withRetryAfter(errorFromLink('result', r.status, url), r)
      return r
    }).catch(async (err: unknown) => {
      await removeQuietly(destPath)
      throw err
    })
    if (expected === undefined) return { sizeBytes: res.fileBytes }
    const problem = await imageProblem(destPath, expected)
    if (problem === null) return { sizeBytes: res.fileBytes }
    await removeQuietly(destPath)
    if (options?.signal?.aborted) throw new CancelledError()
    if (attempt >= DOWNLOAD_CHECK_ATTEMPTS) {
      throw new PdfCoError(
        'pdfco/bad-response',
        `The downloaded ${expected.toUpperCase()} image is incomplete or corrupt: ${problem} (${attempt} downloads)`,
        { retryable: true },
      )
    }
  }
}

/**
 * Null when `filePath` is a complete image of `expected` (`image-check.ts`), else what is wrong
 * with it (worth downloading again).
 * @throws PdfCoError 'pdfco/bad-response' when it is not an image of that type at all (the file
 *   is deleted: another download would bring the same).
 */
async function imageProblem(filePath: string, expected: OutputFormat): Promise<string | null> {
  const actual = await detectFileImageType(filePath).catch(() => null)
  if (actual !== expected) {
    const head = await readHead(filePath)
    await removeQuietly(filePath)
    throw new PdfCoError('pdfco/bad-response', redact(`Downloaded file is not a ${expected.toUpperCase()} image (starts with ${head})`), {
      retryable: true,
    })
  }
  const check = await checkImageFile(filePath, expected)
  return check.ok ? null : check.problem
}

/** The first 8 bytes of a file, described for an error message. */
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
