/**
 * Forwards main → renderer events (`jobs:updated`, `outputs:added`, `batch:finished`) to our
 * windows. The only `webContents.send` in the app (lint-enforced); a destroyed or
 * crashed window is skipped and logged instead of throwing (as GitHub Desktop's
 * `ipc-webcontents.ts` does).
 */
import type { AppEventSource } from './dispatcher.ts'
import type { Logger } from '../log/logger.ts'

/** The part of a WebContents used to send events. */
export interface EventTarget {
  isDestroyed(): boolean
  send(channel: string, payload: unknown): void
}

/**
 * Subscribes to the services' events and sends each to every live target; returns the unsubscribe.
 */
export function forwardEvents(
  services: AppEventSource,
  getTargets: () => readonly EventTarget[],
  logger?: Logger,
): () => void {
  return services.onEvent((channel, payload) => {
    for (const target of getTargets()) {
      if (target.isDestroyed()) continue
      try {
        target.send(channel, payload)
      } catch (err) {
        logger?.warn('cannot send event to window', { channel, error: err })
      }
    }
  })
}
