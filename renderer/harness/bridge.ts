/**
 * Browser-harness bridge (harness builds only; never part of the Electron renderer build).
 *
 * Defines `window.pdfApp` before the app starts, implementing the same `PdfAppApi` the Electron
 * preload exposes, one method per channel, over a WebSocket to the real main-process services
 * running in Node (`test/harness/server.ts`). Dropped files go through the preload's own logic
 * (`resolveDroppedFiles`): a file whose name a test registered in `window.__harness.knownPaths`
 * resolves to that path (like `webUtils.getPathForFile`); any other file resolves to '' and is
 * sent as bytes (the fallback).
 */
import type { EventChannels, InvokeChannels, PdfAppApi, Result } from '../../electron/ipc/contract.ts'
import { resolveDroppedFiles } from '../../electron/ipc/dropped-files.ts'
import { decodeWire, encodeWire, type ServerMessage } from './wire.ts'

/** Test hooks on `window.__harness`. */
export interface HarnessHooks {
  /** File name → absolute path: what `getPathForFile` answers for a dropped file of that name. */
  readonly knownPaths: Record<string, string>
  /** Resolves once the WebSocket is open. */
  readonly ready: Promise<void>
  /** Every event received, in order (channel names only), for test assertions. */
  readonly eventLog: string[]
}

declare global {
  interface Window {
    __harness?: HarnessHooks
  }
}

type Listener = (payload: unknown) => void

const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ipc`)
const pending = new Map<number, (result: Result<unknown>) => void>()
const listeners = new Map<string, Set<Listener>>()
const outbox: string[] = []
let nextId = 1

const hooks: HarnessHooks = {
  knownPaths: {},
  ready: new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true })),
  eventLog: [],
}

socket.addEventListener('open', () => {
  for (const frame of outbox.splice(0)) socket.send(frame)
})
socket.addEventListener('message', (event: MessageEvent<string>) => {
  const message = decodeWire(event.data) as ServerMessage
  if (message.type === 'result') {
    pending.get(message.id)?.(message.result as Result<unknown>)
    pending.delete(message.id)
  } else {
    hooks.eventLog.push(message.channel)
    for (const listener of listeners.get(message.channel) ?? []) listener(message.payload)
  }
})
socket.addEventListener('close', () => {
  for (const resolve of pending.values()) {
    resolve({ ok: false, error: { code: 'internal', message: 'The harness connection closed', retryable: true } })
  }
  pending.clear()
})

function invoke<C extends keyof InvokeChannels>(channel: C, ...args: Parameters<InvokeChannels[C]>): ReturnType<InvokeChannels[C]> {
  const id = nextId++
  const frame = encodeWire({ type: 'invoke', id, channel, args })
  const answer = new Promise<Result<unknown>>((resolve) => pending.set(id, resolve))
  if (socket.readyState === WebSocket.OPEN) socket.send(frame)
  else outbox.push(frame)
  return answer as ReturnType<InvokeChannels[C]>
}

function on<C extends keyof EventChannels>(channel: C, listener: (payload: EventChannels[C]) => void): () => void {
  const set = listeners.get(channel) ?? new Set<Listener>()
  listeners.set(channel, set)
  const wrapped: Listener = (payload) => listener(payload as EventChannels[C])
  set.add(wrapped)
  return () => void set.delete(wrapped)
}

const api: PdfAppApi = {
  getAppInfo: () => invoke('app:get-info'),
  revealLog: () => invoke('app:reveal-log'),
  pickFiles: () => invoke('files:pick'),
  registerDroppedFiles: (files) =>
    resolveDroppedFiles(files, (file) => hooks.knownPaths[file.name] ?? '', {
      registerDropped: (paths) => invoke('files:register-dropped', paths),
      registerDroppedBytes: (items) => invoke('files:register-dropped-bytes', items),
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
  getSettings: () => invoke('settings:get'),
  updateSettings: (patch) => invoke('settings:update', patch),
  setApiKey: (apiKey) => invoke('settings:set-api-key', apiKey),
  clearApiKey: () => invoke('settings:clear-api-key'),
  checkApiKey: () => invoke('settings:check-key'),
  onJobUpdated: (listener) => on('jobs:updated', listener),
  onOutputAdded: (listener) => on('outputs:added', listener),
  onBatchFinished: (listener) => on('batch:finished', listener),
}

window.pdfApp = api
window.__harness = hooks
