/**
 * The list of added PDFs, or the empty-state drop target when there are none.
 */
import { useEffect, useRef } from 'react'
import { useAppStore } from '../store/store.ts'
import { pickFiles } from '../store/actions.ts'
import { DropIcon } from './icons.tsx'
import { FileRow } from './file-row.tsx'

/** All file cards in the order they were added. */
export function FileList() {
  const fileOrder = useAppStore((s) => s.fileOrder)
  const isAdding = useAppStore((s) => s.busy.adding)
  const seenCount = useRef(fileOrder.length)

  // Bring the first newly added file into view (drops land at the end of a possibly long list).
  useEffect(() => {
    const firstNew = fileOrder[seenCount.current]
    seenCount.current = fileOrder.length
    if (firstNew === undefined) return
    document.querySelector(`[data-file-id="${firstNew}"]`)?.scrollIntoView?.({ block: 'nearest' })
  }, [fileOrder])

  if (fileOrder.length === 0) {
    return (
      <section className="empty-drop" aria-labelledby="empty-title">
        <DropIcon size={40} />
        <h2 id="empty-title">{isAdding ? 'Adding…' : 'Drop PDFs here'}</h2>
        <p>Drop PDF files or folders anywhere on this window, or</p>
        <button type="button" className="button button-primary" onClick={() => void pickFiles()} disabled={isAdding}>
          Choose PDFs…
        </button>
      </section>
    )
  }
  return (
    <ul className="file-list" aria-label="PDF files">
      {fileOrder.map((id) => (
        <FileRow key={id} fileId={id} />
      ))}
    </ul>
  )
}
