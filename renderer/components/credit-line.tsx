/**
 * The credits line of the batch bar: why 'Auto' stays on this computer (a saved key not checked,
 * refused or unreachable); else what the current or last PDF.co batch did cost, and the estimate of
 * what Convert would send to PDF.co now.
 */
import { describeCreditsUsed, describeEstimate } from '../../electron/shared/credits.ts'
import { selectBatchCredits, selectCreditEstimate } from '../store/credit-selectors.ts'
import { useRef } from 'react'
import { selectEngineNote, selectHasActiveJobs } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'

/**
 * One line (or nothing) about the engine and PDF.co credits. While a batch runs, the estimate it
 * started with stays (Convert cannot start another), so the bar does not move under the pointer.
 */
export function CreditLine() {
  const note = useAppStore(selectEngineNote)
  const isRunning = useAppStore((s) => s.busy.starting || selectHasActiveJobs(s))
  const current = useAppStore((s) => {
    const e = selectCreditEstimate(s)
    return e === null ? null : describeEstimate(e)
  })
  const lastEstimate = useRef<string | null>(null)
  if (current !== null || !isRunning) lastEstimate.current = current
  const estimate = current ?? (isRunning ? lastEstimate.current : null)
  const used = useAppStore((s) => {
    const c = selectBatchCredits(s)
    return c === null ? null : `This batch on PDF.co: ${describeCreditsUsed(c)}`
  })
  if (note === null && estimate === null && used === null) return null
  if (note !== null) {
    return (
      <p className="credit-line" data-kind="engine-note" role="status" title={note}>
        {note}
      </p>
    )
  }
  return (
    <p className="credit-line" data-kind={used !== null ? 'used' : 'estimate'} role="status" title={[used, estimate].filter((t) => t !== null).join(' · ')}>
      {used !== null && <span className="credits-used">{used}</span>}
      {used !== null && estimate !== null && ' · '}
      {estimate !== null && <span className="credits-estimate">{used !== null ? `Next: ${estimate.replace(/^About/u, 'about')}` : estimate}</span>}
    </p>
  )
}
