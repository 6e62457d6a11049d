/**
 * One added PDF: name, page count, size, the engine that converted it; its page range or password
 * prompt; the "Choose pages" picker (after unlocking, for protected PDFs); live job status; and
 * its page thumbnails as they land.
 */
import { memo } from 'react'
import type { FileId } from '../../electron/ipc/contract.ts'
import { formatBytes, plural } from '../lib/format.ts'
import { removeFile } from '../store/actions.ts'
import { isActiveStage, isLocked, selectJobForFile } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'
import { ChevronDownIcon, ChevronRightIcon, CloseIcon, FileIcon, LockIcon } from './icons.tsx'
import { JobStatus } from './job-status.tsx'
import { PagePicker } from './page-picker.tsx'
import { PageRangeField } from './page-range-field.tsx'
import { PasswordField } from './password-field.tsx'
import { ThumbnailGrid } from './thumbnail-grid.tsx'

const EMPTY: readonly never[] = []

/** The card of one file in the list. */
export const FileRow = memo(function FileRow({ fileId }: { readonly fileId: FileId }) {
  const file = useAppStore((s) => s.filesById[fileId])
  const job = useAppStore((s) => selectJobForFile(s, fileId))
  const outputs = useAppStore((s) => s.outputsByFile[fileId] ?? EMPTY)
  const isPickerOpen = useAppStore((s) => s.pagePickerOpenById[fileId] === true)
  const setPickerOpen = useAppStore((s) => s.setPagePickerOpen)
  if (file === undefined) return null

  const locked = isLocked(file)
  const isBusy = job !== undefined && isActiveStage(job.stage)
  const titleId = `file-${fileId}-title`
  const pickerId = `file-${fileId}-picker`
  const canPick = !locked && file.pageCount > 0
  const meta = [
    locked ? 'Protected' : plural(file.pageCount, 'page'),
    formatBytes(file.sizeBytes),
    ...(job !== undefined ? [job.engine === 'pdfco' ? 'PDF.co' : 'Local engine'] : []),
  ]

  return (
    <li className="file-card" aria-labelledby={titleId} data-file-id={fileId} data-stage={job?.stage ?? 'idle'}>
      <div className="file-head">
        <span className="file-icon">{locked ? <LockIcon size={22} /> : <FileIcon size={22} />}</span>
        <div className="file-title">
          <h2 id={titleId} className="file-name" title={file.displayName}>
            {file.displayName}
          </h2>
          <p className="file-meta">
            {meta.map((part, i) => (
              <span key={i}>{part}</span>
            ))}
          </p>
          {canPick && (
            <button
              type="button"
              className="disclosure"
              aria-expanded={isPickerOpen}
              aria-controls={isPickerOpen ? pickerId : undefined}
              onClick={() => setPickerOpen(fileId, !isPickerOpen)}
            >
              {isPickerOpen ? <ChevronDownIcon size={16} /> : <ChevronRightIcon size={16} />}
              Choose pages
            </button>
          )}
        </div>
        <div className="file-fields">
          {locked ? (
            <PasswordField fileId={fileId} fileName={file.displayName} />
          ) : (
            <PageRangeField fileId={fileId} pageCount={file.pageCount} fileName={file.displayName} isDisabled={isBusy} />
          )}
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove ${file.displayName}`}
          title="Remove from the list"
          onClick={() => void removeFile(fileId)}
        >
          <CloseIcon />
        </button>
      </div>
      {canPick && isPickerOpen && (
        <PagePicker
          id={pickerId}
          fileId={fileId}
          fileName={file.displayName}
          pageCount={file.pageCount}
          thumbUrlBase={file.pageThumbUrlBase}
          isDisabled={isBusy}
        />
      )}
      {job !== undefined && <JobStatus job={job} fileName={file.displayName} />}
      {outputs.length > 0 && <ThumbnailGrid outputs={outputs} fileName={file.displayName} />}
    </li>
  )
})
