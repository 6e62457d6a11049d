/**
 * The main-process side of the invoke channels, independent of Electron: a map of handlers (one
 * per channel, supplied by the app's domains) behind one `dispatch(channel, args)` that validates
 * the argument list with the channel's zod schema (→ `ipc/bad-args`) and always answers a
 * `Result`. `ipc/handle.ts` (Electron's ipcMain) and the browser harness both call `dispatch`.
 */
import { AppError, InputError, toErrorDto } from '../errors.ts'
import type { Logger } from '../log/logger.ts'
import type { Result } from '../shared/error-codes.ts'
import { INVOKE_CHANNELS, INVOKE_CONTRACT, type EventChannel, type EventChannels, type InvokeChannel, type InvokeChannels } from './contract.ts'
import { describeZodError } from './schemas.ts'

/** The value a channel's handler resolves with (the `T` of its `Result<T>`). */
export type InvokeValue<C extends InvokeChannel> = Awaited<ReturnType<InvokeChannels[C]>> extends Result<infer T> ? T : never

/** One handler per invoke channel: the contract's arguments in, the value out; throws AppErrors for expected failures. */
export type InvokeHandlers = {
  readonly [C in InvokeChannel]: (...args: Parameters<InvokeChannels[C]>) => Promise<InvokeValue<C>>
}

/** The handlers of some channels: what one domain (files, jobs, …) supplies. */
export type ChannelHandlers<C extends InvokeChannel> = Pick<InvokeHandlers, C>

/** A main → renderer event listener. */
export type AppEventListener = <C extends EventChannel>(channel: C, payload: EventChannels[C]) => void

/** Answers invoke channels. */
export interface InvokeDispatcher {
  /** Validates args with the channel's zod schema (→ 'ipc/bad-args'), runs the handler, never throws: every outcome is a Result. */
  dispatch(channel: string, args: readonly unknown[]): Promise<Result<unknown>>
}

/** Main → renderer events. */
export interface AppEventSource {
  /** Subscribe to main→renderer events; returns the unsubscribe function. */
  onEvent(listener: AppEventListener): () => void
}

/** True when `channel` is one of the contract's invoke channels. */
export function isInvokeChannel(channel: string): channel is InvokeChannel {
  return (INVOKE_CHANNELS as readonly string[]).includes(channel)
}

/**
 * Builds `dispatch` over the handlers. `isClosed()` true answers 'internal' ("shutting down");
 * a handler's non-AppError (a bug) is logged and answered as 'internal'.
 */
export function createDispatcher(handlers: InvokeHandlers, deps: { readonly logger: Logger; readonly isClosed: () => boolean }): InvokeDispatcher['dispatch'] {
  const { logger } = deps
  return async (channel, args) => {
    if (!isInvokeChannel(channel)) return fail(new InputError('ipc/bad-args', `Unknown channel ${String(channel).slice(0, 80)}`))
    if (deps.isClosed()) return fail(new AppError('internal', 'The app is shutting down'))
    if (!Array.isArray(args)) return fail(new InputError('ipc/bad-args', `${channel}: arguments must be a list`))
    const parsed = INVOKE_CONTRACT[channel].args.safeParse(args)
    if (!parsed.success) {
      logger.warn('ipc bad arguments', { channel, issues: describeZodError(parsed.error) })
      return fail(new InputError('ipc/bad-args', `${channel}: ${describeZodError(parsed.error)}`))
    }
    try {
      const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>
      const value = await handler(...(parsed.data as unknown[]))
      return { ok: true, value: value === undefined ? undefined : value }
    } catch (err) {
      if (!(err instanceof AppError)) logger.error('handler failed', { channel, error: err })
      return fail(err)
    }
  }
}

/** A set of event listeners: `emit` calls each (a throwing listener is logged, the others still run). */
export function createEventHub(logger: Logger): AppEventSource & { emit: AppEventListener; clear(): void } {
  const listeners = new Set<AppEventListener>()
  return {
    emit(channel, payload) {
      for (const listener of [...listeners]) {
        try {
          listener(channel, payload)
        } catch (err) {
          logger.warn('event listener failed', { channel, error: err })
        }
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    clear() {
      listeners.clear()
    },
  }
}

function fail(err: unknown): Result<never> {
  return { ok: false, error: toErrorDto(err) }
}
