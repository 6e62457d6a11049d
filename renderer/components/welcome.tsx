/**
 * First launch without an API key: how to get a PDF.co key, and how to try everything against
 * the local emulator instead.
 */
import { useAppStore } from '../store/store.ts'
import { EMULATOR_BASE_URL } from './settings-dialog.tsx'

/** The welcome panel (shown while no key is saved). */
export function Welcome() {
  const openSettings = () => useAppStore.getState().setSettingsOpen(true)
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Welcome to PDF to Image</h2>
      <p>
        Pages are converted by the <strong>PDF.co</strong> Web API, which needs an API key. You can add PDFs now
        and convert them once a key is set.
      </p>
      <div className="welcome-columns">
        <div>
          <h3>Get a PDF.co key</h3>
          <ol>
            <li>
              Sign up at{' '}
              <a href="https://app.pdf.co/" target="_blank" rel="noreferrer">
                app.pdf.co
              </a>{' '}
              (free credits to start).
            </li>
            <li>Copy your API key from the dashboard.</li>
            <li>Paste it in Settings. It is stored encrypted on this computer.</li>
          </ol>
          <button type="button" className="button button-primary" onClick={openSettings}>
            Open Settings
          </button>
        </div>
        <div>
          <h3>Or try the local emulator</h3>
          <ol>
            <li>
              In the project folder run <code>npm run emulator -- --port 8787 --key test-key</code>
            </li>
            <li>
              In Settings set the base URL to <code>{EMULATOR_BASE_URL}</code> and the key to <code>test-key</code>.
            </li>
          </ol>
        </div>
      </div>
    </section>
  )
}
