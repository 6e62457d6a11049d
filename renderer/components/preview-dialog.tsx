/**
 * The large preview of one page image: ← → step through the file's pages, Esc closes; buttons to
 * open the image in the system viewer and to show it in its folder.
 */
import { useShallow } from 'zustand/react/shallow'
import { formatBytes } from '../lib/format.ts'
import { dragOutHandler, openOutput, revealOutput, stepPreview } from '../store/actions.ts'
import { selectPreview } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'
import { ChevronLeftIcon, ChevronRightIcon, CloseIcon, ExternalIcon, FolderIcon } from './icons.tsx'
import { ModalDialog } from './modal-dialog.tsx'

/** Width (px) requested from the thumbnail protocol for the preview. */
export const PREVIEW_THUMB_WIDTH = 1024

/** The preview dialog (mounted while a thumbnail is open). */
export function PreviewDialog() {
  const preview = useAppStore(useShallow(selectPreview))
  const setPreview = useAppStore((s) => s.setPreview)
  const close = () => setPreview(null)

  return (
    <ModalDialog
      isOpen={preview !== null}
      onClose={close}
      labelledBy="preview-title"
      className="dialog preview-dialog"
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') {
          e.preventDefault()
          stepPreview(-1)
        } else if (e.key === 'ArrowRight') {
          e.preventDefault()
          stepPreview(1)
        }
      }}
    >
      {preview !== null && (
        <>
          <header className="dialog-head">
            <h2 id="preview-title" className="dialog-title">
              {preview.fileName} · page {preview.output.page}
            </h2>
            <span className="preview-count" aria-live="polite">
              {preview.index + 1} of {preview.count}
            </span>
            <button type="button" className="icon-button" aria-label="Close preview" onClick={close}>
              <CloseIcon />
            </button>
          </header>
          <div className="preview-stage">
            <button
              type="button"
              className="icon-button preview-nav"
              aria-label="Previous page"
              disabled={preview.previous === null}
              onClick={() => stepPreview(-1)}
            >
              <ChevronLeftIcon size={28} />
            </button>
            <img
              key={preview.output.id}
              className="preview-image"
              src={`${preview.output.thumbUrl}?w=${PREVIEW_THUMB_WIDTH}`}
              alt={`Page ${preview.output.page} of ${preview.fileName}`}
              draggable
              onDragStart={dragOutHandler(preview.output.id)}
            />
            <button
              type="button"
              className="icon-button preview-nav"
              aria-label="Next page"
              disabled={preview.next === null}
              onClick={() => stepPreview(1)}
            >
              <ChevronRightIcon size={28} />
            </button>
          </div>
          <footer className="dialog-foot">
            <span className="preview-file">
              {preview.output.displayName} · {formatBytes(preview.output.sizeBytes)}
            </span>
            <span className="preview-keys" aria-hidden="true">
              ← → to browse · Esc to close
            </span>
            <button type="button" className="button" onClick={() => void revealOutput(preview.output.id)}>
              <FolderIcon size={16} /> Show in folder
            </button>
            <button type="button" className="button button-primary" onClick={() => void openOutput(preview.output.id)}>
              <ExternalIcon size={16} /> Open image
            </button>
          </footer>
        </>
      )}
    </ModalDialog>
  )
}
