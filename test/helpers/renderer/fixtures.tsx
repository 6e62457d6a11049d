/**
 * Builders of DTOs for renderer unit tests.
 */
import type { FileDescriptor, FileId, JobDto, JobId, OutputId, OutputPageDto, SettingsDto } from '../../../electron/ipc/contract.ts'

let n = 0
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`

/** A file descriptor (4 pages unless overridden). */
export function makeFile(patch: Partial<FileDescriptor> = {}): FileDescriptor {
  const id = patch.id ?? (uuid() as FileId)
  return {
    id,
    displayName: 'report.pdf',
    pageCount: 4,
    sizeBytes: 12_345,
    needsPassword: false,
    isUnlocked: false,
    pageThumbUrlBase: `pdf-thumb://page/${id}/`,
    ...patch,
  }
}

/** A job snapshot (queued unless overridden). */
export function makeJob(fileId: FileId, patch: Partial<JobDto> = {}): JobDto {
  return {
    id: uuid() as JobId,
    fileId,
    engine: 'pdfco',
    format: 'png',
    stage: 'queued',
    uploadPercent: 0,
    pagesDone: 0,
    pagesTotal: 4,
    imagesDone: 0,
    startedAtMs: 1000,
    stageStartedAtMs: 1000,
    attemptStartedAtMs: 1000,
    pagesAtAttemptStart: 0,
    outputFolderName: 'Images',
    finishedAtMs: null,
    error: null,
    warnings: [],
    ...patch,
  }
}

/** An output page of a job. */
export function makeOutput(job: JobDto, page: number): OutputPageDto {
  const id = uuid() as OutputId
  return { id, jobId: job.id, fileId: job.fileId, page, displayName: `report-${page}.png`, sizeBytes: 1000, pageCount: 1, thumbUrl: `pdf-thumb://output/${id}` }
}

/** Settings with a checked key (or, with `hasApiKey: false`, none) and an output folder. */
export function makeSettings(patch: Partial<SettingsDto> = {}): SettingsDto {
  const hasKey = patch.hasApiKey !== false
  return {
    hasApiKey: true,
    apiKeyStatus: hasKey ? 'verified' : 'none',
    apiKeyProblem: null,
    remainingCredits: hasKey ? 5000 : null,
    apiKeyMasked: '••••••••abcd',
    canEncryptKey: true,
    baseUrl: 'https://api.pdf.co/v1',
    concurrency: 2,
    format: 'png',
    overwrite: 'keep-both',
    outputFolderName: 'Images',
    defaultOutputFolderName: 'PDF to Image',
    engine: 'auto',
    hasLocalEngine: true,
    localDpi: 150,
    localQuality: 90,
    localColor: 'color',
    tiffLayout: 'page-files',
    ...patch,
  }
}
