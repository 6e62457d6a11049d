/**
 * Actions of the "resume an interrupted conversion" banner: ask main whether the last
 * session crashed or quit mid-batch, resume it, or forget it. Like `actions.ts`, they call main
 * through `api.ts` and write answers into the store; failures become notices.
 */
import type { ResumableBatchDto } from '../../electron/ipc/contract.ts'
import { getPdfApp } from '../api.ts'
import { errorText } from '../lib/error-text.ts'
import { useAppStore } from './store.ts'

const store = useAppStore

/** The interrupted batch main found at start-up, or null. */
export async function findResumableBatch(): Promise<ResumableBatchDto | null> {
  const result = await getPdfApp().getResumableBatch()
  return result.ok ? (result.value ?? null) : null
}

/**
 * Resumes a batch: its files come back into the list (those it could not resume are listed with
 * their reason, like refused drops) and its jobs join the current batch. True when it started.
 */
export async function resumeBatch(batchId: string): Promise<boolean> {
  const result = await getPdfApp().resumeBatch(batchId)
  const s = store.getState()
  if (!result.ok) {
    s.pushNotice('error', errorText(result.error))
    return false
  }
  s.applyAddFilesResult({ added: result.value.added, rejected: result.value.skipped, skippedInFolders: [] })
  if (result.value.jobs.length > 0) s.startBatch(result.value.jobs)
  return true
}

/** Forgets a batch (its images on disk stay). */
export async function discardResumableBatch(batchId: string): Promise<void> {
  const result = await getPdfApp().discardResumableBatch(batchId)
  if (!result.ok) store.getState().pushNotice('error', errorText(result.error))
}
