/**
 * Settings → Advanced: the PDF.co base URL, and how to try PDF.co without an account through the
 * project's PDF.co emulator (a developer tool, so it lives here rather than on the main screens).
 * Collapsed unless the base URL is not PDF.co's own.
 */
import { useId, useState } from 'react'
import { updateSettings } from '../store/actions.ts'
import { useAppStore } from '../store/store.ts'

/** PDF.co's production endpoint (its API reference). */
export const PDFCO_BASE_URL = 'https://api.pdf.co/v1'
/** Where `npm run emulator -- --port 8787` listens. */
export const EMULATOR_BASE_URL = 'http://127.0.0.1:8787/v1'

/** The Advanced part of Settings (a disclosure). */
export function AdvancedSection() {
  const id = useId()
  const settings = useAppStore((s) => s.settings)
  const [baseUrl, setBaseUrl] = useState(settings?.baseUrl ?? PDFCO_BASE_URL)
  if (settings === null) return null
  const isUrlValid = /^https?:\/\/\S+$/i.test(baseUrl.trim())

  return (
    <details className="settings-section advanced" open={settings.baseUrl !== PDFCO_BASE_URL}>
      <summary>
        <h3 id={`${id}-title`}>Advanced</h3>
      </summary>
      <form
        className="field"
        onSubmit={(e) => {
          e.preventDefault()
          if (isUrlValid) void updateSettings({ baseUrl: baseUrl.trim() })
        }}
      >
        <label htmlFor={`${id}-url`} className="field-label">
          PDF.co base URL
        </label>
        <div className="inline-row">
          <input
            id={`${id}-url`}
            className="text-input grow"
            type="url"
            spellCheck={false}
            value={baseUrl}
            aria-invalid={!isUrlValid}
            aria-describedby={`${id}-url-hint`}
            onChange={(e) => setBaseUrl(e.target.value)}
          />
          <button type="submit" className="button" disabled={!isUrlValid || baseUrl.trim() === settings.baseUrl}>
            Save URL
          </button>
        </div>
        <p id={`${id}-url-hint`} className={isUrlValid ? 'field-hint' : 'field-error'}>
          {isUrlValid ? (
            <>
              Now: <code>{settings.baseUrl}</code>{' '}
              <button type="button" className="link-button" onClick={() => setBaseUrl(PDFCO_BASE_URL)}>
                Use PDF.co
              </button>
            </>
          ) : (
            'Enter an http:// or https:// address, e.g. https://api.pdf.co/v1'
          )}
        </p>
      </form>
      <div className="emulator-hint">
        <p className="field-label">Try PDF.co without an account: the emulator</p>
        <ol className="field-hint">
          <li>
            In the project folder run <code>npm run emulator -- --port 8787 --key test-key</code>
          </li>
          <li>
            Set the base URL to <code>{EMULATOR_BASE_URL}</code>{' '}
            <button type="button" className="link-button" onClick={() => setBaseUrl(EMULATOR_BASE_URL)}>
              Fill it in
            </button>
            , save it, and save <code>test-key</code> as the API key.
          </li>
        </ol>
      </div>
    </details>
  )
}
