/**
 * What the CLI knows of one file during a run, updated from the queue's events.
 */
import type { ConversionEvent } from '../engines/types.ts'
import type { ErrorDto } from '../shared/error-codes.ts'
import type { InputFile } from './inputs.ts'

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
