/**
 * Short messages (errors of actions, info) in a corner, announced to screen readers.
 */
import { useEffect } from 'react'
import { useAppStore } from '../store/store.ts'
import { CloseIcon } from './icons.tsx'

const INFO_TIMEOUT_MS = 6000

/** The notice stack; info notices fade after a few seconds, errors stay until dismissed. */
export function Notices() {
  const notices = useAppStore((s) => s.notices)
  const dismiss = useAppStore((s) => s.dismissNotice)
  useEffect(() => {
    const timers = notices.filter((n) => n.kind === 'info').map((n) => window.setTimeout(() => dismiss(n.id), INFO_TIMEOUT_MS))
    return () => timers.forEach((t) => window.clearTimeout(t))
  }, [notices, dismiss])
  return (
    <div className="notices" role="region" aria-label="Notifications">
      <div role="alert" className="notice-stack">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.kind}`}>
            <p>{n.text}</p>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
              <CloseIcon size={16} />
            </button>
          </div>
        ))}
      </div>
    </div>
  )
}
