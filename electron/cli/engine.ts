/**
 * The engine of a CLI run: PDF.co (key from PDFCO_API_KEY, base URL from PDFCO_BASE_URL) or the
 * offline local engine.
 */
import path from 'node:path'
import { createLocalEngine } from '../engines/local/local-engine.ts'
import { createPdfCoEngine } from '../engines/pdfco/engine.ts'
import type { ConversionEngine } from '../engines/types.ts'
import { defaultJournalDir } from '../journal/journal.ts'
import type { EngineKind } from '../shared/engine-choice.ts'
import { UsageError, type CliOptions } from './args.ts'

/** The engine for a run; the one place a new engine kind (e.g. `local`) is wired in. */
export function createEngine(kind: EngineKind, options: CliOptions, env: NodeJS.ProcessEnv): ConversionEngine {
  switch (kind) {
    case 'pdfco': {
      const apiKey = env['PDFCO_API_KEY'] ?? ''
      if (apiKey.trim() === '') {
        throw new UsageError(
          'PDFCO_API_KEY is not set. Export your PDF.co API key, e.g. PDFCO_API_KEY=... npm run convert -- file.pdf ' +
            '(or run the emulator: npm run emulator -- --port 8787 --key test-key, then PDFCO_BASE_URL=http://127.0.0.1:8787/v1 PDFCO_API_KEY=test-key)',
        )
      }
      const baseUrl = env['PDFCO_BASE_URL']
      try {
        if (baseUrl !== undefined && baseUrl !== '') new URL(baseUrl)
      } catch {
        throw new UsageError(`PDFCO_BASE_URL is not a URL: "${baseUrl}"`)
      }
      return createPdfCoEngine({
        apiKey: apiKey.trim(),
        ...(baseUrl === undefined || baseUrl === '' ? {} : { baseUrl }),
        chunkSize: options.chunkSize,
        parallelJobs: options.parallelJobs,
        jobDeadlineMs: options.jobTimeoutMs,
        // Job timings of the last run, next to the journal (its state folder).
        timingFile: path.join(path.dirname(defaultJournalDir(env)), 'pdfco-timing.json'),
      })
    }
    case 'local':
      return createLocalEngine({
        defaults: options.local,
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        // The CLI ends when the queue is idle; idle workers need not linger.
        idleTimeoutMs: 0,
      })
  }
}
