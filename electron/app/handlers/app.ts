/**
 * The `app:*` invoke channels: version and platform, and revealing the log file.
 */
import type { ChannelHandlers } from '../../ipc/dispatcher.ts'
import type { LogFile } from '../../log/logger.ts'
import type { Platform } from '../../platform/platform.ts'

/** Channels owned by this module. */
export type AppChannel = 'app:get-info' | 'app:reveal-log'

/** Handlers of {@link AppChannel}. */
export function setupAppHandlers(deps: {
  readonly platform: Platform
  readonly logFile: LogFile
  /** The offline engine's start-up problem in plain words, if any. */
  readonly localEngineProblem: () => string | undefined
}): ChannelHandlers<AppChannel> {
  const { platform, logFile } = deps
  return {
    'app:get-info': async () => ({
      version: platform.appVersion,
      platform: platform.osPlatform,
      logFileName: logFile.fileName,
      localEngineProblem: deps.localEngineProblem() ?? null,
    }),
    'app:reveal-log': async () => {
      platform.showItemInFolder(logFile.filePath)
    },
  }
}
