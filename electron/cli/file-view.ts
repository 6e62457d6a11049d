/**
 * What the CLI knows of one file during a run, updated from the queue's events.
 */
import type { ConversionEvent, ConversionOutcome } from '../engines/types.ts'
import type { ErrorDto } from '../shared/error-codes.ts'
import type { InputFile } from './inputs.ts'
import type { EngineKind } from '../shared/engine-choice.ts'
import { batchProgress, type BatchProgress, type ProgressJob } from '../shared/progress.ts'
import type { FileCredits } from '../shared/credits.ts'
import type { OutputFormat } from '../shared/formats.ts'

/** One file's state as the printers show it. */
export interface FileView {
  readonly file: InputFile
  state: 'queued' | 'inspecting' | 'uploading' | 'converting' | 'downloading' | 'done' | 'failed' | 'cancelled'
  bytesSent: number
  bytesTotal: number
  pagesDone: number
  pagesTotal: number | null
  convertingSinceMs: number | null
  startedMs: number | null
  endedMs: number | null
  outputs: string[]
  jobs: number
  error: ErrorDto | null
  lastLineMs: number
  /** What PDF.co reported about credits for this file (from the conversion's outcome), if anything. */
  credits: FileCredits | null
}

/** A fresh view: queued, or done already (a resumed run's file whose pages are all on disk). */
export function newFileView(file: InputFile, doneOutputs?: readonly string[]): FileView {
  const done = doneOutputs !== undefined
  return {
    file,
    state: done ? 'done' : 'queued',
    bytesSent: 0,
    bytesTotal: 0,
    pagesDone: doneOutputs?.length ?? 0,
    pagesTotal: done ? doneOutputs.length : null,
    convertingSinceMs: null,
    startedMs: null,
    endedMs: null,
    outputs: done ? [...doneOutputs] : [],
    jobs: 0,
    error: null,
    lastLineMs: 0,
    credits: null,
  }
}

/** Applies one engine event to the view (stage, times, bytes, pages, outputs, error). */
export function applyEvent(view: FileView, event: ConversionEvent): void {
  const t = Date.now()
  switch (event.type) {
    case 'stage':
      view.state = event.stage
      if (event.stage === 'inspecting') view.startedMs ??= t
      if (event.stage === 'converting') view.convertingSinceMs = t
      if (event.stage === 'done' || event.stage === 'failed' || event.stage === 'cancelled') view.endedMs = t
      break
    case 'inspected':
      view.pagesTotal = event.pagesTotal
      break
    case 'upload-progress':
      view.bytesSent = event.bytesSent
      view.bytesTotal = event.bytesTotal
      break
    case 'job-submitted':
      view.jobs++
      break
    case 'page-written':
      view.pagesDone = event.pagesDone
      view.pagesTotal = event.pagesTotal
      view.outputs.push(event.path)
      break
    case 'failed':
      view.error = event.error
      break
    default:
      break
  }
}

/**
 * The view as the shared progress rules read it (`shared/progress.ts`), so the CLI counts pages,
 * outcomes and time left exactly as the window and the taskbar do. A file whose page count is not
 * known yet weighs one page.
 */
export function toProgressJob(view: FileView, engine: EngineKind, nowMs: number): ProgressJob {
  return {
    engine,
    stage: view.state,
    uploadPercent: view.bytesTotal > 0 ? (100 * view.bytesSent) / view.bytesTotal : 0,
    pagesDone: view.pagesDone,
    pagesTotal: view.pagesTotal ?? 0,
    attemptStartedAtMs: view.startedMs ?? nowMs,
    pagesAtAttemptStart: 0,
  }
}

/** Progress of the whole run, by the shared rules. */
export function runProgress(views: readonly FileView[], engine: EngineKind, nowMs = Date.now()): BatchProgress {
  return batchProgress(views.map((v) => toProgressJob(v, engine, nowMs)), nowMs)
}

/** Notes a settled conversion's credits (PDF.co outcome fields) on its view. */
export function noteCredits(view: FileView, outcome: ConversionOutcome | null, format: OutputFormat): void {
  if (outcome === null || (outcome.creditsUsed === undefined && outcome.remainingCredits === undefined)) return
  view.credits = {
    creditsUsed: outcome.creditsUsed,
    remainingCredits: outcome.remainingCredits,
    balanceBeforeCredits: outcome.balanceBeforeCredits,
    format,
    pagesDone: view.pagesDone,
    pagesCharged: outcome.pagesCharged,
  }
}
