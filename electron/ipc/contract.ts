/**
 * The typed IPC contract between the renderer and the main process: the only place channel
 * names, argument lists and payload shapes are declared. Both worlds compile against it.
 *
 * "std" world: no `electron`, `node:*` or DOM imports (see ../shared/STYLE.md, Typed IPC).
 * - {@link InvokeChannels}: renderer → main, `ipcRenderer.invoke`, every answer a `Result<T>`.
 * - {@link EventChannels}: main → renderer, one payload each.
 * Payloads are plain data; no absolute path ever reaches the renderer (it shows `displayName`),
 * and the API key never does (only `hasApiKey` and a masked form).
 */
import type { ErrorDto, Result } from '../shared/error-codes.ts'
import type { OutputFormat } from '../shared/formats.ts'

export type { ErrorDto, Result }

/** Opaque id of a registered source PDF (lowercase UUID). */
export type FileId = string & { readonly __brand: 'FileId' }
/** Opaque id of one conversion of one file (lowercase UUID). */
export type JobId = string & { readonly __brand: 'JobId' }
/** Opaque id of one written output image (lowercase UUID). */
export type OutputId = string & { readonly __brand: 'OutputId' }

export type EngineKind = 'pdfco' | 'local'
export type OverwritePolicy = 'keep-both' | 'overwrite'
/** Colour mode of the local engine: full colour, greyscale, or black and white. */
export type LocalColorMode = 'color' | 'gray' | 'bw'
/** Resolution range of the local engine, in dots per inch (issue 4 §1). */
export const LOCAL_DPI_MIN = 72
export const LOCAL_DPI_MAX = 600

/** A source PDF the user added. */
export interface FileDescriptor {
  readonly id: FileId
  /** File name only, e.g. `report.pdf`. */
  readonly displayName: string
  /** 0 when the PDF needs a password and none was given yet. */
  readonly pageCount: number
  readonly sizeBytes: number
  /** True when the PDF cannot be opened without a user password. */
  readonly needsPassword: boolean
  /** True once a correct password has been given (kept in main, never sent back). */
  readonly isUnlocked: boolean
  /**
   * Prefix of this file's page thumbnails (the page picker): append `<page>?w=<width>` (1-based
   * page, width from THUMB_WIDTHS), e.g. `pdf-thumb://page/<id>/` + `3?w=160`. Built like
   * `OutputPageDto.thumbUrl` (the harness's origin instead of `pdf-thumb://`); ids, never paths.
   */
  readonly pageThumbUrlBase: string
}

/** Why a path was not added. */
export interface RejectedFile {
  /** File name only. */
  readonly displayName: string
  readonly reason: ErrorDto
}

/** Result of adding files (picked, dropped, or found in dropped folders). */
export interface AddFilesResult {
  readonly added: readonly FileDescriptor[]
  /** Not PDFs (by content), unreadable, damaged or already added. */
  readonly rejected: readonly RejectedFile[]
  /** Non-PDF files skipped while expanding folders (names only). */
  readonly skippedInFolders: readonly string[]
}

/** A dropped file without a filesystem path (fallback: its bytes travel instead). */
export interface DroppedBytes {
  readonly name: string
  readonly bytes: Uint8Array
}

export type JobStage = 'queued' | 'inspecting' | 'uploading' | 'converting' | 'downloading' | 'done' | 'failed' | 'cancelled'

/** One conversion of one file, as last reported by main. */
export interface JobDto {
  readonly id: JobId
  readonly fileId: FileId
  readonly engine: EngineKind
  readonly format: OutputFormat
  readonly stage: JobStage
  /** 0-100 while uploading. */
  readonly uploadPercent: number
  readonly pagesDone: number
  readonly pagesTotal: number
  /** Epoch ms when the job started; when the current stage started. */
  readonly startedAtMs: number
  readonly stageStartedAtMs: number
  readonly finishedAtMs: number | null
  readonly error: ErrorDto | null
  readonly warnings: readonly string[]
}

/** One image written to the output folder. */
export interface OutputPageDto {
  readonly id: OutputId
  readonly jobId: JobId
  readonly fileId: FileId
  /** 1-based page number. */
  readonly page: number
  /** Output file name only, e.g. `report-03.png`. */
  readonly displayName: string
  readonly sizeBytes: number
  /** `pdf-thumb://output/<id>` (Electron) or the harness's equivalent; add `?w=` from THUMB_WIDTHS. */
  readonly thumbUrl: string
}

/** Widths (px) the thumbnail protocol serves; anything else is a 400. */
export const THUMB_WIDTHS = [160, 320, 1024] as const
export type ThumbWidth = (typeof THUMB_WIDTHS)[number]

export interface StartJobsRequest {
  readonly items: readonly {
    readonly fileId: FileId
    /** 1-based page-range text as typed; empty = all pages. */
    readonly pageRange: string
  }[]
  readonly format: OutputFormat
  readonly overwrite: OverwritePolicy
  /** Engine to use; omitted = the default (PDF.co when a key is set, else local). */
  readonly engine?: EngineKind
}

/** Settings as the renderer may see them. */
export interface SettingsDto {
  readonly hasApiKey: boolean
  /** e.g. `••••••••1a2b`, or '' when no key. */
  readonly apiKeyMasked: string
  /** True when safeStorage encryption is available on this machine. */
  readonly canEncryptKey: boolean
  readonly baseUrl: string
  readonly concurrency: number
  readonly format: OutputFormat
  readonly overwrite: OverwritePolicy
  /** Display name of the chosen output folder (last path segment), or null. */
  readonly outputFolderName: string | null
  /**
   * The output folder's full path for display only (tooltip, e.g. `~/Pictures/PDF to Image`),
   * chosen or default. Optional: the renderer shows what it knows while main does not send it.
   */
  readonly outputFolderDisplayPath?: string
  /** Name of the folder used while none is chosen (e.g. `PDF to Image`, inside Pictures). */
  readonly defaultOutputFolderName: string
  /** 'auto' = PDF.co when a key is set, else the local engine. */
  readonly engine: EngineKind | 'auto'
  /** True when the offline local engine is available (always, in this build). */
  readonly hasLocalEngine: boolean
  /** Local engine: resolution in DPI (LOCAL_DPI_MIN-LOCAL_DPI_MAX). */
  readonly localDpi: number
  /** Local engine: JPG/WebP quality, 1-100. */
  readonly localQuality: number
  readonly localColor: LocalColorMode
}

export interface SettingsPatch {
  readonly baseUrl?: string
  readonly concurrency?: number
  readonly format?: OutputFormat
  readonly overwrite?: OverwritePolicy
  readonly engine?: EngineKind | 'auto'
  readonly localDpi?: number
  readonly localQuality?: number
  readonly localColor?: LocalColorMode
}

/**
 * A batch of conversions that did not finish because the app crashed or quit mid-batch, found in
 * the job journal at start-up (issue 5 §1). Names only, never paths.
 */
export interface ResumableBatchDto {
  readonly batchId: string
  /** Epoch ms when the batch started. */
  readonly startedAtMs: number
  readonly fileCount: number
  /** Files not converted completely. */
  readonly unfinished: number
  /** Pages on disk / pages selected (over the files whose selection is known). */
  readonly pagesDone: number
  readonly pagesTotal: number
  /** Names of up to 5 unfinished files. */
  readonly fileNames: readonly string[]
  /** Last segment of the batch's output folder. */
  readonly outputFolderName: string
}

/** What `jobs:resume` did: files added again, jobs started, and files it could not resume. */
export interface ResumeResult {
  readonly added: readonly FileDescriptor[]
  readonly jobs: readonly JobDto[]
  /** Gone, unreadable, or needing a password again (it is never stored): with the reason. */
  readonly skipped: readonly RejectedFile[]
}

export interface AppInfo {
  readonly version: string
  readonly platform: string
  /** Log file name (not its path); `app:open-log` reveals it. */
  readonly logFileName: string
}

/** renderer → main. Every answer is a `Result`. */
export interface InvokeChannels {
  'app:get-info': () => Promise<Result<AppInfo>>
  'app:reveal-log': () => Promise<Result<void>>
  'files:pick': () => Promise<Result<AddFilesResult>>
  'files:register-dropped': (paths: readonly string[]) => Promise<Result<AddFilesResult>>
  'files:register-dropped-bytes': (files: readonly DroppedBytes[]) => Promise<Result<AddFilesResult>>
  'files:remove': (fileId: FileId) => Promise<Result<void>>
  'files:unlock': (fileId: FileId, password: string) => Promise<Result<FileDescriptor>>
  'output:pick-folder': () => Promise<Result<{ readonly folderName: string } | null>>
  'output:open-folder': () => Promise<Result<void>>
  'outputs:open': (outputId: OutputId) => Promise<Result<void>>
  'outputs:reveal': (outputId: OutputId) => Promise<Result<void>>
  'jobs:start': (request: StartJobsRequest) => Promise<Result<readonly JobDto[]>>
  'jobs:cancel': (jobId: JobId) => Promise<Result<void>>
  'jobs:cancel-all': () => Promise<Result<void>>
  'jobs:retry': (jobId: JobId) => Promise<Result<JobDto>>
  'jobs:get-resumable': () => Promise<Result<ResumableBatchDto | null>>
  'jobs:resume': (batchId: string) => Promise<Result<ResumeResult>>
  'jobs:discard-resumable': (batchId: string) => Promise<Result<void>>
  'settings:get': () => Promise<Result<SettingsDto>>
  'settings:update': (patch: SettingsPatch) => Promise<Result<SettingsDto>>
  'settings:set-api-key': (apiKey: string) => Promise<Result<SettingsDto>>
  'settings:clear-api-key': () => Promise<Result<SettingsDto>>
  'settings:check-key': () => Promise<Result<{ readonly remainingCredits: number }>>
}

/** main → renderer. */
export interface EventChannels {
  'jobs:updated': JobDto
  'outputs:added': OutputPageDto
  'batch:finished': { readonly done: number; readonly failed: number; readonly cancelled: number }
}

export type InvokeChannel = keyof InvokeChannels
export type EventChannel = keyof EventChannels

/** Every invoke channel, for registration checks (boot test: each has a handler). */
export const INVOKE_CHANNELS = [
  'app:get-info',
  'app:reveal-log',
  'files:pick',
  'files:register-dropped',
  'files:register-dropped-bytes',
  'files:remove',
  'files:unlock',
  'output:pick-folder',
  'output:open-folder',
  'outputs:open',
  'outputs:reveal',
  'jobs:start',
  'jobs:cancel',
  'jobs:cancel-all',
  'jobs:retry',
  'jobs:get-resumable',
  'jobs:resume',
  'jobs:discard-resumable',
  'settings:get',
  'settings:update',
  'settings:set-api-key',
  'settings:clear-api-key',
  'settings:check-key',
] as const satisfies readonly InvokeChannel[]

export const EVENT_CHANNELS = ['jobs:updated', 'outputs:added', 'batch:finished'] as const satisfies readonly EventChannel[]

/**
 * The API the preload exposes as `window.pdfApp`: one method per channel, listed by hand.
 * `on*` methods return an unsubscribe function.
 */
export interface PdfAppApi {
  getAppInfo: InvokeChannels['app:get-info']
  revealLog: InvokeChannels['app:reveal-log']
  pickFiles: InvokeChannels['files:pick']
  /** Takes DOM `File`s; the preload resolves their paths (webUtils.getPathForFile) or falls back to bytes. */
  registerDroppedFiles: (files: readonly File[]) => Promise<Result<AddFilesResult>>
  removeFile: InvokeChannels['files:remove']
  unlockFile: InvokeChannels['files:unlock']
  pickOutputFolder: InvokeChannels['output:pick-folder']
  openOutputFolder: InvokeChannels['output:open-folder']
  openOutput: InvokeChannels['outputs:open']
  revealOutput: InvokeChannels['outputs:reveal']
  startJobs: InvokeChannels['jobs:start']
  cancelJob: InvokeChannels['jobs:cancel']
  cancelAllJobs: InvokeChannels['jobs:cancel-all']
  retryJob: InvokeChannels['jobs:retry']
  getResumableBatch: InvokeChannels['jobs:get-resumable']
  resumeBatch: InvokeChannels['jobs:resume']
  discardResumableBatch: InvokeChannels['jobs:discard-resumable']
  getSettings: InvokeChannels['settings:get']
  updateSettings: InvokeChannels['settings:update']
  setApiKey: InvokeChannels['settings:set-api-key']
  clearApiKey: InvokeChannels['settings:clear-api-key']
  checkApiKey: InvokeChannels['settings:check-key']
  onJobUpdated: (listener: (job: EventChannels['jobs:updated']) => void) => () => void
  onOutputAdded: (listener: (output: EventChannels['outputs:added']) => void) => () => void
  onBatchFinished: (listener: (summary: EventChannels['batch:finished']) => void) => () => void
}
