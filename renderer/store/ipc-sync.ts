/**
 * Subscribes once to main's events and writes them into the store through its actions
 * (../shared/STYLE.md, "IPC sync"). Components never listen to IPC themselves.
 */
import type { PdfAppApi } from '../../electron/ipc/contract.ts'
import { useAppStore } from './store.ts'

/**
 * Installs the event subscriptions.
 *
 * @param api `window.pdfApp` (from `api.ts`).
 * @returns a function that removes every subscription.
 */
export function installIpcSync(api: PdfAppApi): () => void {
  const unsubscribers = [
    api.onJobUpdated((job) => useAppStore.getState().upsertJob(job)),
    api.onOutputAdded((output) => {
      // A page of a file the user removed meanwhile is not shown.
      if (output.fileId in useAppStore.getState().filesById) useAppStore.getState().addOutput(output)
    }),
    api.onBatchFinished((summary) => useAppStore.getState().setBatchSummary(summary)),
  ]
  return () => {
    for (const off of unsubscribers) off()
  }
}
