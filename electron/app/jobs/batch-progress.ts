/**
 * The batch the user sees: the jobs running together, the taskbar progress (the one progress
 * module's batch share and mode, `shared/progress.ts`, as the window's overall bar), and the end of the batch (`batch:finished`, plus a system notification when the window
 * is not focused). A batch ends when none of its jobs is queued or running; a job retried later
 * starts a new batch.
 */
import type { EventChannels, JobId } from '../../ipc/contract.ts'
import type { Logger } from '../../log/logger.ts'
import type { Platform } from '../../platform/platform.ts'
import { batchProgress, taskbarProgress } from '../../shared/progress.ts'
import { isActive, type Batch, type Job } from './job.ts'

/** See the module comment. */
export interface BatchProgress {
  /** The batch new jobs join (created when none is running). */
  current(): Batch
  /** Drops the current batch when it has no job (a resume that added nothing). */
  dropIfEmpty(): void
  /** Sets the taskbar progress from the current batch. */
  update(): void
  /** Ends the current batch when none of its jobs is active. */
  finishIfIdle(): void
}

/** Creates the batch tracker over `jobs`. */
export function createBatchProgress(deps: {
  readonly jobs: ReadonlyMap<JobId, Job>
  readonly platform: Platform
  readonly emit: <C extends keyof EventChannels>(channel: C, payload: EventChannels[C]) => void
  readonly logger: Logger | undefined
  /** Epoch ms now (for the progress module's time left). */
  readonly now: () => number
}): BatchProgress {
  let batch: Batch | null = null
  const members = (b: Batch): Job[] => [...b.jobIds].map((id) => deps.jobs.get(id)).filter((j): j is Job => j !== undefined)
  return {
    current() {
      batch ??= { jobIds: new Set() }
      return batch
    },
    dropIfEmpty() {
      if (batch !== null && batch.jobIds.size === 0) batch = null
    },
    update() {
      if (batch === null) return
      const list = members(batch)
      if (list.length === 0) return
      const { fraction, mode } = taskbarProgress(batchProgress(list.map((j) => j.dto), deps.now()))
      deps.platform.setProgressBar(fraction, mode)
    },
    finishIfIdle() {
      if (batch === null) return
      const list = members(batch)
      if (list.some(isActive)) return
      const summary = {
        done: list.filter((j) => j.dto.stage === 'done').length,
        failed: list.filter((j) => j.dto.stage === 'failed').length,
        cancelled: list.filter((j) => j.dto.stage === 'cancelled').length,
      }
      batch = null
      deps.platform.setProgressBar(-1)
      deps.emit('batch:finished', summary)
      deps.logger?.info('batch finished', summary)
      if (!deps.platform.isWindowFocused()) notify(deps.platform, summary)
    },
  }
}

function notify(platform: Platform, summary: { done: number; failed: number; cancelled: number }): void {
  const parts = [`${summary.done} converted`]
  if (summary.failed > 0) parts.push(`${summary.failed} failed`)
  if (summary.cancelled > 0) parts.push(`${summary.cancelled} cancelled`)
  platform.showNotification({
    title: summary.failed > 0 ? 'PDF to Image: finished with errors' : 'PDF to Image: conversion finished',
    body: `${parts.join(', ')}.`,
  })
}
