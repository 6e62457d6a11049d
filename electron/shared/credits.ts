/**
 * PDF.co credits: what a batch is expected to cost before it starts, and what it did cost after.
 * Pure (the app's window and the CLI's summary use the same functions).
 *
 * Rates, from the PDF.co credit pricing page as summarised in the project's PDF.co API notes
 * (section "Costs and rates"; the per-page image rates are confirmed by one source only, so every
 * figure here is shown as an estimate):
 * - converting a page: PNG 15, JPG 12, WebP 18, TIFF 28 credits;
 * - one presigned upload URL (`/v1/file/upload/get-presigned-url`): 7 credits, one per file;
 * - one job check (`/v1/job/check`): 2 credits.
 *
 * Job checks. The PDF.co engine sends a file's pages in jobs of {@link PDFCO_PAGES_PER_JOB}
 * pages (a TIFF is one job) and polls each job on a schedule built from a model of the job
 * (electron/pdfco/jobs.ts): a job the model predicts costs one check; the first jobs of a run
 * have no model yet and are probed at ≈1, 2.3, 3.8, 5.8 s …, about 4 checks for a job of a few
 * seconds. The estimate counts {@link FIRST_WAVE_CHECKS} checks for each job of a file's first
 * wave (up to {@link PDFCO_PARALLEL_JOBS} jobs at once) and {@link LATER_JOB_CHECKS} for the rest.
 */
import type { OutputFormat } from './formats.ts'

/** Credits per converted page, by output format (PDF.co credit pricing page). */
export const CREDITS_PER_PAGE: Readonly<Record<OutputFormat, number>> = { png: 15, jpg: 12, webp: 18, tiff: 28 }
/** Credits of one presigned upload URL (one per file). */
export const CREDITS_PER_UPLOAD = 7
/** Credits of one `job/check` call. */
export const CREDITS_PER_JOB_CHECK = 2
/** Where the rates come from, in words for the window and the CLI. */
export const CREDIT_RATES_SOURCE = 'PDF.co credit pricing page'
/** Pages per PDF.co job (the engine's default chunk size). */
export const PDFCO_PAGES_PER_JOB = 10
/** Jobs of one file run at once (the engine's default). */
export const PDFCO_PARALLEL_JOBS = 3
/** Expected checks of a job polled before the run has a timing model. */
export const FIRST_WAVE_CHECKS = 4
/** Expected checks of a job polled with a timing model. */
export const LATER_JOB_CHECKS = 1

/** One file of a batch: pages to convert. */
export interface CreditFile {
  readonly pages: number
}

/** An estimate of a batch's credits, with its parts. */
export interface CreditEstimate {
  readonly files: number
  readonly pages: number
  readonly jobs: number
  readonly expectedChecks: number
  /** pages × {@link CREDITS_PER_PAGE}[format]. */
  readonly pageCredits: number
  /** files × {@link CREDITS_PER_UPLOAD}. */
  readonly uploadCredits: number
  /** expectedChecks × {@link CREDITS_PER_JOB_CHECK}. */
  readonly checkCredits: number
  readonly total: number
  readonly ratePerPage: number
  readonly source: string
}

/** Jobs and expected job checks for one file of `pages` pages (see the module comment). */
export function expectedJobs(pages: number, format: OutputFormat): { jobs: number; checks: number } {
  if (pages <= 0) return { jobs: 0, checks: 0 }
  const jobs = format === 'tiff' ? 1 : Math.ceil(pages / PDFCO_PAGES_PER_JOB)
  const first = Math.min(jobs, PDFCO_PARALLEL_JOBS)
  return { jobs, checks: first * FIRST_WAVE_CHECKS + (jobs - first) * LATER_JOB_CHECKS }
}

/**
 * What converting `files` to `format` through PDF.co is expected to cost, in credits. Files
 * with 0 pages add nothing. An estimate: PDF.co bills by its own rules at the time.
 */
export function estimateCredits(files: readonly CreditFile[], format: OutputFormat): CreditEstimate {
  let pages = 0
  let jobs = 0
  let checks = 0
  let counted = 0
  for (const f of files) {
    if (!(f.pages > 0)) continue
    const e = expectedJobs(f.pages, format)
    pages += f.pages
    jobs += e.jobs
    checks += e.checks
    counted += 1
  }
  const ratePerPage = CREDITS_PER_PAGE[format]
  const pageCredits = pages * ratePerPage
  const uploadCredits = counted * CREDITS_PER_UPLOAD
  const checkCredits = checks * CREDITS_PER_JOB_CHECK
  return { files: counted, pages, jobs, expectedChecks: checks, pageCredits, uploadCredits, checkCredits, total: pageCredits + uploadCredits + checkCredits, ratePerPage, source: CREDIT_RATES_SOURCE }
}

/** One line for the window: "About 340 credits (20 pages × 15 + 1 upload × 7 + 8 job checks × 2; rates: …)". */
export function describeEstimate(e: CreditEstimate): string {
  const n = (x: number, one: string, many: string): string => `${x.toLocaleString('en-US')} ${x === 1 ? one : many}`
  return (
    `About ${n(e.total, 'credit', 'credits')} on PDF.co (estimate: ${n(e.pages, 'page', 'pages')} × ${e.ratePerPage} + ` +
    `${n(e.files, 'upload', 'uploads')} × ${CREDITS_PER_UPLOAD} + ~${n(e.expectedChecks, 'job check', 'job checks')} × ${CREDITS_PER_JOB_CHECK}; rates from the ${e.source})`
  )
}

/** What one file's conversion reported about credits (engine outcome / JobDto fields). */
export interface FileCredits {
  /** Credits PDF.co reported in its answers for this file. */
  readonly creditsUsed?: number | null | undefined
  /** Last balance reported during this file. */
  readonly remainingCredits?: number | null | undefined
  /** Balance before this file's first charge. */
  readonly balanceBeforeCredits?: number | null | undefined
  /** Output format and pages converted, to add the page charge when the answers left it out. */
  readonly format?: OutputFormat | undefined
  readonly pagesDone?: number | undefined
  /** Pages PDF.co charged this conversion for, when known (after a resume, fewer than `pagesDone`). */
  readonly pagesCharged?: number | null | undefined
}

/**
 * One file's credits: the credits PDF.co reported for it, plus its page charge at the listed rate
 * ({@link CREDITS_PER_PAGE}) when the reported figure is below it (PDF.co's answers may leave the
 * page charge out; the emulator does). Per-file figures are an attribution; the batch total from
 * the balance ({@link summariseCredits}) is the measured one. Null when nothing was reported.
 */
export function fileCreditsUsed(f: FileCredits): number | null {
  const reported = f.creditsUsed ?? null
  if (reported === null) return null
  const pages = f.pagesCharged ?? f.pagesDone
  const pageCharge = f.format === undefined || pages === undefined ? 0 : pages * CREDITS_PER_PAGE[f.format]
  return reported >= pageCharge ? reported : reported + pageCharge
}

/** "About 41 credits · 961 left" for one file (see {@link fileCreditsUsed}), or null. */
export function describeFileCredits(f: FileCredits): string | null {
  const used = fileCreditsUsed(f)
  if (used === null) return null
  const left = f.remainingCredits ?? null
  const text = `About ${used.toLocaleString('en-US')} ${used === 1 ? 'credit' : 'credits'}`
  return left === null ? text : `${text} · ${left.toLocaleString('en-US')} left`
}

/** What a batch did cost. */
export interface CreditSummary {
  /** Sum of the credits PDF.co reported per file (its answers may omit page credits: a lower bound). */
  readonly reported: number
  /** Drop of the balance over the batch (first balance before − lowest balance after), when known. */
  readonly byBalance: number | null
  /** The best figure: the balance drop when known, else the per-file figures summed ({@link fileCreditsUsed}). */
  readonly total: number
  /** Lowest balance reported (the latest), or null. */
  readonly remainingCredits: number | null
  /** Files that reported anything. */
  readonly files: number
}

/**
 * Sums what a batch's PDF.co conversions did cost (for the window, the CLI summary and its
 * `--json`). The balance drop counts every charge (pages too) but also anything else spent on
 * the account meanwhile; null without reported balances. Returns null when no file reported.
 */
export function summariseCredits(files: readonly FileCredits[]): CreditSummary | null {
  let reported = 0
  let attributed = 0
  let count = 0
  let before: number | null = null
  let after: number | null = null
  for (const f of files) {
    const used = f.creditsUsed ?? null
    const rem = f.remainingCredits ?? null
    const bef = f.balanceBeforeCredits ?? null
    if (used === null && rem === null) continue
    count += 1
    reported += used ?? 0
    attributed += fileCreditsUsed(f) ?? 0
    if (bef !== null) before = before === null ? bef : Math.max(before, bef)
    if (rem !== null) after = after === null ? rem : Math.min(after, rem)
  }
  if (count === 0) return null
  const byBalance = before !== null && after !== null ? Math.max(0, before - after) : null
  return { reported, byBalance, total: byBalance ?? attributed, remainingCredits: after, files: count }
}

/** "Used 342 credits · 99,658 left" (or without the balance when unknown). */
export function describeCreditsUsed(s: CreditSummary): string {
  const used = `Used ${s.total.toLocaleString('en-US')} ${s.total === 1 ? 'credit' : 'credits'}`
  return s.remainingCredits === null ? used : `${used} · ${s.remainingCredits.toLocaleString('en-US')} left`
}
