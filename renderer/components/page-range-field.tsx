/**
 * The per-file page-range field: 1-based grammar, validated live against the file's page count
 * (`electron/shared/page-range.ts`); the error names the bad part.
 */
import { useId } from 'react'
import type { FileId } from '../../electron/ipc/contract.ts'
import { plural } from '../lib/format.ts'
import { selectPageRangeError, selectSelectedPageCount } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'

interface PageRangeFieldProps {
  readonly fileId: FileId
  readonly pageCount: number
  readonly fileName: string
  /** True while the file converts (the range cannot change mid-job). */
  readonly isDisabled: boolean
}

/** Text field for the pages to convert; empty means all pages. */
export function PageRangeField({ fileId, pageCount, fileName, isDisabled }: PageRangeFieldProps) {
  const id = useId()
  const text = useAppStore((s) => s.pageRangeById[fileId] ?? '')
  const error = useAppStore((s) => selectPageRangeError(s, fileId))
  const selected = useAppStore((s) => selectSelectedPageCount(s, fileId))
  const setPageRange = useAppStore((s) => s.setPageRange)
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const isEmpty = text.trim() === ''

  return (
    <div className="field page-range">
      <label htmlFor={id} className="field-label">
        Pages
      </label>
      <input
        id={id}
        className="text-input"
        type="text"
        inputMode="text"
        autoComplete="off"
        spellCheck={false}
        placeholder="All pages"
        value={text}
        disabled={isDisabled}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? errorId : hintId}
        title={`Pages of ${fileName} to convert, e.g. 1-3, 5, 8- or last`}
        onChange={(e) => setPageRange(fileId, e.target.value)}
      />
      {error !== null ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : (
        <p id={hintId} className="field-hint">
          {isEmpty ? `${pageCount === 1 ? 'The only page' : `All ${pageCount} pages`} · e.g. 1-3, 5, 8-, last` : `${selected} of ${plural(pageCount, 'page')}`}
        </p>
      )}
    </div>
  )
}
