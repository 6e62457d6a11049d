/**
 * Makes the whole window a drop target for files and folders, with a clear overlay while
 * something is dragged over it.
 */
import { useEffect } from 'react'
import { addDroppedFiles } from '../store/actions.ts'
import { useAppStore } from '../store/store.ts'
import { DropIcon } from './icons.tsx'

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer !== null && Array.from(event.dataTransfer.types).includes('Files')
}

/** Installs the window-level drag and drop listeners (call once, in the app root). */
export function useWindowFileDrop(): void {
  useEffect(() => {
    const { setDragging } = useAppStore.getState()
    let depth = 0
    const onDragEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth += 1
      setDragging(true)
    }
    const onDragOver = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy'
    }
    const onDragLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(false)
    }
    const onDrop = (e: DragEvent) => {
      // Always stop the default: a dropped file must never navigate the window.
      e.preventDefault()
      depth = 0
      setDragging(false)
      const files = e.dataTransfer !== null ? Array.from(e.dataTransfer.files) : []
      void addDroppedFiles(files)
    }
    const onLeaveWindow = () => {
      depth = 0
      setDragging(false)
    }
    window.addEventListener('dragenter', onDragEnter)
    window.addEventListener('dragover', onDragOver)
    window.addEventListener('dragleave', onDragLeave)
    window.addEventListener('drop', onDrop)
    window.addEventListener('blur', onLeaveWindow)
    return () => {
      window.removeEventListener('dragenter', onDragEnter)
      window.removeEventListener('dragover', onDragOver)
      window.removeEventListener('dragleave', onDragLeave)
      window.removeEventListener('drop', onDrop)
      window.removeEventListener('blur', onLeaveWindow)
    }
  }, [])
}

/** The full-window overlay shown while files are dragged over the window. */
export function DropOverlay() {
  const isDragging = useAppStore((s) => s.isDragging)
  if (!isDragging) return null
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-box">
        <DropIcon size={48} />
        <p className="drop-overlay-title">Drop to add</p>
        <p>PDF files or folders holding PDFs</p>
      </div>
    </div>
  )
}
