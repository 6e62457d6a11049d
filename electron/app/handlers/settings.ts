/**
 * The `settings:*` invoke channels: read and update settings, set, clear and check the PDF.co API
 * key. The key itself never leaves main: answers carry `hasApiKey` and a masked form.
 */
import path from 'node:path'
import { AppError, PdfCoError } from '../../errors.ts'
import type { ChannelHandlers } from '../../ipc/dispatcher.ts'
import type { Logger } from '../../log/logger.ts'
import type { Platform } from '../../platform/platform.ts'
import type { SettingsStore } from '../../settings/settings-store.ts'
import { missingKeyError, type JobManager } from '../jobs.ts'
import { checkSavedKey, KEY_CHECK_TIMEOUT_MS } from '../key-check.ts'

/** Sub-folder of Pictures (or home) used when the user has not chosen an output folder. */
export const DEFAULT_OUTPUT_FOLDER_NAME = 'PDF to Image'
/** Deadline of `settings:check-key`, in ms. */
export const CHECK_KEY_TIMEOUT_MS = KEY_CHECK_TIMEOUT_MS

/** Channels owned by this module. */
export type SettingsChannel = 'settings:get' | 'settings:update' | 'settings:set-api-key' | 'settings:clear-api-key' | 'settings:check-key'

/**
 * Handlers of {@link SettingsChannel}; `onKeyChanged` runs after the key is set or cleared.
 * Setting a key checks it at once (credit balance) and answers the settings with its
 * `apiKeyStatus` / `apiKeyProblem`; so does changing the base URL. `settings:check-key` checks
 * again and records the outcome, answering the balance or the specific error.
 */
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
      const before = settings.keyStatus()
      await settings.update(patch)
      if (patch.baseUrl !== undefined && before !== 'none' && settings.keyStatus() === 'unchecked') await checkSavedKey(settings, logger)
      if (patch.concurrency !== undefined) jobs.setConcurrency(patch.concurrency)
      logger.info('settings updated', { fields: Object.keys(patch) })
      return settingsDto()
    },
    'settings:set-api-key': async (apiKey) => {
      await settings.setApiKey(apiKey)
      onKeyChanged()
      logger.info('API key set', { persisted: platform.secrets.isEncryptionAvailable() })
      await checkSavedKey(settings, logger)
      return settingsDto()
    },
    'settings:clear-api-key': async () => {
      await settings.clearApiKey()
      onKeyChanged()
      logger.info('API key cleared')
      return settingsDto()
    },
    'settings:check-key': async () => {
      const outcome = await checkSavedKey(settings, logger)
      if (outcome === null) throw missingKeyError()
      if (outcome.status !== 'verified') {
        // PDF.co's own (redacted) error goes back as is; the settings carry the product wording.
        if (outcome.error instanceof AppError) throw outcome.error
        throw new PdfCoError(outcome.status === 'refused' ? 'pdfco/unauthorized' : 'pdfco/network', outcome.message)
      }
      return { remainingCredits: outcome.remainingCredits }
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
