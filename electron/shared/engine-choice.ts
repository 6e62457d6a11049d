/**
 * Which engine converts: the one rule both the app's services and the CLI follow. Pure.
 */

/** The conversion engines: PDF.co's Web API, or the offline local engine. */
export const ENGINE_KINDS = ['pdfco', 'local'] as const
/** One conversion engine. */
export type EngineKind = (typeof ENGINE_KINDS)[number]
/** What a user may choose: an engine, or 'auto' (see {@link resolveEngine}). */
export type EngineChoice = EngineKind | 'auto'

/**
 * The engine a choice stands for: 'auto' (or no choice) means PDF.co when an API key is set,
 * else the local engine; an explicit engine is kept.
 */
export function resolveEngine(choice: EngineChoice | undefined, hasApiKey: boolean): EngineKind {
  if (choice !== undefined && choice !== 'auto') return choice
  return hasApiKey ? 'pdfco' : 'local'
}

/** True when `value` names an engine. */
export function isEngineKind(value: string): value is EngineKind {
  return (ENGINE_KINDS as readonly string[]).includes(value)
}
