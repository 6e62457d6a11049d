/**
 * Opens the log and the settings store, and keeps the log's redaction in step with the API key.
 */
import path from 'node:path'
import { openLogFile, type LogFile, type Logger } from '../log/logger.ts'
import { registerSecret } from '../pdfco/redact.ts'
import type { Platform } from '../platform/platform.ts'
import { openSettingsStore, type SettingsStore } from '../settings/settings-store.ts'

/** The log, its main logger, the settings, and `syncKey()` to call after the key changes. */
export interface OpenedSettings {
  readonly logFile: LogFile
  readonly logger: Logger
  readonly settings: SettingsStore
  /** Re-reads the API key so logs and errors redact it (call after setting or clearing it). */
  readonly syncKey: () => void
}

/** Opens `<userDataDir>/logs` and the settings file in `userDataDir`. */
export async function openSettings(options: {
  readonly platform: Platform
  readonly userDataDir: string
  readonly env?: NodeJS.ProcessEnv
  readonly logToStderr?: boolean
}): Promise<OpenedSettings> {
  const { platform, userDataDir } = options
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
  return { logFile, logger, settings, syncKey }
}
