/**
 * The main-process services, composed: everything behind the IPC contract, in plain Node.
 *
 * `createAppServices` wires the settings store, the log, the file and output registries, the job
 * manager (helper B's queue + the PDF.co engine or the local engine) and the thumbnail service,
 * and exposes them through
 * one `dispatch(channel, args)` that validates arguments (zod → `ipc/bad-args`) and always answers
 * a `Result`. Electron's `main.ts` and the browser harness both sit on top of this; the only
 * difference is the {@link Platform} passed in and the thumbnail URL base.
 */
import { mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { createPdfCoEngine, type PdfCoEngineOptions } from '../engines/pdfco/engine.ts'
import type { ConversionEngine } from '../engines/types.ts'
import { createLocalEngine, type LocalEngineOptions } from '../engines/local/local-engine.ts'
import { AppError, FileError, InputError, toErrorDto } from '../errors.ts'
import {
  INVOKE_CHANNELS,
  type EngineKind,
  type EventChannel,
  type EventChannels,
  type InvokeChannel,
  type InvokeChannels,
} from '../ipc/contract.ts'
import { describeZodError, INVOKE_ARG_SCHEMAS } from '../ipc/schemas.ts'
import { openLogFile, type LogFile, type Logger } from '../log/logger.ts'
import { createPdfCoClient } from '../pdfco/client.ts'
import { registerSecret } from '../pdfco/redact.ts'
import type { Platform } from '../platform/platform.ts'
import { createFileRegistry } from '../registry/file-registry.ts'
import { createOutputRegistry } from '../registry/output-registry.ts'
import type { Result } from '../shared/error-codes.ts'
import { openSettingsStore } from '../settings/settings-store.ts'
import { createThumbnailProtocolHandler } from '../thumbnails/protocol.ts'
import { createSourcePageRenderer } from '../thumbnails/source-page-renderer.ts'
import { createThumbnailService, type ThumbnailService } from '../thumbnails/thumbnail-service.ts'
import { openJournalStore } from '../journal/journal.ts'
import { createJobManager, missingKeyError } from './jobs.ts'

/** A main → renderer event listener. */
export type AppEventListener = <C extends EventChannel>(channel: C, payload: EventChannels[C]) => void

/** The services behind the IPC contract. */
export interface AppServices {
  /** Validates args with the channel's zod schema (→ 'ipc/bad-args'), runs the handler, never throws: every outcome is a Result. */
  dispatch(channel: string, args: readonly unknown[]): Promise<Result<unknown>>
  /** Subscribe to main→renderer events; returns the unsubscribe function. */
  onEvent(listener: AppEventListener): () => void
  /** The pdf-thumb protocol handler: Request → Response (404 unknown id, 400 bad width/page, 200 image/png). */
  handleThumbnailRequest(request: Request): Promise<Response>
  dispose(): Promise<void>
}

/** Extra handles for tests, the harness and main.ts (not part of the IPC surface). */
export interface AppServicesInternals extends AppServices {
  readonly logFile: LogFile
  readonly logger: Logger
  readonly thumbnails: ThumbnailService
  /** The output folder conversions write to now (absolute). */
  outputDir(): string
}

/** Options of {@link createAppServices}. */
export interface AppServicesOptions {
  readonly platform: Platform
  /** Settings, thumbnail cache, imported drops and logs go here. */
  readonly userDataDir: string
  /** Base of thumbnail URLs; default 'pdf-thumb://'; the harness passes its HTTP origin + path (ending in '/'). */
  readonly thumbUrlBase?: string
  /** Environment (PDFCO_BASE_URL); default process.env. */
  readonly env?: NodeJS.ProcessEnv
  /** PDF.co engine overrides (tests: a short poll schedule). */
  readonly pdfcoEngineOptions?: Partial<Omit<PdfCoEngineOptions, 'apiKey' | 'baseUrl' | 'client'>>
  /** Local engine overrides (workers, worker script of a bundled build, …); render options come from the settings. */
  readonly localEngineOptions?: Omit<LocalEngineOptions, 'defaults'>
  /** Echo log lines to stderr. Default false. */
  readonly logToStderr?: boolean
}

/** Sub-folder of Pictures (or home) used when the user has not chosen an output folder. */
export const DEFAULT_OUTPUT_FOLDER_NAME = 'PDF to Image'
/** Deadline of `settings:check-key`, in ms. */
export const CHECK_KEY_TIMEOUT_MS = 20_000

type Handlers = {
  readonly [C in InvokeChannel]: (
    ...args: Parameters<InvokeChannels[C]>
  ) => Promise<Awaited<ReturnType<InvokeChannels[C]>> extends Result<infer T> ? T : never>
}

/**
 * Creates the services (reads settings, opens the log, sweeps old imports).
 */
export async function createAppServices(options: AppServicesOptions): Promise<AppServicesInternals> {
  const { platform, userDataDir } = options
  const thumbUrlBase = options.thumbUrlBase ?? 'pdf-thumb://'
  await mkdir(userDataDir, { recursive: true })

  let currentKey: string | null = null
  const logFile = openLogFile({
    dir: path.join(userDataDir, 'logs'),
    getSecrets: () => (currentKey === null ? [] : [currentKey]),
    echo: options.logToStderr === true,
  })
  const logger = logFile.logger('main')
  logger.info('starting', { version: platform.appVersion, platform: platform.osPlatform, kind: platform.kind })

  const settings = await openSettingsStore({
    dir: userDataDir,
    secrets: platform.secrets,
    ...(options.env === undefined ? {} : { env: options.env }),
    logger: logger.child('settings'),
  })
  const syncKey = (): void => {
    currentKey = settings.getApiKey()
    if (currentKey !== null) registerSecret(currentKey)
  }
  syncKey()

  const files = await createFileRegistry({ importsDir: path.join(userDataDir, 'imports'), thumbUrlBase, logger: logger.child('files') })
  const outputs = createOutputRegistry(thumbUrlBase)
  const renderSourcePage = createSourcePageRenderer((id) => files.get(id), { engine: () => localEngine })
  const thumbnails = createThumbnailService({
    cacheDir: path.join(userDataDir, 'thumbs'),
    resolveOutput: (id) => outputs.get(id),
    resolveSourceFile: (id) => files.get(id),
    renderSourcePage,
    logger: logger.child('thumbs'),
  })
  const handleThumbnailRequest = createThumbnailProtocolHandler({ base: thumbUrlBase, service: thumbnails, logger: logger.child('thumbs') })

  const listeners = new Set<AppEventListener>()
  const emit = <C extends EventChannel>(channel: C, payload: EventChannels[C]): void => {
    for (const listener of [...listeners]) {
      try {
        listener(channel, payload)
      } catch (err) {
        logger.warn('event listener failed', { channel, error: err })
      }
    }
  }

  // One local engine for the app's life: it owns the render worker threads (started on first
  // use, ended when idle) and is closed on dispose. Render options travel with each job.
  const localEngine = createLocalEngine({ ...options.localEngineOptions })
  const createEngine = (kind: EngineKind): ConversionEngine => {
    switch (kind) {
      case 'pdfco': {
        const apiKey = settings.getApiKey()
        if (apiKey === null) throw missingKeyError()
        return createPdfCoEngine({ ...options.pdfcoEngineOptions, apiKey, baseUrl: settings.effectiveBaseUrl() })
      }
      case 'local':
        return localEngine
    }
  }
  /** 'auto': PDF.co when a key is set, else the local engine (issue 4 §2). */
  const defaultEngine = (): EngineKind => {
    const chosen = settings.get().engine
    if (chosen !== 'auto') return chosen
    return settings.getApiKey() !== null ? 'pdfco' : 'local'
  }
  const localOptions = () => {
    const s = settings.get()
    return { dpi: s.localDpi, quality: s.localQuality, color: s.localColor }
  }

  // Durable record of PDF.co batches, so a crash or quit mid-batch can be resumed (issue 5 §1).
  const journal = await openJournalStore({
    dir: path.join(userDataDir, 'journal'),
    onError: (err) => logger.warn('job journal write failed: an interrupted batch may not be resumable', { error: err }),
  }).catch((err: unknown) => {
    logger.warn('job journal unavailable', { error: err })
    return undefined
  })
  await journal?.prune().catch(() => 0)

  const jobs = createJobManager({
    ...(journal === undefined ? {} : { journal }),
    files,
    outputs,
    platform,
    createEngine,
    defaultEngine,
    localOptions,
    concurrency: settings.get().concurrency,
    emit,
    logger: logger.child('jobs'),
  })

  const outputDir = (): string =>
    settings.get().outputDir ?? path.join(platform.dirs.pictures ?? platform.dirs.home, DEFAULT_OUTPUT_FOLDER_NAME)
  const settingsDto = () => settings.toDto({ hasLocalEngine: true, defaultOutputFolderName: DEFAULT_OUTPUT_FOLDER_NAME })

  const existingPath = async (absolutePath: string, what: string): Promise<string> => {
    const info = await stat(absolutePath).catch(() => null)
    if (info === null) throw new FileError('file/not-found', `${what} ${path.basename(absolutePath)} no longer exists`)
    return absolutePath
  }

  const handlers: Handlers = {
    'app:get-info': async () => ({ version: platform.appVersion, platform: platform.osPlatform, logFileName: logFile.fileName }),
    'app:reveal-log': async () => {
      platform.showItemInFolder(logFile.filePath)
    },
    'files:pick': async () => {
      const picked = await platform.showOpenFilesDialog({ title: 'Add PDFs', filters: [{ name: 'PDF documents', extensions: ['pdf'] }] })
      return picked === null ? { added: [], rejected: [], skippedInFolders: [] } : files.registerPaths(picked)
    },
    'files:register-dropped': async (paths) => files.registerPaths(paths),
    'files:register-dropped-bytes': async (dropped) => files.registerBytes(dropped),
    'files:remove': async (fileId) => {
      jobs.cancelForFile(fileId)
      await files.remove(fileId)
    },
    'files:unlock': async (fileId, password) => files.unlock(fileId, password),
    'output:pick-folder': async () => {
      const folder = await platform.showOpenFolderDialog({ title: 'Choose the output folder', defaultPath: outputDir() })
      if (folder === null) return null
      if (!path.isAbsolute(folder)) throw new InputError('input/invalid', 'The output folder must be an absolute path')
      await settings.setOutputDir(folder)
      return { folderName: path.basename(folder) || folder }
    },
    'output:open-folder': async () => {
      const dir = outputDir()
      await mkdir(dir, { recursive: true }).catch((err: unknown) => {
        throw new FileError('file/write-failed', `Cannot create the output folder ${path.basename(dir)}`, { cause: err })
      })
      await platform.openPath(dir)
    },
    'outputs:open': async (outputId) => {
      await platform.openPath(await existingPath(outputs.require(outputId).path, 'The image'))
    },
    'outputs:reveal': async (outputId) => {
      platform.showItemInFolder(await existingPath(outputs.require(outputId).path, 'The image'))
    },
    'jobs:start': async (request) => jobs.start(request, outputDir()),
    'jobs:cancel': async (jobId) => {
      jobs.cancel(jobId)
    },
    'jobs:cancel-all': async () => {
      jobs.cancelAll()
    },
    'jobs:retry': async (jobId) => jobs.retry(jobId),
    'jobs:get-resumable': async () => jobs.getResumable(),
    'jobs:resume': async (batchId) => jobs.resume(batchId),
    'jobs:discard-resumable': async (batchId) => jobs.discardResumable(batchId),
    'settings:get': async () => settingsDto(),
    'settings:update': async (patch) => {
      await settings.update(patch)
      if (patch.concurrency !== undefined) jobs.setConcurrency(patch.concurrency)
      logger.info('settings updated', { fields: Object.keys(patch) })
      return settingsDto()
    },
    'settings:set-api-key': async (apiKey) => {
      await settings.setApiKey(apiKey)
      syncKey()
      logger.info('API key set', { persisted: platform.secrets.isEncryptionAvailable() })
      return settingsDto()
    },
    'settings:clear-api-key': async () => {
      await settings.clearApiKey()
      syncKey()
      logger.info('API key cleared')
      return settingsDto()
    },
    'settings:check-key': async () => {
      const apiKey = settings.getApiKey()
      if (apiKey === null) throw missingKeyError()
      const client = createPdfCoClient({ apiKey, baseUrl: settings.effectiveBaseUrl() })
      const balance = await client.getCreditBalance({ signal: AbortSignal.timeout(CHECK_KEY_TIMEOUT_MS) })
      logger.info('API key checked', { remainingCredits: balance.remainingCredits })
      return { remainingCredits: balance.remainingCredits }
    },
  }

  const isInvokeChannel = (channel: string): channel is InvokeChannel => (INVOKE_CHANNELS as readonly string[]).includes(channel)
  let disposed = false

  return {
    logFile,
    logger,
    thumbnails,
    outputDir,
    async dispatch(channel, args) {
      if (!isInvokeChannel(channel)) return fail(new InputError('ipc/bad-args', `Unknown channel ${String(channel).slice(0, 80)}`))
      if (disposed) return fail(new AppError('internal', 'The app is shutting down'))
      if (!Array.isArray(args)) return fail(new InputError('ipc/bad-args', `${channel}: arguments must be a list`))
      const parsed = INVOKE_ARG_SCHEMAS[channel].safeParse(args)
      if (!parsed.success) {
        logger.warn('ipc bad arguments', { channel, issues: describeZodError(parsed.error) })
        return fail(new InputError('ipc/bad-args', `${channel}: ${describeZodError(parsed.error)}`))
      }
      try {
        const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>
        const value = await handler(...(parsed.data as unknown[]))
        return { ok: true, value: value === undefined ? undefined : value }
      } catch (err) {
        if (!(err instanceof AppError)) logger.error('handler failed', { channel, error: err })
        return fail(err)
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    handleThumbnailRequest,
    async dispose() {
      if (disposed) return
      disposed = true
      await jobs.dispose()
      await localEngine.close()
      await renderSourcePage.close()
      await files.dispose()
      listeners.clear()
      logger.info('stopped')
    },
  }
}

function fail(err: unknown): Result<never> {
  return { ok: false, error: toErrorDto(err) }
}
