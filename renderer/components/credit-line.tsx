/**
 * The credits line of the batch bar: why 'Auto' stays on this computer (a saved key not checked,
 * refused or unreachable), else the estimate before a PDF.co batch, else what the batch did cost.
 */
import { describeCreditsUsed, describeEstimate } from '../../electron/shared/credits.ts'
import { selectBatchCredits, selectCreditEstimate } from '../store/credit-selectors.ts'
import { selectEngineNote } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'

/** One line (or nothing) about the engine and PDF.co credits. */
export function CreditLine() {
  const note = useAppStore(selectEngineNote)
  const estimate = useAppStore((s) => {
    const e = selectCreditEstimate(s)
    return e === null ? null : describeEstimate(e)
  })
  const used = useAppStore((s) => {
    const c = selectBatchCredits(s)
    return c === null ? null : `This batch on PDF.co: ${describeCreditsUsed(c)}`
  })
  const text = note ?? estimate ?? used
  if (text === null) return null
  const kind = note !== null ? 'engine-note' : estimate !== null ? 'estimate' : 'used'
  return (
    <p className="credit-line" data-kind={kind} role="status">
      {text}
    </p>
  )
}
