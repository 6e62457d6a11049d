/**
 * The `app:*` invoke channels: version and platform, and revealing the log file.
 */
import type { ChannelHandlers } from '../../ipc/dispatcher.ts'
import type { LogFile } from '../../log/logger.ts'
import type { Platform } from '../../platform/platform.ts'

/** Channels owned by this module. */
export type AppChannel = 'app:get-info' | 'app:reveal-log'

/** Handlers of {@link AppChannel}. */
export function setupAppHandlers(deps: { readonly platform: Platform; readonly logFile: LogFile }): ChannelHandlers<AppChannel> {
  const { platform, logFile } = deps
  return {
    'app:get-info': async () => ({ version: platform.appVersion, platform: platform.osPlatform, logFileName: logFile.fileName }),
    'app:reveal-log': async () => {
      platform.showItemInFolder(logFile.filePath)
    },
  }
}
