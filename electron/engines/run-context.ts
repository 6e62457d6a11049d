/**
 * What every engine does at the start and the end of one `convert` call, in one place: safe event
 * emission, stage events with their time, and one abort signal that follows the caller's signal
 * and can also be fired from inside (first failure, cancel).
 *
 * Usage: `const run = openRun(options, now)`; work with `run.signal`, `run.emit`, `run.stage`;
 * on failure `throw await run.fail(err, cleanup)`; always `run.close()` in `finally`.
 */
import { AppError, CancelledError, toErrorDto } from '../errors.ts'
import type { ConversionEvent, ConversionStage, ConvertOptions } from './types.ts'

/** One running conversion's shared context. */
export interface RunContext {
  /** Aborted when the caller aborts or {@link RunContext.abort} is called. */
  readonly signal: AbortSignal
  /** `now()` when the run opened, in ms. */
  readonly startedMs: number
  readonly now: () => number
  /** Sends an event; a listener that throws is ignored (its bug must not break the conversion). */
  emit(event: ConversionEvent): void
  /** Emits `{ type: 'stage', stage, atMs: now() }`. */
  stage(stage: ConversionStage): void
  /** Aborts the run's signal (the caller's signal is left alone). */
  abort(): void
  /** True when the caller's signal aborted (a cancel, as opposed to an internal failure). */
  readonly cancelledByCaller: boolean
  /** Throws CancelledError when the run's signal is aborted. */
  throwIfAborted(): void
  /**
   * Ends a failed run: aborts in-flight work, awaits `cleanup`, emits `stage: cancelled|failed`
   * and `failed`, and returns the error to throw (CancelledError when the caller cancelled).
   */
  fail(err: unknown, cleanup?: () => Promise<unknown>): Promise<Error>
  /** Detaches from the caller's signal; call once in `finally`. */
  close(): void
}

/** Opens the run context of one `convert` call (see the module comment). */
export function openRun(options: ConvertOptions, now: () => number = Date.now): RunContext {
  const controller = new AbortController()
  const outer = options.signal
  const onOuterAbort = (): void => controller.abort()
  if (outer?.aborted === true) controller.abort()
  outer?.addEventListener('abort', onOuterAbort, { once: true })
  const onEvent = options.onEvent
  const emit = (event: ConversionEvent): void => {
    try {
      onEvent?.(event)
    } catch {
      // A listener's bug must not break the conversion.
    }
  }
  const run: RunContext = {
    signal: controller.signal,
    startedMs: now(),
    now,
    emit,
    stage: (stage) => emit({ type: 'stage', stage, atMs: now() }),
    abort: () => controller.abort(),
    get cancelledByCaller() {
      return outer?.aborted === true
    },
    throwIfAborted() {
      if (controller.signal.aborted) throw new CancelledError()
    },
    async fail(err, cleanup) {
      controller.abort()
      await cleanup?.()
      const cancelled = outer?.aborted === true || err instanceof CancelledError
      const error = cancelled ? new CancelledError() : err
      run.stage(cancelled ? 'cancelled' : 'failed')
      emit({ type: 'failed', error: toErrorDto(error) })
      return error instanceof AppError || error instanceof Error ? error : new Error(String(error))
    },
    close: () => outer?.removeEventListener('abort', onOuterAbort),
  }
  return run
}
