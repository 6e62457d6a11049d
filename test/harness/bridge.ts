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
import { createPdfAppApi } from '../../electron/ipc/pdf-app-api.ts'
import { decodeWire, encodeWire, type HarnessDropItem, type ServerMessage } from './wire.ts'

/** Test hooks on `window.__harness`. */
export interface HarnessHooks {
  /** File name → absolute path: what `getPathForFile` answers for a dropped file of that name. */
  readonly knownPaths: Record<string, string>
  /** Resolves once the WebSocket is open. */
  readonly ready: Promise<void>
  /** Every event received, in order (channel names only), for test assertions. */
  readonly eventLog: string[]
  /** Every CSP violation the page reported (`directive blocked-uri`). */
  readonly cspViolations: string[]
  /** `data-stage` values each file card showed, by `data-file-id` (recorded from page load). */
  readonly stageHistory: Record<string, string[]>
  /** Stages main reported in `jobs:updated`, by file id (consecutive repeats folded). */
  readonly jobStages: Record<string, string[]>
  /**
   * Drags files over the window like a user: dragenter + dragover on the body, then (unless
   * `holdOverWindow`) drop. Builds real DOM `File`s in a real `DataTransfer`.
   */
  dropFiles(items: readonly HarnessDropItem[], options?: { readonly holdOverWindow?: boolean }): void
  /** Ends a held drag without dropping (dragleave). */
  cancelDrag(): void
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

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

let heldTransfer: DataTransfer | null = null
const stageHistory: Record<string, string[]> = {}

const hooks: HarnessHooks = {
  knownPaths: {},
  ready: new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true })),
  eventLog: [],
  cspViolations: [],
  stageHistory,
  jobStages: {},
  dropFiles(items, options) {
    const transfer = new DataTransfer()
    for (const item of items) {
      transfer.items.add(new File([fromBase64(item.base64)], item.name, { type: 'application/pdf' }))
      if (item.path !== undefined) hooks.knownPaths[item.name] = item.path
    }
    const fire = (type: string, data: DataTransfer) =>
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }))
    fire('dragenter', transfer)
    fire('dragover', transfer)
    if (options?.holdOverWindow === true) heldTransfer = transfer
    else fire('drop', transfer)
  },
  cancelDrag() {
    if (heldTransfer !== null) {
      document.body.dispatchEvent(new DragEvent('dragleave', { dataTransfer: heldTransfer, bubbles: true, cancelable: true }))
      heldTransfer = null
    }
  },
}

document.addEventListener('securitypolicyviolation', (e) => {
  hooks.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`)
})

/** Records each file card's `data-stage` changes (the e2e checks the order of stages). */
function recordStage(el: Element): void {
  const id = el.getAttribute('data-file-id')
  const stage = el.getAttribute('data-stage')
  if (id === null || stage === null) return
  const history = (stageHistory[id] ??= [])
  if (history[history.length - 1] !== stage) history.push(stage)
}
new MutationObserver((records) => {
  for (const r of records) {
    if (r.type === 'attributes' && r.target instanceof Element) recordStage(r.target)
    for (const node of r.addedNodes) {
      if (!(node instanceof Element)) continue
      if (node.matches('[data-file-id]')) recordStage(node)
      node.querySelectorAll('[data-file-id]').forEach(recordStage)
    }
  }
}).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'] })

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
    if (message.channel === 'jobs:updated') {
      const job = message.payload as EventChannels['jobs:updated']
      const stages = (hooks.jobStages[job.fileId] ??= [])
      if (stages[stages.length - 1] !== job.stage) stages.push(job.stage)
    }
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

const api: PdfAppApi = createPdfAppApi({ invoke, subscribe: on, getPathForFile: (file) => hooks.knownPaths[file.name] ?? '' })

window.pdfApp = api
window.__harness = hooks
