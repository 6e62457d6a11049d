/**
 * Which engine converts: the one rule both the app's services and the CLI follow. Pure.
 *
 * 'Auto' sends a batch to PDF.co only with an API key that passed the credit-balance check
 * (`GET /v1/account/credit/balance`); with no key, or a key not checked yet, refused or not
 * reachable, it stays on this computer and {@link describeEngineDecision} says why. An engine
 * chosen by name is kept as chosen.
 */

/** The conversion engines: PDF.co's Web API, or the offline local engine. */
export const ENGINE_KINDS = ['pdfco', 'local'] as const
/** One conversion engine. */
export type EngineKind = (typeof ENGINE_KINDS)[number]
/** What a user may choose: an engine, or 'auto' (see {@link chooseEngine}). */
export type EngineChoice = EngineKind | 'auto'

/**
 * Where the saved API key stands: 'none' (no key), 'unchecked' (saved, never checked against
 * PDF.co at this base URL), 'verified' (the credit balance answered), 'refused' (PDF.co answered
 * 401/403 to it), 'unreachable' (the check could not reach PDF.co or got no usable answer).
 */
export const KEY_STATUSES = ['none', 'unchecked', 'verified', 'refused', 'unreachable'] as const
/** See {@link KEY_STATUSES}. */
export type KeyStatus = (typeof KEY_STATUSES)[number]

/** Why an engine was picked (see {@link chooseEngine}). */
export type EngineReason = 'chosen' | 'auto-verified-key' | 'auto-no-key' | 'auto-key-unchecked' | 'auto-key-refused' | 'auto-key-unreachable'

/** The engine a batch uses and why. */
export interface EngineDecision {
  readonly engine: EngineKind
  readonly reason: EngineReason
}

/**
 * The engine a choice stands for: an explicit engine is kept; 'auto' (or no choice) means PDF.co
 * only when the key is 'verified', else the local engine with the reason.
 */
export function chooseEngine(choice: EngineChoice | undefined, key: KeyStatus): EngineDecision {
  if (choice !== undefined && choice !== 'auto') return { engine: choice, reason: 'chosen' }
  switch (key) {
    case 'verified':
      return { engine: 'pdfco', reason: 'auto-verified-key' }
    case 'none':
      return { engine: 'local', reason: 'auto-no-key' }
    case 'unchecked':
      return { engine: 'local', reason: 'auto-key-unchecked' }
    case 'refused':
      return { engine: 'local', reason: 'auto-key-refused' }
    case 'unreachable':
      return { engine: 'local', reason: 'auto-key-unreachable' }
  }
}

/**
 * {@link chooseEngine} for callers that hold a key given for this run only (the CLI: a key passed
 * on the command line or in the environment counts as checked by the user): 'auto' is PDF.co
 * when a key is given, else the local engine.
 */
export function resolveEngine(choice: EngineChoice | undefined, hasApiKey: boolean): EngineKind {
  return chooseEngine(choice, hasApiKey ? 'verified' : 'none').engine
}

/**
 * One line for the window saying where an 'Auto' batch runs and why (product wording), or null
 * when nothing needs saying (an engine chosen by name, or Auto on a checked key).
 */
export function describeEngineDecision(decision: EngineDecision): string | null {
  switch (decision.reason) {
    case 'chosen':
    case 'auto-verified-key':
    case 'auto-no-key':
      return null
    case 'auto-key-unchecked':
      return 'Converting on this computer: your PDF.co key has not been checked yet (Settings → API key → Check).'
    case 'auto-key-refused':
      return 'Converting on this computer: PDF.co refused the saved API key. Fix it in Settings → API key.'
    case 'auto-key-unreachable':
      return 'Converting on this computer: PDF.co could not be reached to check your API key. Check again in Settings → API key.'
  }
}

/** True when `value` names an engine. */
export function isEngineKind(value: string): value is EngineKind {
  return (ENGINE_KINDS as readonly string[]).includes(value)
}
