/**
 * The `files:*` invoke channels: adding source PDFs (picker, drop by path or by bytes), removing
 * one (its jobs are cancelled first) and unlocking a password-protected one.
 */
import type { ChannelHandlers } from '../../ipc/dispatcher.ts'
import type { Platform } from '../../platform/platform.ts'
import type { FileRegistry } from '../../registry/file-registry.ts'
import type { JobManager } from '../jobs.ts'

/** Channels owned by this module. */
export type FilesChannel = 'files:pick' | 'files:register-dropped' | 'files:register-dropped-bytes' | 'files:remove' | 'files:unlock'

/** Handlers of {@link FilesChannel}. */
export function setupFileHandlers(deps: {
  readonly platform: Platform
  readonly files: FileRegistry
  readonly jobs: Pick<JobManager, 'cancelForFile'>
}): ChannelHandlers<FilesChannel> {
  const { platform, files, jobs } = deps
  return {
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
  }
}
