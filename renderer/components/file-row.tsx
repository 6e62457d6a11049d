/**
 * One added PDF: name, page count, size, the engine that converted it; its page range or password
 * prompt; the "Choose pages" picker (after unlocking, for protected PDFs); live job status; and
 * its page thumbnails as they land.
 */
import { memo, useRef, useState } from 'react'
import type { FileDescriptor, FileId, JobDto } from '../../electron/ipc/contract.ts'
import { formatBytes, plural } from '../lib/format.ts'
import { removeFile } from '../store/actions.ts'
import { isActiveStage, isLocked, selectJobForFile } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'
import { FileImages } from './earlier-runs.tsx'
import { ChevronDownIcon, ChevronRightIcon, CloseIcon, FileIcon, LockIcon } from './icons.tsx'
import { JobStatus } from './job-status.tsx'
import { PagePicker } from './page-picker.tsx'
import { PageRangeField } from './page-range-field.tsx'
import { PasswordField } from './password-field.tsx'

interface FileRowProps {
  readonly fileId: FileId
  /**
   * Called before the file is removed with the card's height (px), so the list can hold that space
   * until the pointer leaves it: the next card's × never slides under the pointer.
   */
  readonly onRemoving?: (fileId: FileId, heightPx: number) => void
}

/** The card of one file in the list. */
export const FileRow = memo(function FileRow({ fileId, onRemoving }: FileRowProps) {
  const file = useAppStore((s) => s.filesById[fileId])
  const job = useAppStore((s) => selectJobForFile(s, fileId))
  const [isConfirmingRemove, setConfirmingRemove] = useState(false)
  const cardRef = useRef<HTMLLIElement>(null)
  const isPickerOpen = useAppStore((s) => s.pagePickerOpenById[fileId] === true)
  const setPickerOpen = useAppStore((s) => s.setPagePickerOpen)
  if (file === undefined) return null

  const locked = isLocked(file)
  const isBusy = job !== undefined && isActiveStage(job.stage)
  const titleId = `file-${fileId}-title`
  const pickerId = `file-${fileId}-picker`
  const canPick = !locked && file.pageCount > 0
  const remove = () => {
    setConfirmingRemove(false)
    onRemoving?.(fileId, cardRef.current?.getBoundingClientRect().height ?? 0)
    void removeFile(fileId)
  }

  return (
    <li ref={cardRef} className="file-card" aria-labelledby={titleId} data-file-id={fileId} data-stage={job?.stage ?? 'idle'}>
      <div className="file-head">
        <span className="file-icon">{locked ? <LockIcon size={22} /> : <FileIcon size={22} />}</span>
        <FileTitle
          file={file}
          job={job}
          titleId={titleId}
          pickerId={canPick ? pickerId : null}
          isPickerOpen={isPickerOpen}
          onTogglePicker={() => setPickerOpen(fileId, !isPickerOpen)}
        />
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
          title={isBusy ? 'Stop converting and remove from the list' : 'Remove from the list'}
          aria-expanded={isBusy ? isConfirmingRemove : undefined}
          onClick={() => (isBusy ? setConfirmingRemove(!isConfirmingRemove) : remove())}
        >
          <CloseIcon />
        </button>
      </div>
      {isBusy && isConfirmingRemove && (
        <RemoveConfirm fileName={file.displayName} onRemove={remove} onKeep={() => setConfirmingRemove(false)} />
      )}
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
      <FileImages fileId={fileId} latestJobId={job?.id} fileName={file.displayName} />
    </li>
  )
})

/** The card's name, meta line and (when `pickerId` is set) the "Choose pages" disclosure. */
function FileTitle(props: {
  readonly file: FileDescriptor
  readonly job: JobDto | undefined
  readonly titleId: string
  readonly pickerId: string | null
  readonly isPickerOpen: boolean
  readonly onTogglePicker: () => void
}) {
  const { file, job, titleId, pickerId, isPickerOpen } = props
  return (
    <div className="file-title">
      <h2 id={titleId} className="file-name" title={file.displayName}>
        {file.displayName}
      </h2>
      <p className="file-meta">
        {fileMeta(file, job).map((part, i) => (
          <span key={i}>{part}</span>
        ))}
      </p>
      {pickerId !== null && (
        <button
          type="button"
          className="disclosure"
          aria-expanded={isPickerOpen}
          aria-controls={isPickerOpen ? pickerId : undefined}
          onClick={props.onTogglePicker}
        >
          {isPickerOpen ? <ChevronDownIcon size={16} /> : <ChevronRightIcon size={16} />}
          Choose pages
        </button>
      )}
    </div>
  )
}

/** The card's meta line: pages (or "Protected"), size, and the engine of its newest job. */
function fileMeta(file: FileDescriptor, job: JobDto | undefined): string[] {
  return [
    isLocked(file) ? 'Protected' : plural(file.pageCount, 'page'),
    formatBytes(file.sizeBytes),
    ...(job !== undefined ? [job.engine === 'pdfco' ? 'PDF.co' : 'Local engine'] : []),
  ]
}

/** Asks before removing a file that is converting. */
function RemoveConfirm({ fileName, onRemove, onKeep }: { readonly fileName: string; readonly onRemove: () => void; readonly onKeep: () => void }) {
  return (
    <div className="remove-confirm" role="alertdialog" aria-label={`Remove ${fileName}?`}>
      <p>{fileName} is converting. Stop and remove it? Pages already saved stay on disk.</p>
      <button type="button" className="button button-danger" onClick={onRemove} autoFocus>
        Stop and remove
      </button>
      <button type="button" className="button button-quiet" onClick={onKeep}>
        Keep converting
      </button>
    </div>
  )
}
