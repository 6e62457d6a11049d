/**
 * Builds `window.pdfApp` (PdfAppApi) from a transport: one method per channel, listed by hand so
 * the surface is greppable (STYLE.md, Typed IPC). The Electron preload passes ipcRenderer-based
 * functions; the browser harness (renderer/harness/bridge.ts) passes WebSocket-based ones, so
 * both expose exactly the same surface.
 *
 * "std" world: no `electron`, `node:*` or DOM imports (the `File` type is structural here).
 */
import type { EventChannel, EventChannels, InvokeChannel, InvokeChannels, PdfAppApi } from './contract.ts'
import { resolveDroppedFiles } from './dropped-files.ts'

/** How calls and events travel; the preload and the harness each supply one. */
export interface PdfAppTransport {
  /** Sends an invoke channel's arguments and resolves with main's `Result`. */
  invoke<C extends InvokeChannel>(channel: C, ...args: Parameters<InvokeChannels[C]>): ReturnType<InvokeChannels[C]>
  /** Subscribes to an event channel; returns the unsubscribe function. */
  subscribe<C extends EventChannel>(channel: C, listener: (payload: EventChannels[C]) => void): () => void
  /** Filesystem path of a dropped file, or '' when it has none (then its bytes are sent). */
  getPathForFile(file: File): string
}

/** The API object exposed to the page as `window.pdfApp`. */
export function createPdfAppApi(transport: PdfAppTransport): PdfAppApi {
  const { invoke, subscribe } = transport
  return {
    getAppInfo: () => invoke('app:get-info'),
    revealLog: () => invoke('app:reveal-log'),
    pickFiles: () => invoke('files:pick'),
    registerDroppedFiles: (files) =>
      resolveDroppedFiles(files, (file) => transport.getPathForFile(file), {
        registerDropped: (paths) => invoke('files:register-dropped', paths),
        registerDroppedBytes: (dropped) => invoke('files:register-dropped-bytes', dropped),
      }),
    removeFile: (fileId) => invoke('files:remove', fileId),
    unlockFile: (fileId, password) => invoke('files:unlock', fileId, password),
    pickOutputFolder: () => invoke('output:pick-folder'),
    openOutputFolder: () => invoke('output:open-folder'),
    openOutput: (outputId) => invoke('outputs:open', outputId),
    revealOutput: (outputId) => invoke('outputs:reveal', outputId),
    startJobs: (request) => invoke('jobs:start', request),
    cancelJob: (jobId) => invoke('jobs:cancel', jobId),
    cancelAllJobs: () => invoke('jobs:cancel-all'),
    retryJob: (jobId) => invoke('jobs:retry', jobId),
    getResumableBatch: () => invoke('jobs:get-resumable'),
    resumeBatch: (batchId) => invoke('jobs:resume', batchId),
    discardResumableBatch: (batchId) => invoke('jobs:discard-resumable', batchId),
    getSettings: () => invoke('settings:get'),
    updateSettings: (patch) => invoke('settings:update', patch),
    setApiKey: (apiKey) => invoke('settings:set-api-key', apiKey),
    clearApiKey: () => invoke('settings:clear-api-key'),
    checkApiKey: () => invoke('settings:check-key'),
    onJobUpdated: (listener) => subscribe('jobs:updated', listener),
    onOutputAdded: (listener) => subscribe('outputs:added', listener),
    onBatchFinished: (listener) => subscribe('batch:finished', listener),
  }
}
