/**
 * Builds `window.pdfApp` (PdfAppApi) from a transport. The surface is listed by hand so it is
 * greppable: {@link API_METHOD_CHANNELS} names the method of each invoke channel, and the few
 * methods that do more (dropped files, event subscriptions) are written out below. The Electron
 * preload passes ipcRenderer-based functions; the browser harness (test/harness/bridge.ts) passes
 * WebSocket-based ones, so both expose exactly the same surface.
 *
 * "std" world: no `electron`, `node:*` or DOM imports (the `File` type is structural here), and
 * only types from ./contract.ts, so the preload bundle holds no zod.
 */
import type { AddFilesResult, EventChannel, EventChannels, InvokeChannel, InvokeChannels, Result } from './contract.ts'
import { resolveDroppedFiles } from './dropped-files.ts'

/** The preload method of each invoke channel that maps one to one (method name → channel). */
export const API_METHOD_CHANNELS = {
  getAppInfo: 'app:get-info',
  revealLog: 'app:reveal-log',
  pickFiles: 'files:pick',
  removeFile: 'files:remove',
  unlockFile: 'files:unlock',
  pickOutputFolder: 'output:pick-folder',
  openOutputFolder: 'output:open-folder',
  openOutput: 'outputs:open',
  revealOutput: 'outputs:reveal',
  startOutputDrag: 'outputs:start-drag',
  startJobs: 'jobs:start',
  cancelJob: 'jobs:cancel',
  cancelAllJobs: 'jobs:cancel-all',
  retryJob: 'jobs:retry',
  getResumableBatch: 'jobs:get-resumable',
  resumeBatch: 'jobs:resume',
  discardResumableBatch: 'jobs:discard-resumable',
  getSettings: 'settings:get',
  updateSettings: 'settings:update',
  setApiKey: 'settings:set-api-key',
  clearApiKey: 'settings:clear-api-key',
  checkApiKey: 'settings:check-key',
} as const satisfies Readonly<Record<string, InvokeChannel>>

type MethodChannels = typeof API_METHOD_CHANNELS

/**
 * The API the preload exposes as `window.pdfApp`: one method per channel. `on*` methods return an
 * unsubscribe function.
 */
export type PdfAppApi = { readonly [M in keyof MethodChannels]: InvokeChannels[MethodChannels[M]] } & {
  /** Takes DOM `File`s; the preload resolves their paths (webUtils.getPathForFile) or falls back to bytes. */
  readonly registerDroppedFiles: (files: readonly File[]) => Promise<Result<AddFilesResult>>
  readonly onJobUpdated: (listener: (job: EventChannels['jobs:updated']) => void) => () => void
  readonly onOutputAdded: (listener: (output: EventChannels['outputs:added']) => void) => () => void
  readonly onBatchFinished: (listener: (summary: EventChannels['batch:finished']) => void) => () => void
}

/** Channels reached through {@link PdfAppApi}'s hand-written methods rather than {@link API_METHOD_CHANNELS}. */
export const CUSTOM_METHOD_CHANNELS = ['files:register-dropped', 'files:register-dropped-bytes'] as const satisfies readonly InvokeChannel[]
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
  const forwarded = Object.fromEntries(
    Object.entries(API_METHOD_CHANNELS).map(([method, channel]) => [method, (...args: unknown[]) => (invoke as (c: string, ...a: unknown[]) => unknown)(channel, ...args)]),
  ) as { [M in keyof MethodChannels]: InvokeChannels[MethodChannels[M]] }
  return {
    ...forwarded,
    registerDroppedFiles: (files) =>
      resolveDroppedFiles(files, (file) => transport.getPathForFile(file), {
        registerDropped: (paths) => invoke('files:register-dropped', paths),
        registerDroppedBytes: (dropped) => invoke('files:register-dropped-bytes', dropped),
      }),
    onJobUpdated: (listener) => subscribe('jobs:updated', listener),
    onOutputAdded: (listener) => subscribe('outputs:added', listener),
    onBatchFinished: (listener) => subscribe('batch:finished', listener),
  }
}
