/**
 * Preload: the only bridge between the page and the main process.
 *
 * Invariant: the page gets `window.pdfApp` (PdfAppApi from ./ipc/contract.ts) and nothing else:
 * one method per channel, listed by hand so the surface is greppable; no raw `ipcRenderer`, no
 * generic `invoke`/`send`; `on*` return an unsubscribe function and never pass the
 * IpcRendererEvent. Emitted as CommonJS (`dist-electron/preload.cjs`): sandboxed preloads cannot
 * load ESM and may only require `electron`.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { EventChannel, EventChannels, InvokeChannel, InvokeChannels, PdfAppApi } from './ipc/contract.ts'
import { resolveDroppedFiles } from './ipc/dropped-files.ts'

function invoke<C extends InvokeChannel>(channel: C, ...args: Parameters<InvokeChannels[C]>): ReturnType<InvokeChannels[C]> {
  return ipcRenderer.invoke(channel, ...args) as ReturnType<InvokeChannels[C]>
}

function subscribe<C extends EventChannel>(channel: C, listener: (payload: EventChannels[C]) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: EventChannels[C]): void => listener(payload)
  ipcRenderer.on(channel, wrapped)
  return () => {
    ipcRenderer.removeListener(channel, wrapped)
  }
}

const api: PdfAppApi = {
  getAppInfo: () => invoke('app:get-info'),
  revealLog: () => invoke('app:reveal-log'),
  pickFiles: () => invoke('files:pick'),
  registerDroppedFiles: (files) =>
    resolveDroppedFiles(files, (file) => webUtils.getPathForFile(file), {
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

contextBridge.exposeInMainWorld('pdfApp', api)
