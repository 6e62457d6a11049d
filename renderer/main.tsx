/**
 * Renderer entry: loads settings, subscribes to main's events once, renders the app.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { getPdfApp, hasPdfApp } from './api.ts'
import { App } from './app.tsx'
import { loadInitialState } from './store/actions.ts'
import { installIpcSync } from './store/ipc-sync.ts'
import './styles.css'

const container = document.getElementById('root')
if (container === null) throw new Error('index.html has no #root element')
const root = createRoot(container)

if (hasPdfApp()) {
  installIpcSync(getPdfApp())
  void loadInitialState()
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
} else {
  root.render(
    <main className="boot-error">
      <h1>PDF to Image could not start</h1>
      <p>The connection to the app’s background process is missing. Please reinstall the app.</p>
    </main>,
  )
}
