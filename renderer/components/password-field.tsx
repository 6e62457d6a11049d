/**
 * The password prompt shown on a row whose PDF needs a user password (detected locally by main).
 */
import { useId, useState } from 'react'
import type { FileId } from '../../electron/ipc/contract.ts'
import { unlockFile } from '../store/actions.ts'
import type { UnlockState } from '../store/files-slice.ts'
import { useAppStore } from '../store/store.ts'
import { LockIcon } from './icons.tsx'

const IDLE: UnlockState = { status: 'idle' }

interface PasswordFieldProps {
  readonly fileId: FileId
  readonly fileName: string
}

/** Password input + Unlock button; a wrong password is reported as a wrong password. */
export function PasswordField({ fileId, fileName }: PasswordFieldProps) {
  const id = useId()
  const [password, setPassword] = useState('')
  const unlock = useAppStore((s) => s.unlockById[fileId] ?? IDLE)
  const isBusy = unlock.status === 'busy'
  const message = unlock.status === 'wrong' ? 'Wrong password. Try again.' : unlock.status === 'error' ? unlock.message : null
  const messageId = `${id}-message`

  return (
    <form
      className="field password-field"
      onSubmit={(e) => {
        e.preventDefault()
        if (password !== '' && !isBusy) void unlockFile(fileId, password)
      }}
    >
      <label htmlFor={id} className="field-label">
        <LockIcon size={14} /> Password
      </label>
      <div className="inline-row">
        <input
          id={id}
          className="text-input"
          type="password"
          autoComplete="off"
          placeholder="This PDF is protected"
          value={password}
          aria-invalid={message !== null}
          aria-describedby={messageId}
          title={`Password of ${fileName}`}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="button" disabled={password === '' || isBusy}>
          {isBusy ? 'Unlocking…' : 'Unlock'}
        </button>
      </div>
      <p id={messageId} className={message !== null ? 'field-error' : 'field-hint'} role={message !== null ? 'alert' : undefined}>
        {message ?? 'Enter the password to read its pages.'}
      </p>
    </form>
  )
}
