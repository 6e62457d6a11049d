/**
 * The renderer's only door to the main process: `window.pdfApp`, exposed by the preload
 * (Electron) or by the browser harness's bridge (tests).
 *
 * Nothing else in the renderer reads `window.pdfApp`; components go through the store's
 * actions (`store/actions.ts`) and `store/ipc-sync.ts`. See ../shared/STYLE.md, "Typed IPC".
 */
import type { PdfAppApi } from '../electron/ipc/contract.ts'

declare global {
  interface Window {
    /** Set by `electron/preload.ts` through contextBridge, or by the harness bridge. */
    pdfApp?: PdfAppApi
  }
}

/** True when the preload (or the harness bridge) provided `window.pdfApp`. */
export function hasPdfApp(): boolean {
  return typeof window !== 'undefined' && window.pdfApp !== undefined
}

/**
 * Returns `window.pdfApp`.
 *
 * @throws Error when the preload did not run (a packaging or boot bug, not a user error).
 */
export function getPdfApp(): PdfAppApi {
  const api = window.pdfApp
  if (api === undefined) throw new Error('window.pdfApp is missing: the preload script did not run')
  return api
}
