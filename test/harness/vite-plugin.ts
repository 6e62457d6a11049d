/**
 * Vite plugin for the browser-harness build of the renderer (`PDF_APP_HARNESS_OUT_DIR` set).
 *
 * Adds the bridge (./bridge.ts, test code kept out of renderer/) as the first module script of index.html, so `window.pdfApp`
 * exists (backed by a WebSocket to the real main-process services) before `main.tsx` runs.
 * The CSP meta stays exactly as in the Electron build: the harness serves the page, the bridge,
 * the WebSocket and the thumbnails from one origin, so `'self'` covers them all (CSP Level 3
 * matches `ws:` of the page's own host under `'self'`).
 */
import path from 'node:path'
import type { Plugin } from 'vite'

/** The bridge, relative to renderer/index.html (Vite resolves module scripts against the page). */
const BRIDGE_SRC = path.posix.join('..', 'test', 'harness', 'bridge.ts')

/** Injects the harness bridge ahead of the app's entry. */
export function harnessBridgePlugin(): Plugin {
  return {
    name: 'pdf-app-harness-bridge',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        const entry = '<script type="module" src="./main.tsx"></script>'
        if (!html.includes(entry)) throw new Error('harness: index.html has no ./main.tsx entry script')
        return html.replace(entry, `<script type="module" src="${BRIDGE_SRC}"></script>\n    ${entry}`)
      },
    },
  }
}
