/**
 * The browser harness's wire format (JSON text frames), shared by the bridge (browser) and the
 * harness server (Node). Pure: no DOM or Node imports.
 *
 * Client → server: `{ type: 'invoke', id, channel, args }`.
 * Server → client: `{ type: 'result', id, result }` and `{ type: 'event', channel, payload }`.
 * `Uint8Array`s travel as `{ $bytes: <base64> }` (only `files:register-dropped-bytes` has them).
 */

/** A message from the page to the harness server. */
export interface InvokeMessage {
  readonly type: 'invoke'
  readonly id: number
  readonly channel: string
  readonly args: readonly unknown[]
}

/** A message from the harness server to the page. */
export type ServerMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'event'; readonly channel: string; readonly payload: unknown }

/** A file for the bridge's `window.__harness.dropFiles` test hook. */
export interface HarnessDropItem {
  readonly name: string
  /** The file's bytes, base64. */
  readonly base64: string
  /** When set, `getPathForFile` answers this path (the Electron way); else '' (bytes fallback). */
  readonly path?: string
}

const BYTES_KEY = '$bytes'

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

/** JSON.stringify that encodes every Uint8Array as `{ $bytes: base64 }`. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? { [BYTES_KEY]: toBase64(v) } : v))
}

/** JSON.parse that turns `{ $bytes: base64 }` back into a Uint8Array. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const bytes = (v as Record<string, unknown>)[BYTES_KEY]
      if (typeof bytes === 'string' && Object.keys(v).length === 1) return fromBase64(bytes)
    }
    return v
  })
}
