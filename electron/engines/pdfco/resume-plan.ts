/**
 * Resume, in one place: what an earlier run left (kept pages, reusable PDF.co jobs, the uploaded
 * copy) and the durable record of this run's progress, behind one narrow interface
 * ({@link ResumeSession}) that the engine calls whether or not a checkpoint was given.
 *
 * - The earlier progress is used only for the same unchanged source and the same format (TIFF:
 *   the same pages too; its upload stays usable). A multi-page TIFF is one file, kept or not; a
 *   TIFF split per page keeps its pages one by one and converts the rest in one job.
 * - Kept pages are verified, not assumed: recorded size and SHA-256 (`journal/resume.ts`), then a
 *   full image check (`pdfco/image-check.ts`). A recorded page that fails it (a truncated image
 *   an older version committed) is deleted, since its bytes are the ones this batch wrote, and
 *   converted again under its name, with a warning.
 * - Without a checkpoint every record call is a no-op and nothing is kept.
 */
import path from 'node:path'
import { removeQuietly } from '../../files/atomic-write.ts'
import type { ConversionCheckpoint, FileProgress, JobProgress, SourceFingerprint } from '../../journal/progress.ts'
import { findKeptPages, isJobReusable, sha256File } from '../../journal/resume.ts'
import { checkImageFile } from '../../pdfco/image-check.ts'
import type { OutputFormat } from '../../shared/formats.ts'
import { chunkPages } from '../request-pages.ts'
import type { ConversionEvent, WrittenFile } from '../types.ts'
import type { RecordedUpload } from './upload.ts'

/** The engine's view of resume and progress recording. */
export interface ResumeSession {
  /** Pages an earlier run wrote and that are still intact on disk, by page. */
  readonly keptFiles: ReadonlyMap<number, WrittenFile>
  /** Recorded jobs that may still deliver pages (oldest first). */
  readonly reusableJobs: readonly JobProgress[]
  /** The earlier run's upload, if any (the upload slot decides whether it is young enough). */
  readonly recordedUpload: RecordedUpload | undefined
  recordUpload(upload: RecordedUpload | undefined): Promise<void>
  recordJob(job: JobProgress): Promise<void>
  /** Records a page about to be renamed into place (durable before the rename). */
  recordCommitting(page: number, name: string, tempPath: string, sizeBytes: number): Promise<void>
  /** Records the page's final name after the rename (not awaited by the engine). */
  recordWritten(page: number, finalName: string): Promise<void>
}

/** What {@link openResumeSession} needs. */
export interface ResumeInput {
  readonly checkpoint: ConversionCheckpoint | undefined
  readonly source: SourceFingerprint
  readonly format: OutputFormat
  /** TIFF only: the job's multi-page TIFF is split into one file per page. */
  readonly splitTiff?: boolean
  /** Selected pages, sorted. */
  readonly pages: readonly number[]
  readonly pageCount: number
  readonly outputDir: string
  readonly jobDeadlineMs: number
  readonly now: () => number
  readonly emit: (event: ConversionEvent) => void
}

/**
 * Reads the earlier run's progress (when a checkpoint holds one), verifies what it kept, saves the
 * starting progress and returns the session.
 */
export async function openResumeSession(input: ResumeInput): Promise<ResumeSession> {
  const checkpoint = input.checkpoint
  if (checkpoint === undefined) return NO_RESUME
  const isTiff = input.format === 'tiff' && input.splitTiff !== true
  let progress = startingProgress(checkpoint.previous, input)
  const wanted = new Set(isTiff ? [input.pages[0] ?? 1] : input.pages)
  const kept = await findKeptPages(input.outputDir, progress.written, wanted)
  for (const [page, k] of [...kept]) {
    const check = await checkImageFile(k.path, input.format)
    if (check.ok) continue
    // The bytes are the ones this batch recorded (size and SHA-256 match): its own broken file.
    kept.delete(page)
    await removeQuietly(k.path)
    input.emit({ type: 'warning', page, message: `The file kept from the interrupted run was broken (${check.problem}): converting it again` })
  }
  if (isTiff && kept.size > 0 && !kept.has(input.pages[0] ?? 1)) kept.clear()
  const keptFiles = new Map<number, WrittenFile>()
  for (const k of kept.values()) {
    keptFiles.set(k.page, { page: k.page, path: k.path, sizeBytes: k.sizeBytes, ...(isTiff ? { pageCount: input.pages.length } : {}) })
  }
  const t = input.now()
  // A TIFF job delivers one file of exactly its pages: reusable only for the pages still wanted.
  const tiffPages = input.pages.filter((p) => !kept.has(p))
  const reusableJobs = progress.jobs.filter(
    (j) => isJobReusable(j, t, input.jobDeadlineMs) && (input.format !== 'tiff' || samePages(j.pages, isTiff ? input.pages : tiffPages)),
  )
  progress = {
    ...progress,
    written: [...kept.values()].map((k) => ({ page: k.page, name: path.basename(k.path), sizeBytes: k.sizeBytes, sha256: k.sha256, state: 'written' as const })),
    jobs: reusableJobs,
  }
  await checkpoint.save(progress)
  const update = (change: (p: FileProgress) => FileProgress): Promise<void> => {
    progress = change(progress)
    return checkpoint.save(progress)
  }
  return {
    keptFiles,
    reusableJobs,
    recordedUpload: progress.upload,
    recordUpload: (upload) => update((p) => ({ ...p, upload })),
    recordJob: (job) => update((p) => ({ ...p, jobs: [...p.jobs.filter((j) => j.jobId !== job.jobId), job] })),
    async recordCommitting(page, name, tempPath, sizeBytes) {
      const sha256 = await sha256File(tempPath)
      await update((p) => ({ ...p, written: [...p.written.filter((w) => w.page !== page), { page, name, sizeBytes, sha256, state: 'committing' }] }))
    },
    recordWritten: (page, finalName) =>
      update((p) => ({ ...p, written: p.written.map((w) => (w.page === page ? { ...w, name: finalName, state: 'written' as const } : w)) })),
  }
}

const done = (): Promise<void> => Promise.resolve()

/** The session of a run without a checkpoint. */
const NO_RESUME: ResumeSession = {
  keptFiles: new Map(),
  reusableJobs: [],
  recordedUpload: undefined,
  recordUpload: done,
  recordJob: done,
  recordCommitting: done,
  recordWritten: done,
}

/**
 * The progress to start from: the earlier run's when it is for the same unchanged source and the
 * same format (TIFF: the same pages too), else a fresh one.
 */
export function startingProgress(previous: FileProgress | null, input: Pick<ResumeInput, 'source' | 'format' | 'pages' | 'pageCount' | 'emit'>): FileProgress {
  const { source, format, pages, pageCount } = input
  const fresh: FileProgress = { source, format, pageCount, pages: [...pages], jobs: [], written: [] }
  if (previous === null) return fresh
  if (previous.source.sizeBytes !== source.sizeBytes || previous.source.mtimeMs !== source.mtimeMs) {
    input.emit({ type: 'warning', message: 'The PDF changed since the interrupted run: converting it again from the start' })
    return fresh
  }
  if (previous.format !== format) return fresh
  if (format === 'tiff' && !samePages(previous.pages ?? [], pages)) return { ...fresh, upload: previous.upload }
  return { ...previous, pageCount, pages: [...pages] }
}

/** Pages to convert and, when resuming, the recorded job that may still deliver them. */
export interface WorkUnit {
  readonly pages: readonly number[]
  readonly reuse: JobProgress | undefined
}

/**
 * Pages still to convert, grouped by the job that will deliver them: first the recorded jobs
 * (newest claims first), then new chunks of `chunkSize`; in page order. TIFF: one unit (split per
 * page: one unit of the pages not kept).
 */
export function planWorkUnits(
  pages: readonly number[],
  format: OutputFormat,
  session: Pick<ResumeSession, 'keptFiles' | 'reusableJobs'>,
  chunkSize: number,
  splitTiff = false,
): WorkUnit[] {
  const kept = session.keptFiles
  const jobs = session.reusableJobs
  if (format === 'tiff' && splitTiff) {
    const missing = pages.filter((p) => !kept.has(p))
    return missing.length === 0 ? [] : [{ pages: missing, reuse: jobs.findLast((j) => samePages(j.pages, missing)) }]
  }
  if (format === 'tiff') return kept.size > 0 || pages.length === 0 ? [] : [{ pages, reuse: jobs[jobs.length - 1] }]
  const remaining = pages.filter((p) => !kept.has(p))
  const unclaimed = new Set(remaining)
  const units: WorkUnit[] = []
  for (const job of [...jobs].reverse()) {
    const mine = job.pages.filter((p) => unclaimed.has(p))
    if (mine.length === 0) continue
    for (const p of mine) unclaimed.delete(p)
    units.push({ pages: mine, reuse: job })
  }
  for (const chunk of chunkPages(remaining.filter((p) => unclaimed.has(p)), chunkSize)) units.push({ pages: chunk, reuse: undefined })
  return units.sort((a, b) => (a.pages[0] ?? 0) - (b.pages[0] ?? 0))
}

/** True when both lists hold the same pages in the same order. */
export function samePages(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i])
}
