/**
 * Keeps the PDF.co API key (and the capability parts of presigned links) out of every log line,
 * error message and thrown object.
 *
 * Every client registers its key with {@link registerSecret}; {@link redact} then replaces each
 * registered secret with `[redacted]` in every form a server could echo it in: raw, URL-encoded,
 * in any letter case (so also upper- or lower-cased), reversed, hex (either case) and base64
 * (standard and URL-safe alphabets, at each of the three byte alignments it can take inside a
 * longer encoded text, see {@link encodedForms}). URL query values that are secrets by
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

/** Shortest base64 core searched for: shorter runs would blank out ordinary words. */
const MIN_BASE64_CORE = 8

/**
 * The forms of `secret` {@link redact} looks for, as regular-expression sources (literal text,
 * escaped): the secret and its URL encoding, its reverse, its UTF-8 bytes in hex, and the base64
 * characters that depend only on the secret's bytes when it sits at byte offset 0, 1 or 2 of a
 * longer base64-encoded text (RFC 4648 §4 and §5 alphabets). Letter case is ignored on match
 * except for base64, where case carries bits.
 */
export function encodedForms(secret: string): { readonly caseless: readonly string[]; readonly exact: readonly string[] } {
  const bytes = Buffer.from(secret, 'utf8')
  const caseless = new Set([secret, encodeURIComponent(secret), [...secret].reverse().join(''), bytes.toString('hex')])
  const exact = new Set<string>()
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64')
    const core = b64.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6))
    if (core.length < MIN_BASE64_CORE) continue
    exact.add(core)
    exact.add(core.replace(/\+/gu, '-').replace(/\//gu, '_'))
  }
  return { caseless: [...caseless], exact: [...exact] }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')
const patternCache = new Map<string, RegExp[]>()

function patternsFor(secret: string): RegExp[] {
  let patterns = patternCache.get(secret)
  if (patterns === undefined) {
    const forms = encodedForms(secret)
    patterns = [
      new RegExp(forms.caseless.map(escapeRegExp).join('|'), 'giu'),
      ...(forms.exact.length > 0 ? [new RegExp(forms.exact.map(escapeRegExp).join('|'), 'gu')] : []),
    ]
    if (patternCache.size > 64) patternCache.clear()
    patternCache.set(secret, patterns)
  }
  return patterns
}

/**
 * Returns `text` with every registered secret, every `extra` secret (in each form of
 * {@link encodedForms}) and every secret-named URL query value replaced by `[redacted]`.
 * Never throws.
 */
export function redact(text: string, extra: readonly string[] = []): string {
  let out = text.replace(SECRET_QUERY_KEYS, `$1${REDACTED}`)
  for (const secret of [...secrets, ...extra.filter((s) => s.length >= MIN_SECRET_LENGTH)]) {
    for (const pattern of patternsFor(secret)) out = out.replace(pattern, REDACTED)
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
