/**
 * A scriptable in-memory `PdfAppApi` for renderer unit tests (jsdom): records calls, answers
 * from per-method overrides, and lets a test emit main's events.
 */
import type { EventChannels, PdfAppApi } from '../../../electron/ipc/contract.ts'

const NO_FILES = { added: [], rejected: [], skippedInFolders: [] }
const DEFAULT_VALUES: Record<string, unknown> = {
  pickFiles: NO_FILES,
  registerDroppedFiles: NO_FILES,
  startJobs: [],
  pickOutputFolder: null,
}

type Listener<C extends keyof EventChannels> = (payload: EventChannels[C]) => void

/** The fake plus its controls. */
export interface FakeApi {
  readonly api: PdfAppApi
  readonly calls: { readonly method: keyof PdfAppApi; readonly args: readonly unknown[] }[]
  emit<C extends keyof EventChannels>(channel: C, payload: EventChannels[C]): void
  listenerCount(): number
}

/**
 * Creates a fake whose every invoke answers `ok` with an empty value (see DEFAULT_VALUES) unless overridden.
 *
 * @param overrides methods to replace (their calls are still recorded).
 */
export function createFakeApi(overrides: Partial<PdfAppApi> = {}): FakeApi {
  const calls: FakeApi['calls'] = []
  const listeners: { [C in keyof EventChannels]: Set<Listener<C>> } = {
    'jobs:updated': new Set(),
    'outputs:added': new Set(),
    'batch:finished': new Set(),
  }
  const subscribe =
    <C extends keyof EventChannels>(channel: C) =>
    (listener: Listener<C>) => {
      listeners[channel].add(listener)
      return () => void listeners[channel].delete(listener)
    }
  const base: Record<string, unknown> = {
    onJobUpdated: subscribe('jobs:updated'),
    onOutputAdded: subscribe('outputs:added'),
    onBatchFinished: subscribe('batch:finished'),
  }
  const api = new Proxy(base, {
    get(target, prop: string) {
      if (prop in target) return target[prop]
      return (...args: unknown[]) => {
        calls.push({ method: prop as keyof PdfAppApi, args })
        const override = (overrides as Record<string, ((...a: unknown[]) => unknown) | undefined>)[prop]
        if (override !== undefined) return override(...args)
        return Promise.resolve({ ok: true, value: DEFAULT_VALUES[prop] })
      }
    },
  }) as unknown as PdfAppApi
  return {
    api,
    calls,
    emit(channel, payload) {
      for (const l of listeners[channel]) (l as Listener<typeof channel>)(payload)
    },
    listenerCount: () => Object.values(listeners).reduce((n, s) => n + s.size, 0),
  }
}
