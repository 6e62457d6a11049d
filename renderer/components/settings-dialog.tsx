/**
 * Settings: the PDF.co API key (stored encrypted by main, shown masked, never sent back),
 * "Check key" (remaining credits), concurrency, Advanced (base URL, the PDF.co emulator), and the local
 * engine's render options (resolution, colour, JPG/WebP quality; the first two also sit in the
 * batch bar while the local engine is in use).
 */
import { useId, useState, type ReactNode } from 'react'
import { errorText } from '../lib/error-text.ts'
import { checkApiKey, clearApiKey, revealLog, setApiKey, updateSettings } from '../store/actions.ts'
import { useAppStore } from '../store/store.ts'
import { COLOR_LABEL, DPI_CHOICES } from './batch-bar.tsx'
import { CloseIcon } from './icons.tsx'
import { ModalDialog } from './modal-dialog.tsx'
import { AdvancedSection } from './settings-advanced.tsx'

const MAX_CONCURRENCY = 8


/** The settings dialog (mounted while open). */
export function SettingsDialog() {
  const isOpen = useAppStore((s) => s.isSettingsOpen)
  const setOpen = useAppStore((s) => s.setSettingsOpen)
  return (
    <ModalDialog isOpen={isOpen} onClose={() => setOpen(false)} labelledBy="settings-title" className="dialog settings-dialog">
      <header className="dialog-head">
        <h2 id="settings-title" className="dialog-title">
          Settings
        </h2>
        <button type="button" className="icon-button" aria-label="Close settings" onClick={() => setOpen(false)}>
          <CloseIcon />
        </button>
      </header>
      <div className="dialog-body">
        <ApiKeySection />
        <ServiceSection />
        <LocalEngineSection />
        <AdvancedSection />
        <AboutSection />
      </div>
    </ModalDialog>
  )
}

function ApiKeySection() {
  const id = useId()
  const settings = useAppStore((s) => s.settings)
  const keyCheck = useAppStore((s) => s.keyCheck)
  const [draft, setDraft] = useState('')
  const [isSaving, setSaving] = useState(false)
  if (settings === null) return null

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>PDF.co API key</h3>
      <p className="settings-status" id={`${id}-status`}>
        {settings.hasApiKey ? (
          <>
            Saved key: <code className="masked-key">{settings.apiKeyMasked}</code>
          </>
        ) : (
          'No key saved yet.'
        )}
      </p>
      {!settings.canEncryptKey && (
        <p className="settings-warning">
          This computer offers no secure storage, so the key cannot be stored encrypted.
        </p>
      )}
      <form
        className="inline-row"
        onSubmit={async (e) => {
          e.preventDefault()
          if (draft.trim() === '') return
          setSaving(true)
          const isSaved = await setApiKey(draft.trim())
          setSaving(false)
          if (isSaved) setDraft('')
        }}
      >
        <label htmlFor={`${id}-key`} className="visually-hidden">
          {settings.hasApiKey ? 'New API key' : 'API key'}
        </label>
        <input
          id={`${id}-key`}
          className="text-input grow"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={settings.hasApiKey ? 'Paste a new key to replace it' : 'Paste your PDF.co API key'}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={draft.trim() === '' || isSaving}>
          {isSaving ? 'Saving…' : 'Save key'}
        </button>
      </form>
      <div className="inline-row">
        <button
          type="button"
          className="button"
          disabled={!settings.hasApiKey || keyCheck.status === 'checking'}
          onClick={() => void checkApiKey()}
        >
          {keyCheck.status === 'checking' ? 'Checking…' : 'Check key'}
        </button>
        <button type="button" className="button button-quiet" disabled={!settings.hasApiKey} onClick={() => void clearApiKey()}>
          Remove key
        </button>
        <KeyCheckLine />
      </div>
    </section>
  )
}

/** The key's standing in words: checking, works (credits left), refused/unreachable (why), or not checked yet. */
function KeyCheckLine() {
  const settings = useAppStore((s) => s.settings)
  const keyCheck = useAppStore((s) => s.keyCheck)
  if (settings === null) return null
  let content: ReactNode = null
  if (keyCheck.status === 'checking') content = 'Checking the key with PDF.co…'
  else if (settings.apiKeyStatus === 'verified') {
    const left = keyCheck.status === 'ok' ? keyCheck.remainingCredits : settings.remainingCredits
    content = <span className="ok-text">Key works{left === null ? '' : ` · ${left.toLocaleString('en-US')} credits left`}</span>
  } else if (settings.apiKeyProblem !== null) content = <span className="error-text">{settings.apiKeyProblem}</span>
  else if (keyCheck.status === 'error') content = <span className="error-text">{errorText(keyCheck.error)}</span>
  else if (settings.apiKeyStatus === 'unchecked') content = 'Not checked yet: Auto converts on this computer until the key passes a check.'
  return (
    <p className="key-check" role="status" data-key-status={settings.apiKeyStatus}>
      {content}
    </p>
  )
}

function ServiceSection() {
  const id = useId()
  const settings = useAppStore((s) => s.settings)
  const [concurrency, setConcurrency] = useState(String(settings?.concurrency ?? 2))
  if (settings === null) return null
  const concurrencyValue = Number.parseInt(concurrency, 10)
  const isConcurrencyValid = Number.isInteger(concurrencyValue) && concurrencyValue >= 1 && concurrencyValue <= MAX_CONCURRENCY

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Conversion</h3>

      <div className="field">
        <label htmlFor={`${id}-concurrency`} className="field-label">
          Files converted at the same time
        </label>
        <input
          id={`${id}-concurrency`}
          className="text-input narrow"
          type="number"
          min={1}
          max={MAX_CONCURRENCY}
          step={1}
          value={concurrency}
          aria-invalid={!isConcurrencyValid}
          onChange={(e) => setConcurrency(e.target.value)}
          onBlur={() => {
            if (isConcurrencyValid && concurrencyValue !== settings.concurrency) void updateSettings({ concurrency: concurrencyValue })
          }}
        />
      </div>
    </section>
  )
}

function LocalEngineSection() {
  const id = useId()
  const settings = useAppStore((s) => s.settings)
  const [quality, setQuality] = useState(String(settings?.localQuality ?? 90))
  if (settings === null || !settings.hasLocalEngine) return null
  const qualityValue = Number.parseInt(quality, 10)
  const isQualityValid = /^\d+$/.test(quality.trim()) && qualityValue >= 1 && qualityValue <= 100

  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>On this computer (local engine)</h3>
      <div className="settings-grid">
        <div className="field">
          <label htmlFor={`${id}-dpi`} className="field-label">
            Resolution
          </label>
          <select
            id={`${id}-dpi`}
            className="select"
            value={settings.localDpi}
            onChange={(e) => void updateSettings({ localDpi: Number(e.target.value) })}
          >
            {[...new Set([...DPI_CHOICES, settings.localDpi])]
              .sort((a, b) => a - b)
              .map((dpi) => (
                <option key={dpi} value={dpi}>
                  {dpi} dpi
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-color`} className="field-label">
            Colour
          </label>
          <select
            id={`${id}-color`}
            className="select"
            value={settings.localColor}
            onChange={(e) => {
              const value = e.target.value
              if (value === 'color' || value === 'gray' || value === 'bw') void updateSettings({ localColor: value })
            }}
          >
            {(Object.keys(COLOR_LABEL) as (keyof typeof COLOR_LABEL)[]).map((mode) => (
              <option key={mode} value={mode}>
                {COLOR_LABEL[mode]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-quality`} className="field-label">
            JPG and WebP quality
          </label>
          <input
            id={`${id}-quality`}
            className="text-input narrow"
            type="number"
            min={1}
            max={100}
            step={1}
            value={quality}
            aria-invalid={!isQualityValid}
            aria-describedby={`${id}-quality-hint`}
            onChange={(e) => setQuality(e.target.value)}
            onBlur={() => {
              if (isQualityValid && qualityValue !== settings.localQuality) void updateSettings({ localQuality: qualityValue })
            }}
          />
        </div>
      </div>
      <p id={`${id}-quality-hint`} className={isQualityValid ? 'field-hint' : 'field-error'}>
        {isQualityValid
          ? 'Pages are rendered with PDFium on this computer, offline. Quality is 1-100 (higher: larger files).'
          : 'Enter a whole number from 1 to 100.'}
      </p>
    </section>
  )
}

function AboutSection() {
  const info = useAppStore((s) => s.appInfo)
  return (
    <section className="settings-section about" aria-label="About">
      <p className="field-hint">
        PDF to Image {info?.version ?? ''} · {info?.platform ?? ''}
      </p>
      <button type="button" className="button button-quiet" onClick={() => void revealLog()}>
        Show log file{info !== null ? ` (${info.logFileName})` : ''}
      </button>
    </section>
  )
}
