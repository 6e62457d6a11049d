/**
 * The window's security posture as plain data and pure functions, so the boot test and unit tests
 * can check it without Electron: webPreferences, the Content-Security-Policy, and what happens to
 * navigation and `window.open` (Electron `tutorial/security.md`: isolation, sandbox, CSP, limit
 * navigation and new windows, safe `openExternal`).
 */

/** webPreferences of every app window (the preload path is added by main.ts). */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const

/**
 * The renderer's Content-Security-Policy: nothing but our own
 * scripts and styles, images from ourselves, `pdf-thumb:` and `data:`, no network origin (only main
 * talks to PDF.co). In dev the Vite server's origin, its HMR socket and inline scripts/styles (React
 * refresh preamble, injected CSS) are added.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  const dev = devServerUrl === undefined || devServerUrl === '' ? null : new URL(devServerUrl)
  const devOrigin = dev === null ? '' : ` ${dev.origin}`
  const devSocket = dev === null ? '' : ` ${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`
  const inline = dev === null ? '' : " 'unsafe-inline'"
  return [
    "default-src 'none'",
    `script-src 'self'${inline}${devOrigin}`,
    `style-src 'self'${inline}${devOrigin}`,
    "img-src 'self' pdf-thumb: data:",
    "font-src 'self'",
    `connect-src 'self'${devOrigin}${devSocket}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * Response headers with our CSP set (any CSP header the server sent is replaced, whatever its case).
 */
export function withCspHeader(headers: Readonly<Record<string, string[] | string>> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue
    out[name] = Array.isArray(value) ? value : [value]
  }
  out['Content-Security-Policy'] = [csp]
  return out
}

/**
 * What to do with `window.open(url)` / target=_blank: always deny the new window; https links are
 * handed to the default browser.
 */
export function decideWindowOpen(url: string): { readonly action: 'deny'; readonly openExternally: boolean } {
  let isHttps: boolean
  try {
    isHttps = new URL(url).protocol === 'https:'
  } catch {
    isHttps = false
  }
  return { action: 'deny', openExternally: isHttps }
}
