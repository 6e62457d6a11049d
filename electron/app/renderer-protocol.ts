/**
 * Serves the built renderer (`dist/`) from the privileged `app://bundle/` scheme instead of
 * `file://`, so the packaged app can turn off the `grantFileProtocolExtraPrivileges` fuse
 * (Electron security checklist #18, "Avoid usage of the file:// protocol and prefer usage of
 * custom protocols").
 *
 * Invariant: only regular files under `rootDir` are served. The URL path is decoded once and split
 * into segments; empty, `.`, `..`, or segments holding `\`, `:` or NUL are a 404, and the joined
 * path must stay under `rootDir`. Every response carries the app's CSP (the header is how a custom
 * scheme gets one) and `nosniff`; only known content types are served.
 */
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'

/** The renderer's origin in the packaged app. */
export const RENDERER_ORIGIN = 'app://bundle'
/** The scheme serving the renderer. */
export const RENDERER_SCHEME = 'app'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Maps an `app://bundle/...` URL to a file path under `rootDir`, or null (→ 404). Pure.
 */
export function rendererFilePath(url: string, rootDir: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (`${parsed.protocol}//${parsed.host}` !== RENDERER_ORIGIN) return null
  const rawPath = parsed.pathname === '/' ? '/index.html' : parsed.pathname
  const segments = rawPath.split('/').slice(1)
  const decoded: string[] = []
  for (const segment of segments) {
    let value: string
    try {
      value = decodeURIComponent(segment)
    } catch {
      return null
    }
    if (value === '' || value === '.' || value === '..' || /[\\:\0/]/u.test(value)) return null
    decoded.push(value)
  }
  const root = path.resolve(rootDir)
  const full = path.join(root, ...decoded)
  if (!full.startsWith(root + path.sep)) return null
  return full
}

/**
 * Creates the `app:` protocol handler serving `rootDir` with the CSP `csp`.
 */
export function createRendererProtocolHandler(options: { readonly rootDir: string; readonly csp: string }): (request: Request) => Promise<Response> {
  const headers = (contentType: string): Record<string, string> => ({
    'content-type': contentType,
    'content-security-policy': options.csp,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  })
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: headers('text/plain; charset=utf-8') })
    const file = rendererFilePath(request.url, options.rootDir)
    const contentType = file === null ? undefined : CONTENT_TYPES[path.extname(file).toLowerCase()]
    if (file === null || contentType === undefined) return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') })
    const info = await stat(file).catch(() => null)
    if (info === null || !info.isFile()) return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') })
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(file))
    return new Response(body, { status: 200, headers: headers(contentType) })
  }
}
