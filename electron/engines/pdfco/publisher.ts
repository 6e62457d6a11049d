/**
 * The output side of one PDF.co conversion: the output folder is checked writable before any
 * PDF.co work, each page is downloaded into a temp file next to its final name (verified by the
 * client before it counts), and pages are published in page order (`page-sequencer.ts`), durable
 * in the resume record before each rename. A TIFF job's one multi-page file is published as it
 * is, or split into one file per page first (`tiff-split.ts`) when the request asks for that.
 */
import { rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import { CancelledError, PdfCoError } from '../../errors.ts'
import type { OutputBatch } from '../../files/output-batch.ts'
import { commitTempFile, removeQuietly, tempFileName, writeError } from '../../files/atomic-write.ts'
import { multiPageFileName, outputFileName } from '../../files/output-names.ts'
import type { PdfCoClient } from '../../pdfco/client.ts'
import type { OutputFormat } from '../../shared/formats.ts'
import { PageSequencer } from '../page-sequencer.ts'
import type { RunContext } from '../run-context.ts'
import type { PageThumbnail, WrittenFile } from '../types.ts'
import type { ResumeSession } from './resume-plan.ts'
import { splitTiffPages } from './tiff-split.ts'
import { createOutputFolder } from '../../files/output-folder.ts'

/**
 * Creates the output folder if needed and proves it writable by creating and deleting a temp
 * file in it, so that a read-only folder is reported before anything is uploaded or billed.
 *
 * @throws FileError 'file/write-failed' | 'file/no-space' naming the folder.
 */
export async function ensureWritableOutput(outputDir: string): Promise<void> {
  await createOutputFolder(outputDir).catch((err: unknown) => {
    throw writeError(err, outputDir)
  })
  const probe = path.join(outputDir, tempFileName('write-check'))
  try {
    await writeFile(probe, '', { flag: 'wx' })
  } catch (err) {
    throw writeError(err, outputDir)
  } finally {
    await rm(probe, { force: true }).catch(() => undefined)
  }
}

/** PDF.co's usual rendering resolution, DPI (the emulator's default too). */
const PDFCO_DPI = 150

/**
 * The largest page image accepted from PDF.co, in bytes: the raw RGBA pixels of the page at
 * twice PDF.co's usual 150 DPI, and never less than for an A4 page, plus 1 MiB of headers. An
 * encoded image of the expected pixel size is far smaller (a PNG of a text page at 150 DPI is
 * 0.1-2 MB), so a body past this is not an image of that page: the download stops there.
 *
 * @param widthPt, heightPt the displayed page size in points (1/72 in), when known.
 */
export function pageImageCapBytes(widthPt: number | undefined, heightPt: number | undefined): number {
  const a4 = { w: 595.28, h: 841.89 }
  const area = Math.max(a4.w * a4.h, (widthPt ?? 0) * (heightPt ?? 0))
  const pxPerPt = (2 * PDFCO_DPI) / 72
  return Math.ceil(area * pxPerPt * pxPerPt * 4) + 1024 * 1024
}

/** A PDF.co error of one page's download, its message prefixed with the page. */
function withPage(err: unknown, page: number | undefined): unknown {
  if (page === undefined || !(err instanceof PdfCoError)) return err
  return new PdfCoError(err.code, `Page ${page}: ${err.message}`, {
    cause: err,
    retryable: err.retryable,
    ...(err.httpStatus === undefined ? {} : { httpStatus: err.httpStatus }),
    ...(err.pdfcoCode === undefined ? {} : { pdfcoCode: err.pdfcoCode }),
  })
}

/** What {@link createPublisher} needs. */
export interface PublisherInput {
  readonly client: PdfCoClient
  readonly run: RunContext
  readonly sourcePath: string
  readonly outputDir: string
  readonly format: OutputFormat
  /** TIFF only: split each job's multi-page TIFF into one file per page (else keep the one file). */
  readonly splitTiff?: boolean
  readonly overwrite: boolean
  /** The batch's output-name registry: no two images of one batch share a name. */
  readonly outputBatch?: OutputBatch | undefined
  /** Selected pages, sorted. */
  readonly pages: readonly number[]
  readonly pageCount: number
  readonly session: ResumeSession
  readonly downloadConcurrency: number
  readonly maxImageBytes: number
  /** Called once when a commit fails (the engine aborts the run). */
  readonly onFailure: (err: unknown) => void
  /** When set, each page-written event carries a thumbnail this wide (px), made from the download. */
  readonly thumbnailWidthPx?: number | undefined
}

/** Downloads and publishes the pages of one conversion. */
export interface Publisher {
  /** Files published so far, in page order (kept pages included). */
  readonly files: readonly WrittenFile[]
  /** Temp files not published yet (removed when the run fails). */
  readonly temps: ReadonlySet<string>
  readonly downloaded: Set<number>
  /** Downloads one job's pages (TIFF: its one file, split per page when asked) and hands them to the sequencer. */
  download(jobPages: readonly number[], links: readonly string[]): Promise<void>
  /** Resolves when every handed page is committed; rejects with the first commit failure. */
  settled(): Promise<void>
  readonly isComplete: boolean
  /** Deletes the temp files left. */
  removeTemps(): Promise<void>
}

/**
 * Thumbnails of downloaded pages until their page is announced. Each is made right after its
 * download, while earlier pages are still awaited; a page whose thumbnail fails is announced
 * without one. sharp is loaded only when thumbnails are asked for (not by the CLI).
 */
function createThumbnailStash(widthPx: number | undefined): {
  make(page: number, imagePath: string): Promise<void>
  take(page: number): PageThumbnail | undefined
} {
  const ready = new Map<number, PageThumbnail>()
  return {
    async make(page, imagePath) {
      if (widthPx === undefined) return
      await import('../../thumbnails/from-bitmap.ts')
        .then(({ thumbnailFromImageFile }) => thumbnailFromImageFile(imagePath, widthPx))
        .then((t) => ready.set(page, t), () => undefined)
    },
    take(page) {
      const t = ready.get(page)
      ready.delete(page)
      return t
    },
  }
}

/**
 * Pages' journal records ("committing", with size and SHA-256), started as soon as a temp file is
 * complete rather than when its turn comes: pages that become ready together (a job's downloads)
 * share one durable journal write instead of one each, in turn. A record of a page that never gets
 * renamed is harmless: a resumed run finds no file of that size and hash under its name and
 * converts the page again.
 */
function createCommitRecords(session: ResumeSession, finalNameFor: (page: number) => string) {
  const started = new Map<number, Promise<number>>()
  const start = (page: number, tempPath: string): void => {
    const sizeBytes = (async () => {
      const { size } = await stat(tempPath)
      await session.recordCommitting(page, finalNameFor(page), tempPath, size)
      return size
    })()
    sizeBytes.catch(() => undefined) // reported through `recorded`
    started.set(page, sizeBytes)
  }
  return {
    start,
    /** Waits for the page's record (starting it if needed); resolves its size in bytes. */
    recorded(page: number, tempPath: string): Promise<number> {
      if (!started.has(page)) start(page, tempPath)
      const sizeBytes = started.get(page) as Promise<number>
      started.delete(page)
      return sizeBytes
    },
  }
}

/** Creates the publisher; kept pages are handed to the sequencer at once. */
export function createPublisher(input: PublisherInput): Publisher {
  const { run, format, pages, session } = input
  /** One multi-page file for the whole conversion (TIFF, unless split per page). */
  const isOneFile = format === 'tiff' && input.splitTiff !== true
  const temps = new Set<string>()
  const files: WrittenFile[] = []
  const downloaded = new Set<number>()
  const limit = pLimit(input.downloadConcurrency)
  let pagesDone = 0
  let announced = false
  const thumbnails = createThumbnailStash(input.thumbnailWidthPx)
  const finalNameFor = (page: number): string =>
    isOneFile ? multiPageFileName(input.sourcePath, pages, input.pageCount, format) : outputFileName(input.sourcePath, page, input.pageCount, format)

  const records = createCommitRecords(session, finalNameFor)
  const commit = async (page: number, tempPath: string): Promise<WrittenFile> => {
    const keptFile = session.keptFiles.get(page)
    if (keptFile !== undefined) return keptFile
    // After a cancel no file appears any more: pages still waiting for their turn stay temp files
    // (removed by the engine's cleanup).
    if (run.cancelledByCaller) throw new CancelledError()
    const name = finalNameFor(page)
    // Recorded before the rename: a crash right after it still finds this page (see progress.ts).
    const size = await records.recorded(page, tempPath)
    const { overwrite, outputBatch, sourcePath } = input
    const finalPath = await commitTempFile(tempPath, input.outputDir, name, { overwrite, outputBatch, sourcePath })
    temps.delete(tempPath)
    void session.recordWritten(page, path.basename(finalPath))
    return isOneFile ? { page, path: finalPath, sizeBytes: size, pageCount: pages.length } : { page, path: finalPath, sizeBytes: size }
  }
  const sequencer = new PageSequencer<WrittenFile>({
    order: isOneFile ? [pages[0] ?? 1] : pages,
    commit,
    onCommitted: (file) => {
      files.push(file)
      pagesDone += file.pageCount ?? 1
      const thumbnail = thumbnails.take(file.page)
      const { page, path: filePath, sizeBytes } = file
      run.emit({ type: 'page-written', page, path: filePath, sizeBytes, pagesDone, pagesTotal: pages.length, ...(thumbnail && { thumbnail }) })
    },
    onFailure: input.onFailure,
  })
  for (const page of isOneFile ? [pages[0] ?? 1] : pages) if (session.keptFiles.has(page)) sequencer.add(page, '')

  const handIn = {
    add(page: number, tempPath: string): void {
      records.start(page, tempPath)
      sequencer.add(page, tempPath)
    },
  }
  const { fetchTo, fetchSplit } = createFetchers({ input, temps, downloaded, sequencer: handIn, finalNameFor, isOneFile, thumbnails })

  return {
    files,
    temps,
    downloaded,
    async download(jobPages, links) {
      if (!announced) {
        announced = true
        run.stage('downloading')
      }
      if (format === 'tiff') {
        const link = links[0] ?? ''
        await limit(() => (isOneFile ? fetchTo(jobPages[0] ?? 1, link, jobPages) : fetchSplit(jobPages, link)))
        return
      }
      const results = await Promise.allSettled(jobPages.map((page, i) => limit(() => fetchTo(page, links[i] ?? '', jobPages))))
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (rejected !== undefined) throw rejected.reason
    },
    settled: () => sequencer.settled(),
    get isComplete() {
      return sequencer.isComplete
    },
    removeTemps: async () => {
      await Promise.all([...temps].map((t) => removeQuietly(t)))
    },
  }
}

/** What {@link createFetchers} shares with its publisher. */
interface FetchContext {
  readonly input: PublisherInput
  readonly temps: Set<string>
  readonly downloaded: Set<number>
  /** Where a finished temp file goes (the sequencer, after its journal record is started). */
  readonly sequencer: Pick<PageSequencer<WrittenFile>, 'add'>
  readonly finalNameFor: (page: number) => string
  readonly isOneFile: boolean
  /** Makes each page's thumbnail right after its download (when thumbnails are asked for). */
  readonly thumbnails: { make(page: number, imagePath: string): Promise<void> }
}

/** The publisher's downloads: one link per page (or one multi-page file), or one TIFF split per page. */
function createFetchers(ctx: FetchContext): {
  fetchTo(page: number, link: string, jobPages: readonly number[]): Promise<void>
  fetchSplit(jobPages: readonly number[], link: string): Promise<void>
} {
  const { input, temps, downloaded, sequencer, finalNameFor, isOneFile, thumbnails } = ctx
  const { run, format } = input
  /** Downloads one link to a temp file named after `finalName`; returns the temp path. */
  const fetchTemp = async (finalName: string, link: string, errorPage: number | undefined): Promise<string> => {
    const temp = path.join(input.outputDir, tempFileName(finalName))
    temps.add(temp)
    try {
      await input.client.downloadToFile(link, temp, { signal: run.signal, expectedType: format, maxBytes: input.maxImageBytes })
    } catch (err) {
      temps.delete(temp)
      await removeQuietly(temp)
      throw withPage(err, errorPage)
    }
    return temp
  }
  const fetchTo = async (page: number, link: string, jobPages: readonly number[]): Promise<void> => {
    const temp = await fetchTemp(finalNameFor(page), link, isOneFile ? undefined : page)
    for (const p of isOneFile ? jobPages : [page]) downloaded.add(p)
    await thumbnails.make(page, temp)
    sequencer.add(page, temp)
  }
  /** One job's multi-page TIFF, cut into a temp file per page, each handed to the sequencer. */
  const fetchSplit = async (jobPages: readonly number[], link: string): Promise<void> => {
    const whole = await fetchTemp(multiPageFileName(input.sourcePath, jobPages, input.pageCount, format), link, undefined)
    const targets = jobPages.map((page) => ({ page, tempPath: path.join(input.outputDir, tempFileName(finalNameFor(page))) }))
    for (const t of targets) temps.add(t.tempPath)
    try {
      await splitTiffPages(whole, targets, run.signal)
    } catch (err) {
      for (const t of targets) temps.delete(t.tempPath)
      throw err
    } finally {
      temps.delete(whole)
      await removeQuietly(whole)
    }
    for (const t of targets) {
      downloaded.add(t.page)
      await thumbnails.make(t.page, t.tempPath)
      sequencer.add(t.page, t.tempPath)
    }
  }

  return { fetchTo, fetchSplit }
}
