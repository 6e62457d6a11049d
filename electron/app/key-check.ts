/**
 * Checks the saved PDF.co API key by asking for its credit balance (`GET
 * /v1/account/credit/balance` in PDF.co's API reference: it costs nothing and needs a valid key), and
 * records the outcome in the settings: a pass as the key's fingerprint (so 'Auto' may use PDF.co),
 * a failure with a specific product message shown in Settings.
 */
import { AppError } from '../errors.ts'
import type { Logger } from '../log/logger.ts'
import { createPdfCoClient } from '../pdfco/client.ts'
import type { KeyCheckOutcome, SettingsStore } from '../settings/settings-store.ts'

/** Deadline of one key check, in ms. */
export const KEY_CHECK_TIMEOUT_MS = 20_000

/**
 * Checks the current key (no-op `null` without one) and records the outcome in `settings`.
 * Never throws for PDF.co's answer: a refused or unreachable key is an outcome.
 */
export async function checkSavedKey(settings: SettingsStore, logger: Logger, timeoutMs = KEY_CHECK_TIMEOUT_MS): Promise<KeyCheckOutcome | null> {
  const apiKey = settings.getApiKey()
  if (apiKey === null) return null
  // Two attempts at most: a wrong key is said at once, a brief network blip is ridden out.
  const client = createPdfCoClient({ apiKey, baseUrl: settings.effectiveBaseUrl(), retry: { maxAttempts: 2, maxTotalMs: timeoutMs } })
  let outcome: KeyCheckOutcome
  try {
    const balance = await client.getCreditBalance({ signal: AbortSignal.timeout(timeoutMs) })
    outcome = { status: 'verified', remainingCredits: balance.remainingCredits }
  } catch (err) {
    outcome = { ...describeCheckFailure(err), error: err }
  }
  logger.info('API key checked', outcome.status === 'verified' ? { status: outcome.status, remainingCredits: outcome.remainingCredits } : { status: outcome.status })
  await settings.recordKeyCheck(outcome)
  return outcome
}

/**
 * The outcome of a failed balance call in product wording: 401 (and a 403 on this call) →
 * 'refused' ("PDF.co refused this key"), 402 → 'refused' (no credits left), anything else →
 * 'unreachable' (the key may be fine; it could not be checked).
 */
export function describeCheckFailure(err: unknown): KeyCheckOutcome & { status: 'refused' | 'unreachable' } {
  const code = err instanceof AppError ? err.code : undefined
  const httpStatus = (err as { httpStatus?: unknown } | null)?.httpStatus
  if (code === 'pdfco/unauthorized' || httpStatus === 401 || httpStatus === 403) {
    return { status: 'refused', message: 'PDF.co refused this key. Check that you pasted the whole key from your PDF.co dashboard (app.pdf.co).' }
  }
  if (code === 'pdfco/no-credits') {
    return { status: 'refused', message: 'PDF.co accepted this key, but the account has no credits left.' }
  }
  if (code === 'pdfco/timeout' || code === 'cancelled') {
    return { status: 'unreachable', message: 'PDF.co did not answer in time, so the key could not be checked. Try Check again later.' }
  }
  if (code === 'pdfco/network') {
    return { status: 'unreachable', message: 'PDF.co could not be reached (no connection?), so the key could not be checked.' }
  }
  if (code === 'pdfco/rate-limited') {
    return { status: 'unreachable', message: 'PDF.co is limiting requests right now, so the key could not be checked. Try Check again in a minute.' }
  }
  return { status: 'unreachable', message: 'PDF.co gave an unexpected answer, so the key could not be checked. Try Check again later.' }
}
