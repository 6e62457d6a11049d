/**
 * Registers one `ipcMain.handle` per invoke channel, all through `AppServices.dispatch`.
 *
 * Invariant: a message is handled only when it comes from the main frame of one of our windows
 * showing the app's page (see ./trusted-senders.ts); anything else is answered with
 * `ipc/forbidden` and logged. Arguments are validated by `dispatch` (zod, `ipc/bad-args`), and every
 * answer is a `Result`: `ipcMain.handle` passes only an error's message to the renderer
 * (Electron `api/ipc-main.md`), so nothing here throws.
 */
import type { InvokeDispatcher } from './dispatcher.ts'
import type { Logger } from '../log/logger.ts'
import type { Result } from '../shared/error-codes.ts'
import { INVOKE_CHANNELS } from './contract.ts'
import type { IpcEventLike, TrustedSenders } from './trusted-senders.ts'

/** The part of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

/** The answer to an untrusted sender. */
export const FORBIDDEN: Result<never> = {
  ok: false,
  error: { code: 'ipc/forbidden', message: 'This window may not call the app', retryable: false },
}

/**
 * Builds the handler one channel gets (exported for tests with fake events).
 */
export function createChannelHandler(
  channel: string,
  deps: { readonly services: InvokeDispatcher; readonly trusted: TrustedSenders; readonly logger?: Logger },
): (event: IpcEventLike, ...args: unknown[]) => Promise<Result<unknown>> {
  return async (event, ...args) => {
    if (!deps.trusted.isTrusted(event)) {
      deps.logger?.warn('ipc from untrusted sender refused', { channel, senderId: event.sender?.id, url: event.senderFrame?.url })
      return FORBIDDEN
    }
    const result = await deps.services.dispatch(channel, args)
    if (!result.ok && result.error.code !== 'cancelled') deps.logger?.info('ipc answered with an error', { channel, code: result.error.code })
    return result
  }
}

/**
 * Installs a handler for every INVOKE_CHANNELS entry; returns a function removing them.
 */
export function installIpcHandlers(
  ipcMain: IpcMainLike,
  deps: { readonly services: InvokeDispatcher; readonly trusted: TrustedSenders; readonly logger?: Logger },
): () => void {
  for (const channel of INVOKE_CHANNELS) ipcMain.handle(channel, createChannelHandler(channel, deps))
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel)
  }
}
