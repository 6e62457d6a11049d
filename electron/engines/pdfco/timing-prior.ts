/**
 * Job timings kept between runs: one small JSON file (the app's data folder, or the CLI's state
 * folder next to its journal) holding, per PDF.co address, the ms per page and submit round trip
 * measured by the last process that converted there.
 *
 * Why: a fresh process knows nothing about how long a job takes, so the first wave of jobs is
 * probed on a fixed curve (first check after 1 s) and noticed up to a probe interval late, and the
 * next chunk cannot be submitted when a slot is about to free. With the last run's timings the
 * first check goes out just after the expected end. They are only a starting estimate
 * (`job-timing.ts` replaces them with the first job measured, and `pdfco/jobs.ts` backs off
 * faster when an estimate proves short), and older than {@link PRIOR_MAX_AGE_MS} they are ignored.
 *
 * The file is a cache: unreadable, foreign or damaged content is ignored and overwritten, and a
 * failed save is not an error (the next run simply starts without an estimate).
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { processJobTiming, type TimingSnapshot } from './job-timing.ts'

/** Saved timings older than this are not used, in ms (7 days). */
export const PRIOR_MAX_AGE_MS = 7 * 24 * 60 * 60_000

/** Addresses kept at most (the newest win). */
const MAX_ENTRIES = 20

const entrySchema = z.object({ msPerPage: z.number().positive(), submitMs: z.number().nonnegative(), savedAtMs: z.number() })
const fileSchema = z.object({ version: z.literal(1), byBaseUrl: z.record(z.string(), entrySchema) })
type PriorFile = z.infer<typeof fileSchema>

async function readPriorFile(file: string): Promise<PriorFile> {
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')))
    if (parsed.success) return parsed.data
  } catch {
    // Missing or not JSON: start empty.
  }
  return { version: 1, byBaseUrl: {} }
}

/**
 * The timings saved for `baseUrl`, when younger than {@link PRIOR_MAX_AGE_MS}.
 *
 * @param file the timings file (see the module comment); never throws.
 */
export async function loadTimingPrior(file: string, baseUrl: string, nowMs: number): Promise<TimingSnapshot | undefined> {
  const entry = (await readPriorFile(file)).byBaseUrl[baseUrl]
  if (entry === undefined || nowMs - entry.savedAtMs > PRIOR_MAX_AGE_MS || entry.savedAtMs > nowMs + 60_000) return undefined
  return { msPerPage: entry.msPerPage, submitMs: entry.submitMs }
}

/**
 * Saves `timing` for `baseUrl` (write to a temp file, then rename; other addresses are kept).
 *
 * @returns false when it could not be saved (never throws).
 */
export async function saveTimingPrior(file: string, baseUrl: string, timing: TimingSnapshot, nowMs: number): Promise<boolean> {
  const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`
  try {
    const current = await readPriorFile(file)
    const entries = Object.entries({ ...current.byBaseUrl, [baseUrl]: { ...timing, savedAtMs: nowMs } })
      .sort((a, b) => b[1].savedAtMs - a[1].savedAtMs)
      .slice(0, MAX_ENTRIES)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(temp, JSON.stringify({ version: 1, byBaseUrl: Object.fromEntries(entries) } satisfies PriorFile), { mode: 0o600 })
    await rename(temp, file)
    return true
  } catch {
    await rm(temp, { force: true }).catch(() => undefined)
    return false
  }
}

/** Files already read into the process-wide model, with their address. */
const seeded = new Set<string>()

/**
 * Seeds the process-wide job model (`processJobTiming`) from `file` once per process and address;
 * later calls resolve at once. Never throws.
 */
export async function seedProcessTiming(file: string, baseUrl: string, nowMs: number): Promise<void> {
  const key = JSON.stringify([file, baseUrl])
  if (seeded.has(key)) return
  seeded.add(key)
  const prior = await loadTimingPrior(file, baseUrl, nowMs)
  if (prior !== undefined) processJobTiming.seed(prior)
}
