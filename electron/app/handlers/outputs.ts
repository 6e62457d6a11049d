/**
 * The output folder (`output:*`) and written images (`outputs:*`) invoke channels: choosing and
 * opening the folder, opening or revealing one image by id.
 */
import { mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { FileError, InputError } from '../../errors.ts'
import type { ChannelHandlers } from '../../ipc/dispatcher.ts'
import type { Platform } from '../../platform/platform.ts'
import type { OutputRegistry } from '../../registry/output-registry.ts'
import type { SettingsStore } from '../../settings/settings-store.ts'

/** Channels owned by this module. */
export type OutputsChannel = 'output:pick-folder' | 'output:open-folder' | 'outputs:open' | 'outputs:reveal'

/** Handlers of {@link OutputsChannel}; `outputDir()` is the folder conversions write to now (absolute). */
export function setupOutputHandlers(deps: {
  readonly platform: Platform
  readonly outputs: OutputRegistry
  readonly settings: Pick<SettingsStore, 'setOutputDir'>
  readonly outputDir: () => string
}): ChannelHandlers<OutputsChannel> {
  const { platform, outputs, settings, outputDir } = deps
  return {
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
  }
}

/** @throws FileError 'file/not-found' when the path no longer exists (moved or deleted since). */
async function existingPath(absolutePath: string, what: string): Promise<string> {
  const info = await stat(absolutePath).catch(() => null)
  if (info === null) throw new FileError('file/not-found', `${what} ${path.basename(absolutePath)} no longer exists`)
  return absolutePath
}
