/**
 * Removes secrets from log lines: electron/pdfco/redact.ts's {@link redact} (registered secrets, secret-named URL
 * query values) plus header- and JSON-style key assignments (`x-api-key: …`, `"apiKey":"…"`), so a
 * key the app no longer holds (e.g. just replaced) still does not leak.
 */
import { redact, REDACTED } from '../pdfco/redact.ts'

const KEY_ASSIGNMENTS: readonly RegExp[] = [
  /(x-api-key["']?\s*[:=]\s*["']?)([^\s"'&,;}\]]+)/giu,
  /(["']?api_?key["']?\s*[:=]\s*["']?)([^\s"'&,;}\]]+)/giu,
]

export { REDACTED }

/**
 * Returns `text` with every known secret (≥ 4 chars, raw or URL-encoded), every registered one and
 * every key-looking assignment replaced by {@link REDACTED}. Never throws.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = redact(text, secrets)
  for (const pattern of KEY_ASSIGNMENTS) out = out.replace(pattern, (_m, prefix: string) => `${prefix}${REDACTED}`)
  return out
}
