/**
 * Helpers to resume from a journal: which recorded pages are really still on disk, whether a
 * recorded PDF.co link can still be used, and clearing temp files a killed run left behind.
 *
 * Pages are trusted only after checking them: the recorded name (or, for a page that was being
 * committed when the process died, the ` (n)` variant it landed under) must exist with the recorded
 * size and SHA-256. A page deleted or replaced by the user since is converted again.
 */
import { lstat, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { isTempFileName, removeQuietly, tempFileRunId } from '../files/atomic-write.ts'
import { collisionVariant } from '../files/output-names.ts'
import { sha256File } from '../util/pdf-file.ts'
import type { JobProgress, PageProgress } from './progress.ts'
import { isRunAlive } from './run-lock.ts'

/** The file checksum the journal records (re-exported for the engines that record pages). */
export { sha256File }

/** A recorded page found intact on disk. */
export interface KeptPage {
  readonly page: number
  /** Absolute path of the file. */
  readonly path: string
  readonly sizeBytes: number
  readonly sha256: string
}

/**
 * The recorded pages of `written` (limited to `pages`) that are intact in `outputDir`, by page.
 *
 * Files already claimed by another page are not used twice. Never throws (an unreadable folder
 * keeps nothing).
 */
export async function findKeptPages(outputDir: string, written: readonly PageProgress[], pages: ReadonlySet<number>): Promise<Map<number, KeptPage>> {
  const kept = new Map<number, KeptPage>()
  if (written.length === 0) return kept
  const entries = await readdir(outputDir).catch(() => [] as string[])
  const names = new Set(entries)
  const claimed = new Set<string>()
  // Newest record of a page wins (a page may have been recorded by several runs).
  const latest = new Map<number, PageProgress>()
  for (const w of written) if (pages.has(w.page)) latest.set(w.page, w)
  for (const record of latest.values()) {
    const candidates = record.state === 'written' ? (names.has(record.name) ? [record.name] : []) : variantsOf(record.name, entries)
    for (const name of candidates) {
      if (claimed.has(name)) continue
      const filePath = path.join(outputDir, name)
      const info = await stat(filePath).catch(() => null)
      if (info === null || !info.isFile() || info.size !== record.sizeBytes) continue
      const digest = await sha256File(filePath).catch(() => '')
      if (digest !== record.sha256) continue
      claimed.add(name)
      kept.set(record.page, { page: record.page, path: filePath, sizeBytes: info.size, sha256: digest })
      break
    }
  }
  return kept
}

/** `name` and its ` (n)` collision variants present in `entries`, in n order. */
function variantsOf(name: string, entries: readonly string[]): string[] {
  const found: { n: number; name: string }[] = []
  for (const entry of entries) {
    if (entry === name) {
      found.push({ n: 1, name: entry })
      continue
    }
    const m = / \((\d{1,5})\)(\.[^.]*)?$/u.exec(entry)
    if (m === null) continue
    const n = Number(m[1])
    if (n >= 2 && collisionVariant(name, n) === entry) found.push({ n, name: entry })
  }
  return found.sort((a, b) => a.n - b.n).map((f) => f.name)
}

/** Margin kept before a link's expiry: a download must have time to finish. */
export const LINK_SAFETY_MARGIN_MS = 2 * 60_000
/** An uploaded PDF lives 1 h at PDF.co (its temporary file storage); reused for at most 50 min. */
export const UPLOAD_REUSE_MS = 50 * 60_000

/**
 * Whether a recorded job can be picked up again instead of converting its pages again.
 *
 * - `succeeded` with page links (or a TIFF link): while its links are valid for ≥ the margin;
 * - `submitted`: while younger than the job deadline (it may still be running at PDF.co, or have
 *   finished with fresh links);
 * - `failed`: never.
 */
export function isJobReusable(job: JobProgress, nowMs: number, jobDeadlineMs: number): boolean {
  switch (job.state) {
    case 'failed':
      return false
    case 'succeeded':
      return job.validTillMs !== undefined && job.validTillMs - nowMs >= LINK_SAFETY_MARGIN_MS
    case 'submitted':
      return nowMs - job.submittedAtMs < jobDeadlineMs && (job.validTillMs === undefined || job.validTillMs - nowMs >= LINK_SAFETY_MARGIN_MS)
  }
}

const IMAGE_NAME = /\.(?:png|jpe?g|webp|tiff?)$/iu

/**
 * Removes what killed runs left in `outputDir` for outputs whose names start with one of `stems`:
 * - temp files (`.<name>.part-<run id>-xxxxxxxx`, see `files/atomic-write.ts`) of runs that are
 *   gone; a temp file of a run still alive (its run lock is held, `run-lock.ts`) is left alone;
 * - empty files under an output name: the placeholder a run on a file system without hard links
 *   creates just before renaming its image over it (an image is never empty).
 * Call it when taking a batch over (under its lock). Returns the names removed.
 */
export async function sweepStaleTemps(outputDir: string, stems: readonly string[]): Promise<string[]> {
  const entries = await readdir(outputDir).catch(() => [] as string[])
  const removed: string[] = []
  const alive = new Map<string, boolean>()
  const isAlive = async (runId: string): Promise<boolean> => {
    const known = alive.get(runId)
    if (known !== undefined) return known
    const answer = await isRunAlive(runId)
    alive.set(runId, answer)
    return answer
  }
  const matches = (target: string): boolean => stems.some((stem) => target.startsWith(`${stem}-`) || target.startsWith(`${stem}.`))
  for (const name of entries) {
    const filePath = path.join(outputDir, name)
    if (isTempFileName(name)) {
      if (!matches(name.slice(1))) continue
      const runId = tempFileRunId(name)
      if (runId !== undefined && (await isAlive(runId))) continue
    } else {
      if (!matches(name)) continue
      const info = await lstat(filePath).catch(() => null)
      if (!IMAGE_NAME.test(name) || info === null || !info.isFile() || info.size !== 0) continue
    }
    await removeQuietly(filePath)
    removed.push(name)
  }
  return removed
}

/** PDF.co's `outputLinkValidTill` (ISO-8601 with an offset) as epoch ms, or undefined. */
export function parseValidTill(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const ms = Date.parse(value.trim())
  return Number.isFinite(ms) ? ms : undefined
}
