/**
 * The overall progress of the batch in the batch bar: one bar whose segments show finished work,
 * pages lost to failures and pages given up by cancelling apart, a status line (pages, outcomes,
 * time left) from the one progress module with Cancel all while files convert, and Convert's
 * reason when it cannot run. Its space is
 * always reserved, so nothing moves when a conversion starts.
 */
import { useShallow } from 'zustand/react/shallow'
import { useNow } from '../lib/use-now.ts'
import { cancelAllJobs } from '../store/actions.ts'
import { selectOverallProgress } from '../store/progress-selectors.ts'
import { selectHasActiveJobs } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'

const pct = (ratio: number): string => `${(ratio * 100).toFixed(2)}%`

/** The bar, status line and Convert's reason; `reasonId` labels the reason for Convert. */
export function BatchProgress({ reason, reasonId }: { readonly reason: string | null; readonly reasonId: string }) {
  const hasActive = useAppStore(selectHasActiveJobs)
  const now = useNow(hasActive)
  const p = useAppStore(useShallow((s) => selectOverallProgress(s, now)))
  const hasBatch = p.total > 0
  const valueText = `${p.percent}% done${p.failed > 0 ? `, ${p.failed} failed` : ''}${p.cancelled > 0 ? `, ${p.cancelled} cancelled` : ''}`
  return (
    <div className="batch-progress" role="region" aria-label="Overall progress" tabIndex={-1}>
      <div
        className="overall-bar"
        role="progressbar"
        aria-label="Overall progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={hasBatch ? p.percent : 0}
        aria-valuetext={hasBatch ? valueText : 'No conversion yet'}
        data-empty={!hasBatch}
      >
        <span className="overall-done" style={{ width: pct(p.doneRatio) }} />
        <span className="overall-failed" style={{ width: pct(p.failedRatio) }} />
        <span className="overall-cancelled" style={{ width: pct(p.cancelledRatio) }} />
      </div>
      {hasBatch && (
        <div className="batch-progress-line">
          <span className="batch-percent" aria-hidden="true">
            {p.percent}%
          </span>
          <p className="batch-progress-text" role="status" title={p.text}>
            {p.text}
          </p>
          {hasActive && (
            <button type="button" className="link-button cancel-all" onClick={() => void cancelAllJobs()}>
              Cancel all
            </button>
          )}
        </div>
      )}
      {reason !== null && (
        <p id={reasonId} className="convert-reason" title={reason}>
          {reason}
        </p>
      )}
    </div>
  )
}
