/**
 * A modal built on the native `<dialog>`: focus moves in and is trapped by the browser, Esc
 * closes it (the `cancel` event), focus returns to the opener on close.
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'

interface ModalDialogProps {
  readonly isOpen: boolean
  /** Called when the user closes it (Esc, a close button, or `close()`). */
  readonly onClose: () => void
  /** Id of the element naming the dialog. */
  readonly labelledBy: string
  readonly className?: string
  readonly onKeyDown?: (event: KeyboardEvent<HTMLDialogElement>) => void
  readonly children: ReactNode
}

/** A modal dialog that is mounted only while open. */
export function ModalDialog({ isOpen, onClose, labelledBy, className, onKeyDown, children }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const onCloseRef = useRef(onClose)
  onCloseRef.current = onClose

  useEffect(() => {
    const dialog = ref.current
    if (!isOpen || dialog === null) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    // jsdom has no showModal; the attribute is enough there.
    if (typeof dialog.showModal === 'function') dialog.showModal()
    else dialog.setAttribute('open', '')
    const handleClose = () => onCloseRef.current()
    dialog.addEventListener('close', handleClose)
    return () => {
      dialog.removeEventListener('close', handleClose)
      if (dialog.open && typeof dialog.close === 'function') dialog.close()
      if (opener?.isConnected) opener.focus()
    }
  }, [isOpen])

  if (!isOpen) return null
  return (
    <dialog ref={ref} className={className} aria-labelledby={labelledBy} onKeyDown={onKeyDown}>
      {children}
    </dialog>
  )
}
