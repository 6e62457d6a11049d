/**
 * The main-process services, composed: everything behind the IPC contract, in plain Node.
 *
 * `createAppServices` opens the settings store and the log, builds the file and output registries,
 * the job manager (the conversion queue with the PDF.co engine or the local engine), the thumbnail
 * service and the job journal, then joins the handlers each domain owns (./handlers/) into one
 * `dispatch(channel, args)` (electron/ipc/dispatcher.ts). Electron's `main.ts` and the browser
 * harness both sit on top of this; the only difference is the {@link Platform} passed in and the
 * thumbnail URL base.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { createDispatcher, createEventHub, type AppEventSource, type InvokeDispatcher, type InvokeHandlers } from '../ipc/dispatcher.ts'
import { openJournalStore, type JournalStore } from '../journal/journal.ts'
import type { LogFile, Logger } from '../log/logger.ts'
import type { Platform } from '../platform/platform.ts'
import { createFileRegistry } from '../registry/file-registry.ts'
import { createOutputRegistry } from '../registry/output-registry.ts'
import { GRID_THUMB_WIDTH } from '../shared/limits.ts'
import type { ThumbnailService } from '../thumbnails/thumbnail-service.ts'
import { createEngineWiring, type EngineWiringOptions } from './engine-wiring.ts'
import { setupAppHandlers } from './handlers/app.ts'
import { setupFileHandlers } from './handlers/files.ts'
import { setupJobHandlers } from './handlers/jobs.ts'
import { setupOutputHandlers } from './handlers/outputs.ts'
import { DEFAULT_OUTPUT_FOLDER_NAME, setupSettingsHandlers } from './handlers/settings.ts'
import { createJobManager } from './jobs.ts'
import { openSettings } from './open-settings.ts'
import { createThumbnails } from './thumbnail-wiring.ts'

export type { AppEventListener } from '../ipc/dispatcher.ts'
export { CHECK_KEY_TIMEOUT_MS, DEFAULT_OUTPUT_FOLDER_NAME } from './handlers/settings.ts'

/** The services behind the IPC contract. */
export interface AppServices extends InvokeDispatcher, AppEventSource {
  /** The pdf-thumb protocol handler: Request → Response (404 unknown id, 400 bad width/page, 200 image/png). */
  handleThumbnailRequest(request: Request): Promise<Response>
  dispose(): Promise<void>
}

/** Extra handles for tests, the harness and main.ts (not part of the IPC surface). */
export interface AppServicesInternals extends AppServices {
  readonly logFile: LogFile
  readonly logger: Logger
  readonly thumbnails: ThumbnailService
  /** The invoke channels that have a handler (every channel of the contract). */
  readonly channels: readonly string[]
  /** The output folder conversions write to now (absolute). */
  outputDir(): string
}

/** Options of {@link createAppServices}. */
export interface AppServicesOptions extends EngineWiringOptions {
  readonly platform: Platform
  /** Settings, thumbnail cache, imported drops and logs go here. */
  readonly userDataDir: string
  /** Base of thumbnail URLs; default 'pdf-thumb://'; the harness passes its HTTP origin + path (ending in '/'). */
  readonly thumbUrlBase?: string
  /** Environment (PDFCO_BASE_URL); default process.env. */
  readonly env?: NodeJS.ProcessEnv
  /** Echo log lines to stderr. Default false. */
  readonly logToStderr?: boolean
}

/**
 * Creates the services (reads settings, opens the log, sweeps old imports).
 */
export async function createAppServices(options: AppServicesOptions): Promise<AppServicesInternals> {
  const { platform, userDataDir } = options
  const thumbUrlBase = options.thumbUrlBase ?? 'pdf-thumb://'
  await mkdir(userDataDir, { recursive: true })
  const { logFile, logger, settings, syncKey } = await openSettings(options)
  const files = await createFileRegistry({ importsDir: path.join(userDataDir, 'imports'), thumbUrlBase, logger: logger.child('files') })
  const outputs = createOutputRegistry(thumbUrlBase)
  // Job timings are kept between runs in the app's data folder (see engines/pdfco/timing-prior.ts).
  const engines = createEngineWiring(settings, {
    ...options,
    pdfcoEngineOptions: { timingFile: path.join(userDataDir, 'pdfco-timing.json'), ...options.pdfcoEngineOptions },
  })
  if (engines.localEngine.problem !== undefined) logger.warn('local engine', { problem: engines.localEngine.problem })
  const thumbs = createThumbnails({ userDataDir, thumbUrlBase, files, outputs, logger, localEngine: () => engines.localEngine })
  const events = createEventHub(logger)
  const journal = await openJournal(userDataDir, logger)
  const jobs = createJobManager({
    ...(journal === undefined ? {} : { journal }),
    files,
    outputs,
    platform,
    createEngine: engines.createEngine,
    defaultEngine: engines.defaultEngine,
    localOptions: engines.localOptions,
    concurrency: settings.get().concurrency,
    emit: events.emit,
    logger: logger.child('jobs'),
    thumbnails: {
      widthPx: GRID_THUMB_WIDTH,
      prime: (outputId, widthPx, png) => void thumbs.service.primeOutput(outputId, widthPx, png),
      warm: (outputId) => thumbs.service.warmOutput(outputId, GRID_THUMB_WIDTH),
    },
  })
  const outputDir = (): string =>
    settings.get().outputDir ?? path.join(platform.dirs.pictures ?? platform.dirs.home, DEFAULT_OUTPUT_FOLDER_NAME)

  const handlers = {
    ...setupAppHandlers({ platform, logFile, localEngineProblem: () => engines.localEngine.problem }),
    ...setupFileHandlers({ platform, files, jobs }),
    ...setupOutputHandlers({ platform, outputs, settings, outputDir }),
    ...setupJobHandlers({ jobs, outputDir }),
    ...setupSettingsHandlers({ platform, settings, jobs, logger, onKeyChanged: syncKey, outputDir }),
  } satisfies InvokeHandlers
  let disposed = false

  return {
    logFile,
    logger,
    thumbnails: thumbs.service,
    channels: Object.keys(handlers),
    outputDir,
    dispatch: createDispatcher(handlers, { logger, isClosed: () => disposed }),
    onEvent: events.onEvent,
    handleThumbnailRequest: thumbs.handleRequest,
    async dispose() {
      if (disposed) return
      disposed = true
      await jobs.dispose()
      await engines.close()
      await thumbs.close()
      await files.dispose()
      events.clear()
      logger.info('stopped')
    },
  }
}

/** Durable record of PDF.co batches, so a crash or quit mid-batch can be resumed; undefined when it cannot be opened. */
async function openJournal(userDataDir: string, logger: Logger): Promise<JournalStore | undefined> {
  const journal = await openJournalStore({
    dir: path.join(userDataDir, 'journal'),
    onError: (err) => logger.warn('job journal write failed: an interrupted batch may not be resumable', { error: err }),
  }).catch((err: unknown) => {
    logger.warn('job journal unavailable', { error: err })
    return undefined
  })
  await journal?.prune().catch(() => 0)
  return journal
}
