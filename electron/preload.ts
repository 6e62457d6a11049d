/**
 * Preload: the only bridge between the page and the main process.
 *
 * Invariant: the page gets `window.pdfApp` (PdfAppApi from ./ipc/contract.ts) and nothing else:
 * one method per channel, listed by hand in ./ipc/pdf-app-api.ts so the surface is greppable; no raw `ipcRenderer`, no
 * generic `invoke`/`send`; `on*` return an unsubscribe function and never pass the
 * IpcRendererEvent. Emitted as CommonJS (`dist-electron/preload.cjs`): sandboxed preloads cannot
 * load ESM and may only require `electron`.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { EventChannel, EventChannels, InvokeChannel, InvokeChannels, PdfAppApi } from './ipc/contract.ts'
import { createPdfAppApi } from './ipc/pdf-app-api.ts'

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

const api: PdfAppApi = createPdfAppApi({ invoke, subscribe, getPathForFile: (file) => webUtils.getPathForFile(file) })

contextBridge.exposeInMainWorld('pdfApp', api)
