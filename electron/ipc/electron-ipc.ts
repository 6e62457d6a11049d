/**
 * Joins the invoke handlers and main → renderer events to Electron's own IPC objects. The only
 * module besides the preload that touches `ipcMain`; the logic it wires (./handle.ts, ./events.ts)
 * runs in plain Node for tests.
 */
import { ipcMain } from 'electron'
import type { Logger } from '../log/logger.ts'
import type { AppEventSource, InvokeDispatcher } from './dispatcher.ts'
import { forwardEvents, type EventTarget } from './events.ts'
import { installIpcHandlers, type IpcMainLike } from './handle.ts'
import type { TrustedSenders } from './trusted-senders.ts'

/**
 * Handles every invoke channel through `services.dispatch` (trusted senders only) and forwards
 * the services' events to the live targets; returns a function undoing both.
 */
export function installElectronIpc(deps: {
  readonly services: InvokeDispatcher & AppEventSource
  readonly trusted: TrustedSenders
  readonly getTargets: () => readonly EventTarget[]
  readonly logger?: Logger
}): () => void {
  const { services, trusted, logger } = deps
  const removeHandlers = installIpcHandlers(ipcMain as unknown as IpcMainLike, { services, trusted, ...(logger === undefined ? {} : { logger }) })
  const stopEvents = forwardEvents(services, deps.getTargets, logger)
  return () => {
    removeHandlers()
    stopEvents()
  }
}
