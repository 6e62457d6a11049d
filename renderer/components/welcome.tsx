/**
 * First launch without an API key: the app works offline with the local engine; PDF.co is an
 * optional second engine (how to get a key). Developer tools (the PDF.co emulator) live in
 * Settings → Advanced, not here.
 */
import { useAppStore } from '../store/store.ts'

/** The welcome panel (shown while no key is saved and no file is added). */
export function Welcome() {
  const openSettings = () => useAppStore.getState().setSettingsOpen(true)
  const hasLocalEngine = useAppStore((s) => s.settings?.hasLocalEngine === true)
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Welcome to PDF to Image</h2>
      {hasLocalEngine ? (
        <p>
          Turn PDF pages into PNG, JPG, WebP or TIFF images. Pages are rendered <strong>on this computer</strong>: it works
          offline, with no account or API key. Drop PDFs here and press Convert.
        </p>
      ) : (
        <p>
          Pages are converted by the <strong>PDF.co</strong> Web API, which needs an API key. You can add PDFs now and
          convert them once a key is set.
        </p>
      )}
      <div className="welcome-columns">
        <div>
          <h3>{hasLocalEngine ? 'Optional: convert with PDF.co' : 'Get a PDF.co key'}</h3>
          <ol>
            <li>
              Sign up at{' '}
              <a href="https://app.pdf.co/" target="_blank" rel="noreferrer">
                app.pdf.co
              </a>{' '}
              (free credits to start).
            </li>
            <li>Copy your API key from the dashboard.</li>
            <li>
              Paste it in Settings. It is stored encrypted on this computer.
              {hasLocalEngine && ' With a key, Auto uses PDF.co; pick the engine at the bottom of the window.'}
            </li>
          </ol>
          <button type="button" className="button" onClick={openSettings}>
            Open Settings
          </button>
        </div>
      </div>
    </section>
  )
}
