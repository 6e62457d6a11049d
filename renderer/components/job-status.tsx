/**
 * The live status of a file's newest job: words, a per-file bar, and the Cancel / Retry buttons.
 * Times are per attempt (a retry counts from its own start); a failed or cancelled job says which
 * pages it kept and in which folder.
 */
import type { JobDto } from '../../electron/ipc/contract.ts'
import { describeFileCredits } from '../../electron/shared/credits.ts'
import { assertNever } from '../lib/assert-never.ts'
import { errorText } from '../lib/error-text.ts'
import { formatDuration, imagesText, plural } from '../lib/format.ts'
import { useNow } from '../lib/use-now.ts'
import { cancelJob, convertLocally, retryJob } from '../store/actions.ts'
import { selectJobProgress } from '../store/progress-selectors.ts'
import { isActiveStage } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'
import { RetryIcon } from './icons.tsx'

/** Where a job's pages go and when its current attempt started, for {@link describeJob}. */
export interface JobContext {
  /** Epoch ms when the current attempt (first run or latest retry) started. */
  readonly attemptStartedAtMs: number
  /** Display name of its output folder, or null when unknown. */
  readonly folderName: string | null
}

/** "19 of 117 pages saved in Images", or "No pages saved" when none was written. */
export function keptText(job: JobDto, folderName: string | null): string {
  if (job.pagesDone === 0) return 'No pages saved'
  const where = folderName === null ? '' : ` in ${folderName}`
  return `${job.pagesDone} of ${plural(job.pagesTotal, 'page')} saved${where}`
}

/** Short label of a stage, and the detail line under it. */
export function describeJob(job: JobDto, nowMs: number, context: JobContext): { readonly label: string; readonly detail: string } {
  const engine = job.engine === 'pdfco' ? 'PDF.co' : 'this computer'
  switch (job.stage) {
    case 'queued':
      return { label: 'Queued', detail: 'Waiting for a free slot' }
    case 'inspecting':
      return { label: 'Reading', detail: 'Checking the PDF' }
    case 'uploading':
      return { label: `Uploading ${Math.round(job.uploadPercent)}%`, detail: 'Sending the PDF to PDF.co' }
    case 'converting': {
      // The local engine writes pages while converting; PDF.co's arrive while downloading.
      const pages = job.engine === 'local' && job.pagesTotal > 0 ? ` · ${job.pagesDone} of ${plural(job.pagesTotal, 'page')}` : ''
      return { label: 'Converting', detail: `On ${engine}${pages} · ${formatDuration(nowMs - job.stageStartedAtMs)}` }
    }
    case 'downloading':
      return {
        label: `Downloading ${job.pagesDone} of ${job.pagesTotal}`,
        detail: job.engine === 'pdfco' ? 'Saving the page images' : 'Rendering and saving pages',
      }
    case 'done': {
      const tookMs = (job.finishedAtMs ?? nowMs) - context.attemptStartedAtMs
      return {
        label: 'Done',
        detail: `${imagesText(job.imagesDone, job.pagesDone)} in ${formatDuration(tookMs)} · ${job.engine === 'pdfco' ? 'by PDF.co' : 'on this computer'}`,
      }
    }
    case 'failed':
      return {
        label: 'Failed',
        detail: `${job.error !== null ? errorText(job.error) : 'The conversion failed.'} ${keptText(job, context.folderName)}.`,
      }
    case 'cancelled':
      return { label: 'Cancelled', detail: `${keptText(job, context.folderName)}.` }
    default:
      return assertNever(job.stage, 'job stage')
  }
}

interface JobStatusProps {
  readonly job: JobDto
  readonly fileName: string
}

/** Status pill + detail + actions for one job. */
export function JobStatus({ job, fileName }: JobStatusProps) {
  const isActive = isActiveStage(job.stage)
  const now = useNow(job.stage === 'converting')
  const progress = selectJobProgress(job)
  const { label, detail } = describeJob(job, now, { attemptStartedAtMs: job.attemptStartedAtMs, folderName: job.outputFolderName })
  const canRetry = job.stage === 'failed' || job.stage === 'cancelled'
  const hasLocalEngine = useAppStore((s) => s.settings?.hasLocalEngine !== false)

  return (
    <div className="job-status" role="group" data-stage={job.stage} tabIndex={-1} aria-label={`${fileName}: ${label}. ${detail}`}>
      <div className="job-status-text">
        <span className={`pill pill-${job.stage}`} role="status">
          {label}
        </span>
        <span className="job-detail">{detail}</span>
        {job.engine === 'pdfco' && typeof job.creditsUsed === 'number' && (
          <span className="job-credits">{jobCreditsText(job)}</span>
        )}
      </div>
      <div className="job-actions">
        {isActive && (
          <button type="button" className="button button-quiet" onClick={() => void cancelJob(job.id)} aria-label={`Cancel ${fileName}`}>
            Cancel
          </button>
        )}
        {canRetry && (
          <button type="button" className="button" onClick={() => void retryJob(job.id)} aria-label={`Retry ${fileName}`}>
            <RetryIcon size={16} /> Retry
          </button>
        )}
        {job.stage === 'failed' && job.engine === 'pdfco' && hasLocalEngine && (
          <button type="button" className="button" onClick={() => void convertLocally(job.id)} aria-label={`Convert ${fileName} on this computer instead`}>
            Convert on this computer instead
          </button>
        )}
      </div>
      {(job.warnings.length > 0 || (job.error !== null && job.stage === 'failed')) && (
        <details className="job-details">
          <summary>Details</summary>
          {job.error !== null && job.stage === 'failed' && <p>{job.error.message}</p>}
          {job.warnings.map((w, i) => (
            <p key={i}>{w}</p>
          ))}
        </details>
      )}
      {isActive && (
        <progress
          className="job-progress"
          max={1}
          value={progress.isMeasurable ? progress.fraction : undefined}
          aria-label={`Progress of ${fileName}`}
        />
      )}
    </div>
  )
}

/** "About 92 credits · 99,908 left" for a settled PDF.co job (electron/shared/credits.ts). */
export function jobCreditsText(job: JobDto): string {
  return describeFileCredits(job) ?? ''
}
