/**
 * The typed IPC contract between the renderer and the main process: the only place channel
 * names, argument lists and payload shapes are declared. Both worlds compile against it.
 *
 * "std" world: no `electron`, `node:*` or DOM imports (zod is pure). The renderer imports it with
 * `import type` only, so neither zod nor the schemas reach its bundle, nor the preload's.
 * - {@link InvokeChannels}: renderer → main, `ipcRenderer.invoke`, every answer a `Result<T>`.
 * - {@link EventChannels}: main → renderer, one payload each.
 * Payloads are plain data; no absolute path ever reaches the renderer (it shows `displayName`),
 * and the API key never does (only `hasApiKey` and a masked form).
 */
import { z } from 'zod'
import { ENGINE_KINDS, type EngineKind, type KeyStatus } from '../shared/engine-choice.ts'
import type { ErrorDto, Result } from '../shared/error-codes.ts'
import { TIFF_LAYOUTS, type OutputFormat, type TiffLayout } from '../shared/formats.ts'
import { CONCURRENCY_MAX, CONCURRENCY_MIN, LOCAL_DPI_MAX, LOCAL_DPI_MIN, QUALITY_MAX, QUALITY_MIN } from '../shared/limits.ts'
import { batchId, engine, fileId, format, jobId, MAX_DROPPED_BYTE_FILES, MAX_DROPPED_PATHS, MAX_JOB_ITEMS, none, outputId, overwrite } from './schemas.ts'

export type { EngineKind, ErrorDto, Result }
export type { ThumbWidth } from '../shared/limits.ts'

/** Opaque id of a registered source PDF (lowercase UUID). */
export type FileId = string & { readonly __brand: 'FileId' }
/** Opaque id of one conversion of one file (lowercase UUID). */
export type JobId = string & { readonly __brand: 'JobId' }
/** Opaque id of one written output image (lowercase UUID). */
export type OutputId = string & { readonly __brand: 'OutputId' }

export type OverwritePolicy = 'keep-both' | 'overwrite'
/** Colour mode of the local engine: full colour, greyscale, or black and white. */
export type LocalColorMode = 'color' | 'gray' | 'bw'

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
  /** Image files written so far (a multi-page TIFF is one image of many pages). */
  readonly imagesDone: number
  /** Epoch ms when the job started; when the current stage started. */
  readonly startedAtMs: number
  readonly stageStartedAtMs: number
  /** Epoch ms when the current attempt started: the first run, or the latest retry. */
  readonly attemptStartedAtMs: number
  /** `pagesDone` when the current attempt started (0 for a first run; a retry keeps earlier pages). */
  readonly pagesAtAttemptStart: number
  /** Display name (last path segment) of the folder this job writes to, fixed when it starts. */
  readonly outputFolderName: string
  readonly finishedAtMs: number | null
  readonly error: ErrorDto | null
  readonly warnings: readonly string[]
  /** PDF.co: credits reported as used by this file's conversion (lower bound, see electron/shared/credits.ts). */
  readonly creditsUsed?: number | null
  /** PDF.co: the account's balance as last reported during this file. */
  readonly remainingCredits?: number | null
  /** PDF.co: the balance before this file's first charge. */
  readonly balanceBeforeCredits?: number | null
  /** PDF.co: pages it charged this file's conversion for (fewer than `pagesDone` after a resume). */
  readonly pagesCharged?: number | null
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
  /** Pages in this image file: 1, or more for a multi-page TIFF (whose `page` is its first). */
  readonly pageCount: number
  /** `pdf-thumb://output/<id>` (Electron) or the harness's equivalent; add `?w=` from THUMB_WIDTHS. */
  readonly thumbUrl: string
  /**
   * The grid's thumbnail (a PNG GRID_THUMB_WIDTH px wide) as a `data:` URL, when the engine made
   * one as it wrote the page: sent with the `outputs:added` event so that the grid draws it without
   * asking for it. Absent otherwise (then the grid loads `thumbUrl`).
   */
  readonly thumbnailDataUrl?: string
}


export interface StartJobsRequest {
  readonly items: readonly {
    readonly fileId: FileId
    /** 1-based page-range text as typed; empty = all pages. */
    readonly pageRange: string
  }[]
  readonly format: OutputFormat
  readonly overwrite: OverwritePolicy
  /** Engine to use; omitted = the default (electron/shared/engine-choice.ts: Auto is PDF.co only with a checked key). */
  readonly engine?: EngineKind
  /** TIFF only: one file per page or one multi-page file; omitted = one file per page. */
  readonly tiffLayout?: TiffLayout
}

/** Settings as the renderer may see them. */
export interface SettingsDto {
  readonly hasApiKey: boolean
  /** Where the saved key stands (electron/shared/engine-choice.ts); 'Auto' uses PDF.co only when 'verified'. */
  readonly apiKeyStatus: KeyStatus
  /** Product wording of the last failed check of the current key (e.g. "PDF.co refused this key"), or null. */
  readonly apiKeyProblem: string | null
  /** Credits left as of the last passed check, or null. */
  readonly remainingCredits: number | null
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
  /** 'auto' = PDF.co when the key passed its check, else the local engine. */
  readonly engine: EngineKind | 'auto'
  /** True when the offline local engine is available (always, in this build). */
  readonly hasLocalEngine: boolean
  /** Local engine: resolution in DPI (LOCAL_DPI_MIN-LOCAL_DPI_MAX). */
  readonly localDpi: number
  /** Local engine: JPG/WebP quality, 1-100. */
  readonly localQuality: number
  readonly localColor: LocalColorMode
  /** TIFF output: one file per page, or one multi-page file (both engines). */
  readonly tiffLayout: TiffLayout
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
  readonly tiffLayout?: TiffLayout
}

/**
 * A batch of conversions that did not finish because the app crashed or quit mid-batch, found in
 * the job journal at start-up. Names only, never paths.
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
  /**
   * Why the offline engine cannot convert (or converts with less), in plain words: its PDFium
   * module or its fallback fonts could not be loaded. Null when it is whole. PDF.co still works.
   */
  readonly localEngineProblem: string | null
}

/**
 * Every invoke channel (renderer → main), declared once: its argument list as a zod tuple (checked
 * in main before any handler runs; a mismatch is answered with `ipc/bad-args`) and, as types, its
 * parameters and the value of its `Result`. Adding a channel: an entry here, a handler in
 * electron/app/handlers/, a method in electron/ipc/pdf-app-api.ts; the compiler and
 * test/unit/electron/ipc/channels.test.ts fail while one is missing.
 */
export const INVOKE_CONTRACT = {
  'app:get-info': channel<[], AppInfo>(none),
  'app:reveal-log': channel<[], void>(none),
  'files:pick': channel<[], AddFilesResult>(none),
  'files:register-dropped': channel<[paths: readonly string[]], AddFilesResult>(
    z.tuple([z.array(z.string().min(1).max(4096)).max(MAX_DROPPED_PATHS)]),
  ),
  'files:register-dropped-bytes': channel<[files: readonly DroppedBytes[]], AddFilesResult>(z.tuple([
    z
      .array(z.object({ name: z.string().max(1024), bytes: z.instanceof(Uint8Array) }).strict())
      .max(MAX_DROPPED_BYTE_FILES),
  ])),
  'files:remove': channel<[fileId: FileId], void>(z.tuple([fileId])),
  'files:unlock': channel<[fileId: FileId, password: string], FileDescriptor>(z.tuple([fileId, z.string().max(1024)])),
  'output:pick-folder': channel<[], { readonly folderName: string } | null>(none),
  'output:open-folder': channel<[], void>(none),
  'outputs:open': channel<[outputId: OutputId], void>(z.tuple([outputId])),
  'outputs:reveal': channel<[outputId: OutputId], void>(z.tuple([outputId])),
  'outputs:start-drag': channel<[outputId: OutputId], void>(z.tuple([outputId])),
  'jobs:start': channel<[request: StartJobsRequest], readonly JobDto[]>(z.tuple([
    z
      .object({
        items: z
          .array(z.object({ fileId, pageRange: z.string().max(10_000) }).strict())
          .min(1)
          .max(MAX_JOB_ITEMS),
        format,
        overwrite,
        engine: engine.optional(),
        tiffLayout: z.enum(TIFF_LAYOUTS).optional(),
      })
      .strict(),
  ])),
  'jobs:cancel': channel<[jobId: JobId], void>(z.tuple([jobId])),
  'jobs:cancel-all': channel<[], void>(none),
  'jobs:retry': channel<[jobId: JobId], JobDto>(z.tuple([jobId])),
  'jobs:get-resumable': channel<[], ResumableBatchDto | null>(none),
  'jobs:resume': channel<[batchId: string], ResumeResult>(z.tuple([batchId])),
  'jobs:discard-resumable': channel<[batchId: string], void>(z.tuple([batchId])),
  'settings:get': channel<[], SettingsDto>(none),
  'settings:update': channel<[patch: SettingsPatch], SettingsDto>(z.tuple([
    z
      .object({
        baseUrl: z.string().max(2048).optional(),
        concurrency: z.number().int().min(CONCURRENCY_MIN).max(CONCURRENCY_MAX).optional(),
        format: format.optional(),
        overwrite: overwrite.optional(),
        engine: z.enum(['auto', ...ENGINE_KINDS]).optional(),
        localDpi: z.number().int().min(LOCAL_DPI_MIN).max(LOCAL_DPI_MAX).optional(),
        localQuality: z.number().int().min(QUALITY_MIN).max(QUALITY_MAX).optional(),
        localColor: z.enum(['color', 'gray', 'bw']).optional(),
        tiffLayout: z.enum(TIFF_LAYOUTS).optional(),
      })
      .strict(),
  ])),
  'settings:set-api-key': channel<[apiKey: string], SettingsDto>(z.tuple([z.string().max(512)])),
  'settings:clear-api-key': channel<[], SettingsDto>(none),
  'settings:check-key': channel<[], { readonly remainingCredits: number }>(none),
} as const

/** One invoke channel's declaration: the arguments' schema, and the answer's value type (types only). */
export interface ChannelSpec<A extends readonly unknown[], R> {
  readonly args: z.ZodType<A>
  /** Never read: carries the type of the `Result` value. */
  readonly result?: R
}

function channel<A extends readonly unknown[], R>(args: z.ZodType<A>): ChannelSpec<A, R> {
  return { args }
}

type Contract = typeof INVOKE_CONTRACT
type ArgsOf<S> = S extends ChannelSpec<infer A, unknown> ? A : never
type ValueOf<S> = S extends ChannelSpec<readonly unknown[], infer R> ? R : never

/** renderer → main. Every answer is a `Result`. */
export type InvokeChannels = { [C in keyof Contract]: (...args: ArgsOf<Contract[C]>) => Promise<Result<ValueOf<Contract[C]>>> }

/** main → renderer. */
export interface EventChannels {
  'jobs:updated': JobDto
  'outputs:added': OutputPageDto
  'batch:finished': { readonly done: number; readonly failed: number; readonly cancelled: number }
}

export type InvokeChannel = keyof InvokeChannels
export type EventChannel = keyof EventChannels

/** Every invoke channel, for registration checks (each has a handler and a preload method). */
export const INVOKE_CHANNELS = Object.keys(INVOKE_CONTRACT) as readonly InvokeChannel[]

export const EVENT_CHANNELS = ['jobs:updated', 'outputs:added', 'batch:finished'] as const satisfies readonly EventChannel[]

export type { PdfAppApi } from './pdf-app-api.ts'
