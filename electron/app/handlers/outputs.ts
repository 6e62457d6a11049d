/**
 * The output folder (`output:*`) and written images (`outputs:*`) invoke channels: choosing and
 * opening the folder, opening, revealing or dragging out one image by id (never a path).
 */
import { randomUUID } from 'node:crypto'
import { rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { FileError, InputError } from '../../errors.ts'
import type { ChannelHandlers } from '../../ipc/dispatcher.ts'
import type { Platform } from '../../platform/platform.ts'
import type { OutputRegistry } from '../../registry/output-registry.ts'
import type { SettingsStore } from '../../settings/settings-store.ts'
import { createOutputFolder, createOutputFolderForWindow } from '../../files/output-folder.ts'

/** Channels owned by this module. */
export type OutputsChannel = 'output:pick-folder' | 'output:open-folder' | 'outputs:open' | 'outputs:reveal' | 'outputs:start-drag'

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
      await assertWritableFolder(folder)
      await settings.setOutputDir(folder)
      return { folderName: path.basename(folder) || folder }
    },
    'output:open-folder': async () => {
      const dir = outputDir()
      await createOutputFolderForWindow(dir)
      await platform.openPath(dir)
    },
    'outputs:open': async (outputId) => {
      await platform.openPath(await existingPath(outputs.require(outputId).path, 'The image'))
    },
    'outputs:reveal': async (outputId) => {
      platform.showItemInFolder(await existingPath(outputs.require(outputId).path, 'The image'))
    },
    'outputs:start-drag': async (outputId) => {
      const file = await existingPath(outputs.require(outputId).path, 'The image')
      platform.startFileDrag({ absolutePath: file, iconPng: await dragIcon(file) })
    },
  }
}

/**
 * Proves that images can be written in `folder` now: creates it when missing (as a conversion
 * would), then creates a probe file there (exclusive create) and removes it, so a refusal is said
 * when the folder is chosen, not when the first page fails.
 *
 * @throws FileError 'file/write-failed' naming the folder (its name only) and the reason
 *   (permission, read-only disk, not a folder); 'file/no-space' when the disk is full. The probe
 *   never stays behind.
 */
export async function assertWritableFolder(folder: string): Promise<void> {
  const name = path.basename(folder) || folder
  const probe = path.join(folder, `.pdf-to-image-write-check-${randomUUID()}.tmp`)
  try {
    await createOutputFolder(folder)
    await writeFile(probe, '', { flag: 'wx' })
  } catch (err) {
    if (err instanceof FileError) throw err
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new FileError('file/no-space', `The disk of the folder “${name}” is full`, { cause: err })
    throw new FileError('file/write-failed', `Cannot write in the folder “${name}” (${probeFailure(code)}): choose another folder`, { cause: err })
  }
  await rm(probe, { force: true })
}

/** Why a folder refused the probe, in a few words. */
function probeFailure(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EROFS':
      return 'the disk is read-only'
    case 'EEXIST':
    case 'ENOTDIR':
      return 'it is not a folder'
    default:
      return code ?? 'unknown error'
  }
}

/** @throws FileError 'file/not-found' when the path no longer exists (moved or deleted since). */
async function existingPath(absolutePath: string, what: string): Promise<string> {
  const info = await stat(absolutePath).catch(() => null)
  if (info === null) throw new FileError('file/not-found', `${what} ${path.basename(absolutePath)} no longer exists`)
  return absolutePath
}

/** Long side, in px, of the picture under the pointer while an image is dragged out. */
export const DRAG_ICON_PX = 64

/** A small PNG of the image's first page for the drag; a plain grey tile when it cannot be read. */
async function dragIcon(file: string): Promise<Uint8Array> {
  try {
    return await sharp(file, { page: 0 }).resize(DRAG_ICON_PX, DRAG_ICON_PX, { fit: 'inside' }).png().toBuffer()
  } catch {
    return sharp({ create: { width: DRAG_ICON_PX, height: DRAG_ICON_PX, channels: 3, background: '#9aa0a6' } }).png().toBuffer()
  }
}
