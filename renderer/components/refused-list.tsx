/**
 * Files that were not added, each with its reason, and non-PDFs skipped inside dropped folders.
 */
import { errorText } from '../lib/error-text.ts'
import { plural } from '../lib/format.ts'
import { useAppStore } from '../store/store.ts'
import { CloseIcon } from './icons.tsx'

/** Panel listing refused and skipped files (hidden when there are none). */
export function RefusedList() {
  const refused = useAppStore((s) => s.refused)
  const skipped = useAppStore((s) => s.skippedInFolders)
  const dismiss = useAppStore((s) => s.dismissRefused)
  if (refused.length === 0 && skipped.length === 0) return null
  return (
    <section className="refused" aria-labelledby="refused-title">
      <div className="refused-head">
        <h2 id="refused-title">
          {refused.length > 0 ? `${plural(refused.length, 'file')} not added` : 'Skipped in folders'}
        </h2>
        <button type="button" className="icon-button" aria-label="Dismiss the list of files not added" onClick={dismiss}>
          <CloseIcon size={16} />
        </button>
      </div>
      {refused.length > 0 && (
        <ul className="refused-list">
          {refused.map((r) => (
            <li key={r.key}>
              <span className="refused-name">{r.displayName}</span>
              <span className="refused-reason">{errorText(r.reason)}</span>
            </li>
          ))}
        </ul>
      )}
      {skipped.length > 0 && (
        <p className="skipped">
          Skipped in dropped folders (not PDFs): <span className="skipped-names">{skipped.join(', ')}</span>
        </p>
      )}
    </section>
  )
}
