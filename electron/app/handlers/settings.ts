/**
 * The `settings:*` invoke channels: read and update settings, set, clear and check the PDF.co API
 * key. The key itself never leaves main: answers carry `hasApiKey` and a masked form.
 */
import path from 'node:path'
import type { ChannelHandlers } from '../../ipc/dispatcher.ts'
import type { Logger } from '../../log/logger.ts'
import { createPdfCoClient } from '../../pdfco/client.ts'
import type { Platform } from '../../platform/platform.ts'
import type { SettingsStore } from '../../settings/settings-store.ts'
import { missingKeyError, type JobManager } from '../jobs.ts'

/** Sub-folder of Pictures (or home) used when the user has not chosen an output folder. */
export const DEFAULT_OUTPUT_FOLDER_NAME = 'PDF to Image'
/** Deadline of `settings:check-key`, in ms. */
export const CHECK_KEY_TIMEOUT_MS = 20_000

/** Channels owned by this module. */
export type SettingsChannel = 'settings:get' | 'settings:update' | 'settings:set-api-key' | 'settings:clear-api-key' | 'settings:check-key'

/** Handlers of {@link SettingsChannel}; `onKeyChanged` runs after the key is set or cleared. */
export function setupSettingsHandlers(deps: {
  readonly platform: Platform
  readonly settings: SettingsStore
  readonly jobs: Pick<JobManager, 'setConcurrency'>
  readonly logger: Logger
  readonly onKeyChanged: () => void
  /** The folder conversions write to now (absolute, chosen or default). */
  readonly outputDir: () => string
}): ChannelHandlers<SettingsChannel> {
  const { platform, settings, jobs, logger, onKeyChanged } = deps
  const settingsDto = () => ({
    ...settings.toDto({ hasLocalEngine: true, defaultOutputFolderName: DEFAULT_OUTPUT_FOLDER_NAME }),
    outputFolderDisplayPath: displayPath(deps.outputDir(), platform.dirs.home),
  })
  return {
    'settings:get': async () => settingsDto(),
    'settings:update': async (patch) => {
      await settings.update(patch)
      if (patch.concurrency !== undefined) jobs.setConcurrency(patch.concurrency)
      logger.info('settings updated', { fields: Object.keys(patch) })
      return settingsDto()
    },
    'settings:set-api-key': async (apiKey) => {
      await settings.setApiKey(apiKey)
      onKeyChanged()
      logger.info('API key set', { persisted: platform.secrets.isEncryptionAvailable() })
      return settingsDto()
    },
    'settings:clear-api-key': async () => {
      await settings.clearApiKey()
      onKeyChanged()
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
}

/**
 * A folder's full path as people read it: the home folder shown as `~` (e.g.
 * `~/Pictures/PDF to Image`), any other path as it is. For display only, never to open.
 */
export function displayPath(absolutePath: string, homeDir: string): string {
  const rel = path.relative(homeDir, absolutePath)
  if (rel === '') return '~'
  if (rel.startsWith('..') || path.isAbsolute(rel)) return absolutePath
  return `~${path.sep}${rel}`
}
