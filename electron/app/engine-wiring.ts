/**
 * The app's engines: a PDF.co engine per job (key and base URL from the settings at that moment)
 * and one local engine for the app's life (it owns the render worker threads, started on first use
 * and ended when idle; render options travel with each job from the settings).
 */
import { createLocalEngine, type LocalEngine, type LocalEngineOptions } from '../engines/local/local-engine.ts'
import type { LocalRenderOptions } from '../engines/local/options.ts'
import { createPdfCoEngine, type PdfCoEngineOptions } from '../engines/pdfco/engine.ts'
import type { ConversionEngine } from '../engines/types.ts'
import type { SettingsStore } from '../settings/settings-store.ts'
import { chooseEngine, type EngineDecision, type EngineKind } from '../shared/engine-choice.ts'
import { missingKeyError } from './jobs.ts'

/** Engine overrides given to {@link createEngineWiring}. */
export interface EngineWiringOptions {
  /** PDF.co engine overrides (tests: a short poll schedule). */
  readonly pdfcoEngineOptions?: Partial<Omit<PdfCoEngineOptions, 'apiKey' | 'baseUrl' | 'client'>>
  /** Local engine overrides (workers, worker script of a bundled build, …); render options come from the settings. */
  readonly localEngineOptions?: Omit<LocalEngineOptions, 'defaults'>
}

/** What the job manager needs to pick and build engines, and `close()` for the local engine's threads. */
export interface EngineWiring {
  /** @throws PdfCoError 'pdfco/unauthorized' (missing key) for 'pdfco' without an API key. */
  createEngine(kind: EngineKind): ConversionEngine
  /** The engine of a job that names none: the settings' choice, 'auto' by the shared rule. */
  defaultEngine(): EngineKind
  /** {@link defaultEngine} with its reason (e.g. Auto stayed local: the key is not verified). */
  engineDecision(): EngineDecision
  /** The local engine's render options from the settings, read once per job. */
  localOptions(): LocalRenderOptions
  /** The one local engine: its workers also count pages and draw the page picker's thumbnails. */
  readonly localEngine: LocalEngine
  close(): Promise<void>
}

/** Builds the wiring over the settings store. */
export function createEngineWiring(settings: SettingsStore, options: EngineWiringOptions): EngineWiring {
  const localEngine = createLocalEngine({ ...options.localEngineOptions })
  return {
    localEngine,
    createEngine(kind) {
      switch (kind) {
        case 'pdfco': {
          const apiKey = settings.getApiKey()
          if (apiKey === null) throw missingKeyError()
          return createPdfCoEngine({ ...options.pdfcoEngineOptions, apiKey, baseUrl: settings.effectiveBaseUrl() })
        }
        case 'local':
          return localEngine
      }
    },
    defaultEngine: () => chooseEngine(settings.get().engine, settings.keyStatus()).engine,
    engineDecision: () => chooseEngine(settings.get().engine, settings.keyStatus()),
    localOptions() {
      const s = settings.get()
      return { dpi: s.localDpi, quality: s.localQuality, color: s.localColor }
    },
    close: () => localEngine.close(),
  }
}
