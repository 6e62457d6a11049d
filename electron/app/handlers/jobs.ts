/**
 * The `jobs:*` invoke channels: start, cancel, retry, and the interrupted batch (get, resume,
 * discard). The job manager (../jobs.ts) does the work.
 */
import type { ChannelHandlers } from '../../ipc/dispatcher.ts'
import type { JobManager } from '../jobs.ts'

/** Channels owned by this module. */
export type JobsChannel =
  | 'jobs:start'
  | 'jobs:cancel'
  | 'jobs:cancel-all'
  | 'jobs:retry'
  | 'jobs:get-resumable'
  | 'jobs:resume'
  | 'jobs:discard-resumable'

/** Handlers of {@link JobsChannel}; new jobs write to `outputDir()` (absolute). */
export function setupJobHandlers(deps: { readonly jobs: JobManager; readonly outputDir: () => string }): ChannelHandlers<JobsChannel> {
  const { jobs, outputDir } = deps
  return {
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
  }
}
