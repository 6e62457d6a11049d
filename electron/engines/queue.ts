/**
 * The conversion queue shared by the CLI and the desktop app: many PDFs, a bounded number
 * converting at once, each cancellable and retryable on its own.
 *
 * One failing item never stops the others: every conversion's error is caught, recorded on its
 * item and reported as events. Items are keyed by caller-chosen ids (the app uses lowercase UUIDs,
 * the CLI the file's index).
 *
 * Events: listeners of `'event'` get `(id, ConversionEvent)` for every item — the queue's own
 * `stage: queued` on enqueue, then the engine's events, and a terminal `stage` + `failed` if the
 * engine ended without reporting them. Listeners of `'settled'` get `(id, QueueItemStatus)` once
 * per run when the item is done, failed or cancelled.
 */
import pLimit, { type LimitFunction } from 'p-limit'
import { CancelledError, InputError, toErrorDto } from '../errors.ts'
import type { ConversionCheckpoint } from '../journal/progress.ts'
import type { ErrorDto } from '../shared/error-codes.ts'
import type { ConversionEngine, ConversionEvent, ConversionOutcome, ConversionRequest, ConversionStage } from './types.ts'

/** Where an item is in its life. */
export type QueueItemState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled'

/** A snapshot of one item (plain data). */
export interface QueueItemStatus {
  readonly id: string
  readonly state: QueueItemState
  readonly request: ConversionRequest
  /** Last stage reported by the engine (or the queue). */
  readonly stage: ConversionStage
  readonly pagesDone: number
  /** Pages selected, once inspected. */
  readonly pagesTotal: number | null
  readonly bytesSent: number
  readonly bytesTotal: number | null
  /** Runs started (1 after the first run, +1 per retry). */
  readonly runs: number
  readonly enqueuedAtMs: number
  readonly startedAtMs: number | null
  readonly endedAtMs: number | null
  readonly outcome: ConversionOutcome | null
  readonly error: ErrorDto | null
}

/** Options of {@link ConversionQueue}. */
export interface ConversionQueueOptions {
  /** The engine that converts item `id` (e.g. per-item engine choice); called at each run start. */
  readonly engineFor: (id: string) => ConversionEngine
  /** Conversions running at once (≥ 1). */
  readonly concurrency: number
  /**
   * The durable progress record of item `id` (`electron/journal/`), asked at each run start so a
   * retry sees what the previous run recorded; undefined = no journal for this item.
   */
  readonly checkpointFor?: (id: string) => ConversionCheckpoint | undefined
  readonly now?: () => number
}

type EventListener = (id: string, event: ConversionEvent) => void
type SettledListener = (id: string, status: QueueItemStatus) => void

interface Item {
  status: QueueItemStatus
  controller: AbortController
  /** Increases per run so late events of an old run are dropped. */
  generation: number
  sawTerminalStage: boolean
}

const TERMINAL: ReadonlySet<ConversionStage> = new Set(['done', 'failed', 'cancelled'])

/** See the module comment. */
export class ConversionQueue {
  private readonly items = new Map<string, Item>()
  private readonly limit: LimitFunction
  private readonly engineFor: (id: string) => ConversionEngine
  private readonly checkpointFor: ((id: string) => ConversionCheckpoint | undefined) | undefined
  private readonly now: () => number
  private readonly eventListeners = new Set<EventListener>()
  private readonly settledListeners = new Set<SettledListener>()
  private idleWaiters: Array<() => void> = []

  constructor(options: ConversionQueueOptions) {
    this.engineFor = options.engineFor
    this.checkpointFor = options.checkpointFor
    this.limit = pLimit(Math.max(1, Math.floor(options.concurrency)))
    this.now = options.now ?? Date.now
  }

  /** Conversions allowed at once; may be changed while running. */
  get concurrency(): number {
    return this.limit.concurrency
  }

  set concurrency(n: number) {
    this.limit.concurrency = Math.max(1, Math.floor(n))
  }

  /**
   * Adds a conversion. An id whose earlier run has ended is replaced.
   * @throws InputError 'input/invalid' when `id` is queued or running.
   */
  enqueue(id: string, request: ConversionRequest): void {
    const existing = this.items.get(id)
    if (existing !== undefined && (existing.status.state === 'queued' || existing.status.state === 'running')) {
      throw new InputError('input/invalid', `Conversion ${id} is already ${existing.status.state}`)
    }
    this.start(id, request, existing?.status.runs ?? 0, existing?.generation ?? 0)
  }

  /**
   * Runs a failed or cancelled item again with its last request, or with `request` when given.
   * @throws InputError 'input/invalid' for an unknown id or one that is queued, running or done.
   */
  retry(id: string, request?: ConversionRequest): void {
    const item = this.items.get(id)
    if (item === undefined) throw new InputError('input/invalid', `No conversion ${id}`)
    if (item.status.state !== 'failed' && item.status.state !== 'cancelled') {
      throw new InputError('input/invalid', `Conversion ${id} is ${item.status.state}; only failed or cancelled ones can be retried`)
    }
    this.start(id, request ?? item.status.request, item.status.runs, item.generation)
  }

  /** Cancels a queued or running item; returns false when there was nothing to cancel. */
  cancel(id: string): boolean {
    const item = this.items.get(id)
    if (item === undefined) return false
    const state = item.status.state
    if (state !== 'queued' && state !== 'running') return false
    item.controller.abort()
    if (state === 'queued') this.settle(item, { state: 'cancelled', error: toErrorDto(new CancelledError()) })
    return true
  }

  /** Cancels every queued and running item. */
  cancelAll(): void {
    for (const id of [...this.items.keys()]) this.cancel(id)
  }

  /** Forgets an item that has ended; returns false if unknown or still queued/running. */
  remove(id: string): boolean {
    const item = this.items.get(id)
    if (item === undefined || item.status.state === 'queued' || item.status.state === 'running') return false
    this.items.delete(id)
    return true
  }

  /** The item's current snapshot, or undefined. */
  status(id: string): QueueItemStatus | undefined {
    return this.items.get(id)?.status
  }

  /** Snapshots of every item, in enqueue order. */
  list(): QueueItemStatus[] {
    return [...this.items.values()].map((i) => i.status)
  }

  /** Subscribes; returns the unsubscribe function. */
  on(name: 'event', listener: EventListener): () => void
  on(name: 'settled', listener: SettledListener): () => void
  on(name: 'event' | 'settled', listener: EventListener | SettledListener): () => void {
    if (name === 'event') {
      const l = listener as EventListener
      this.eventListeners.add(l)
      return () => this.eventListeners.delete(l)
    }
    const l = listener as SettledListener
    this.settledListeners.add(l)
    return () => this.settledListeners.delete(l)
  }

  /** Resolves once nothing is queued or running (immediately if so already). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private isIdle(): boolean {
    for (const item of this.items.values()) {
      if (item.status.state === 'queued' || item.status.state === 'running') return false
    }
    return true
  }

  private start(id: string, request: ConversionRequest, runs: number, generation: number): void {
    const item: Item = {
      controller: new AbortController(),
      generation: generation + 1,
      sawTerminalStage: false,
      status: {
        id,
        state: 'queued',
        request,
        stage: 'queued',
        pagesDone: 0,
        pagesTotal: null,
        bytesSent: 0,
        bytesTotal: null,
        runs,
        enqueuedAtMs: this.now(),
        startedAtMs: null,
        endedAtMs: null,
        outcome: null,
        error: null,
      },
    }
    // Re-insert so list() keeps enqueue order for fresh ids and keeps position for retries.
    this.items.set(id, item)
    this.emit(item, { type: 'stage', stage: 'queued', atMs: this.now() })
    void this.limit(() => this.run(id, item))
  }

  private async run(id: string, item: Item): Promise<void> {
    if (this.items.get(id) !== item || item.status.state !== 'queued') return
    item.status = { ...item.status, state: 'running', runs: item.status.runs + 1, startedAtMs: this.now() }
    try {
      const engine = this.engineFor(id)
      const checkpoint = this.checkpointFor?.(id)
      const outcome = await engine.convert(item.status.request, {
        signal: item.controller.signal,
        onEvent: (event) => this.onEngineEvent(item, event),
        ...(checkpoint === undefined ? {} : { checkpoint }),
      })
      if (item.controller.signal.aborted) throw new CancelledError()
      if (!item.sawTerminalStage) this.emit(item, { type: 'stage', stage: 'done', atMs: this.now() })
      this.settle(item, { state: 'done', outcome })
    } catch (err) {
      const cancelled = item.controller.signal.aborted || err instanceof CancelledError
      const error = toErrorDto(cancelled ? new CancelledError() : err)
      if (!item.sawTerminalStage) {
        this.emit(item, { type: 'stage', stage: cancelled ? 'cancelled' : 'failed', atMs: this.now() })
        this.emit(item, { type: 'failed', error })
      }
      this.settle(item, { state: cancelled ? 'cancelled' : 'failed', error })
    }
  }

  private onEngineEvent(item: Item, event: ConversionEvent): void {
    if (this.items.get(item.status.id) !== item || item.status.state !== 'running') return
    this.emit(item, event)
  }

  private emit(item: Item, event: ConversionEvent): void {
    const s = item.status
    switch (event.type) {
      case 'stage':
        if (TERMINAL.has(event.stage)) item.sawTerminalStage = true
        item.status = { ...s, stage: event.stage }
        break
      case 'inspected':
        item.status = { ...s, pagesTotal: event.pagesTotal }
        break
      case 'upload-progress':
        item.status = { ...s, bytesSent: event.bytesSent, bytesTotal: event.bytesTotal }
        break
      case 'page-written':
        item.status = { ...s, pagesDone: event.pagesDone, pagesTotal: event.pagesTotal }
        break
      default:
        break
    }
    for (const listener of [...this.eventListeners]) {
      try {
        listener(s.id, event)
      } catch {
        // A listener's bug must not break the queue.
      }
    }
  }

  private settle(item: Item, result: { state: QueueItemState; outcome?: ConversionOutcome; error?: ErrorDto }): void {
    if (this.items.get(item.status.id) !== item) return
    if (item.status.state !== 'queued' && item.status.state !== 'running') return
    item.status = {
      ...item.status,
      state: result.state,
      endedAtMs: this.now(),
      outcome: result.outcome ?? null,
      error: result.error ?? null,
      ...(result.state === 'cancelled' && item.status.state === 'queued' ? { stage: 'cancelled' as const } : {}),
    }
    if (result.state === 'cancelled' && !item.sawTerminalStage && item.status.startedAtMs === null) {
      item.sawTerminalStage = true
      this.emit(item, { type: 'stage', stage: 'cancelled', atMs: this.now() })
    }
    const snapshot = item.status
    for (const listener of [...this.settledListeners]) {
      try {
        listener(snapshot.id, snapshot)
      } catch {
        // ignore listener bugs
      }
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      for (const w of waiters) w()
    }
  }
}
