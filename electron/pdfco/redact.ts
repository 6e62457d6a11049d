/**
 * Keeps the PDF.co API key (and the capability parts of presigned links) out of every log line,
 * error message and thrown object (issue 2 §2).
 *
 * Every client registers its key with {@link registerSecret}; {@link redact} then replaces each
 * registered secret (raw and URL-encoded) with `[redacted]`. URL query values that are secrets by
 * name (`x-api-key`, `X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`) are redacted
 * too, whatever their value. Errors built by the client never hold request headers or the
 * original transport error (only a redacted copy of its message and its `code`).
 */

/** Placeholder written instead of a secret. */
export const REDACTED = '[redacted]'

const secrets = new Set<string>()

/** Secrets shorter than this are not registered (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 4

/** Adds a secret (e.g. an API key) that {@link redact} removes from now on. */
export function registerSecret(secret: string): void {
  if (secret.length >= MIN_SECRET_LENGTH) secrets.add(secret)
}

const SECRET_QUERY_KEYS = /([?&](?:x-api-key|apikey|api_key|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\s"']*/giu
const SECRET_HEADER_NAMES = new Set(['x-api-key', 'authorization', 'cookie', 'proxy-authorization'])

/**
 * Returns `text` with every registered secret, every `extra` secret and every secret-named URL
 * query value replaced by `[redacted]`. Never throws.
 */
export function redact(text: string, extra: readonly string[] = []): string {
  let out = text.replace(SECRET_QUERY_KEYS, `$1${REDACTED}`)
  for (const secret of [...secrets, ...extra.filter((s) => s.length >= MIN_SECRET_LENGTH)]) {
    out = out.split(secret).join(REDACTED)
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) out = out.split(encoded).join(REDACTED)
  }
  return out
}

/** A URL for logs and messages: secret query values redacted (see {@link redact}). */
export function redactUrl(url: string | URL, extra: readonly string[] = []): string {
  return redact(String(url), extra)
}

/** Headers for logs: `x-api-key`, `authorization`, cookies replaced by `[redacted]`. */
export function redactHeaders(headers: Readonly<Record<string, string | number | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name] = SECRET_HEADER_NAMES.has(name.toLowerCase()) ? REDACTED : redact(String(value))
  }
  return out
}
