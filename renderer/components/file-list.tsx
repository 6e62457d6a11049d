/**
 * The list of added PDFs, or the empty-state drop target when there are none. When a card is
 * removed with the pointer, its space is held until the pointer leaves the list, so the next
 * card's × does not slide under the pointer (a double click removes one file, not two). The space
 * closes once the pointer moves off it.
 */
import { Fragment, useCallback, useEffect, useRef, useState } from 'react'
import type { FileId } from '../../electron/ipc/contract.ts'
import { useAppStore } from '../store/store.ts'
import { pickFiles } from '../store/actions.ts'
import { DropIcon } from './icons.tsx'
import { FileRow } from './file-row.tsx'

/** All file cards in the order they were added. */
export function FileList() {
  const fileOrder = useAppStore((s) => s.fileOrder)
  const isAdding = useAppStore((s) => s.busy.adding)
  const seenCount = useRef(fileOrder.length)
  const listRef = useRef<HTMLUListElement>(null)
  const orderRef = useRef(fileOrder)
  orderRef.current = fileOrder
  // Space held where a card was removed, until the pointer leaves the list (see FileRow).
  const [gap, setGap] = useState<{ readonly index: number; readonly heightPx: number } | null>(null)
  const onRemoving = useCallback((fileId: FileId, heightPx: number) => {
    const index = orderRef.current.indexOf(fileId)
    const list = listRef.current
    const rowGapPx = list === null ? 0 : Number.parseFloat(getComputedStyle(list).rowGap) || 0
    setGap((held) => (held !== null && held.index === index ? { index, heightPx: held.heightPx + rowGapPx + heightPx } : { index, heightPx }))
  }, [])

  // The held space closes as soon as the pointer moves anywhere but over it. A native listener:
  // the card that was under the pointer is gone, so React's leave events cannot be relied on.
  useEffect(() => {
    if (gap === null) return
    const onMove = (e: PointerEvent) => {
      if (!(e.target instanceof Element) || e.target.closest('.file-gap') === null) setGap(null)
    }
    document.addEventListener('pointermove', onMove)
    return () => document.removeEventListener('pointermove', onMove)
  }, [gap])

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
    <ul ref={listRef} className="file-list" aria-label="PDF files">
      {fileOrder.map((id, i) => (
        <Fragment key={id}>
          {gap?.index === i && (
            <li className="file-gap" aria-hidden="true" style={{ height: gap.heightPx }} />
          )}
          <FileRow fileId={id} onRemoving={onRemoving} />
        </Fragment>
      ))}
    </ul>
  )
}
