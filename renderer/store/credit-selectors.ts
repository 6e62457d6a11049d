/**
 * Credits in the window: the estimate of the batch Convert would start on PDF.co, and what the
 * current (or last) batch did cost, both from the shared rules in electron/shared/credits.ts.
 */
import { estimateCredits, summariseCredits, type CreditEstimate, type CreditSummary } from '../../electron/shared/credits.ts'
import { parsePageRange } from '../../electron/shared/page-range.ts'
import { selectEffectiveEngine, selectSubmitPlan } from './selectors.ts'
import type { AppState } from './types.ts'

/**
 * The estimate for what Convert would send to PDF.co now (pages from each file's range), or null
 * when Convert cannot start or the engine is not PDF.co.
 */
export function selectCreditEstimate(state: AppState): CreditEstimate | null {
  if (state.settings === null || selectEffectiveEngine(state) !== 'pdfco') return null
  const plan = selectSubmitPlan(state)
  if (!plan.canSubmit) return null
  const files = plan.fileIds.map((id) => {
    const file = state.filesById[id]
    if (file === undefined) return { pages: 0 }
    const parsed = parsePageRange(state.pageRangeById[id] ?? '', file.pageCount)
    return { pages: parsed.ok ? parsed.pages.length : 0 }
  })
  return estimateCredits(files, state.settings.format)
}

/** What the current or last batch's PDF.co files did cost (settled ones), or null when none reported. */
export function selectBatchCredits(state: AppState): CreditSummary | null {
  const jobs = state.batchJobIds.flatMap((id) => {
    const job = state.jobsById[id]
    return job !== undefined && job.engine === 'pdfco' ? [job] : []
  })
  return summariseCredits(jobs)
}
