/**
 * The app's single window: header (Add PDFs, Settings), the file list or empty drop target,
 * the batch bar, and the dialogs.
 */
import { BatchBar } from './components/batch-bar.tsx'
import { DropOverlay, useWindowFileDrop } from './components/drop-overlay.tsx'
import { FileList } from './components/file-list.tsx'
import { PlusIcon, SettingsIcon } from './components/icons.tsx'
import { Notices } from './components/notices.tsx'
import { PreviewDialog } from './components/preview-dialog.tsx'
import { RefusedList } from './components/refused-list.tsx'
import { ResumeBanner } from './components/resume-banner.tsx'
import { SettingsDialog } from './components/settings-dialog.tsx'
import { Welcome } from './components/welcome.tsx'
import { pickFiles, updateSettings } from './store/actions.ts'
import { selectNeedsApiKey, selectShowWelcome } from './store/selectors.ts'
import { useAppStore } from './store/store.ts'

/** The root component. */
export function App() {
  useWindowFileDrop()
  const showWelcome = useAppStore(selectShowWelcome)
  const needsKey = useAppStore(selectNeedsApiKey)
  const hasLocalEngine = useAppStore((s) => s.settings?.hasLocalEngine === true)
  const hasFiles = useAppStore((s) => s.fileOrder.length > 0)
  const isAdding = useAppStore((s) => s.busy.adding)
  const openSettings = () => useAppStore.getState().setSettingsOpen(true)

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="app-title">PDF to Image</h1>
        <div className="topbar-actions">
          <button type="button" className="button button-primary" onClick={() => void pickFiles()} disabled={isAdding}>
            <PlusIcon size={16} /> Add PDFs
          </button>
          <button type="button" className="button" onClick={openSettings}>
            <SettingsIcon size={16} /> Settings
          </button>
        </div>
      </header>
      <main className="content">
        <ResumeBanner />
        {showWelcome && !hasFiles && <Welcome />}
        {needsKey && hasFiles && (
          <p className="banner">
            {hasLocalEngine
              ? 'PDF.co is chosen as the engine, but no API key is set.'
              : 'Converting needs a PDF.co API key.'}{' '}
            <button type="button" className="link-button" onClick={openSettings}>
              Add a key
            </button>
            {hasLocalEngine && (
              <>
                {' or '}
                <button type="button" className="link-button" onClick={() => void updateSettings({ engine: 'local' })}>
                  convert on this computer
                </button>
              </>
            )}
          </p>
        )}
        <RefusedList />
        <FileList />
      </main>
      <BatchBar />
      <Notices />
      <DropOverlay />
      <SettingsDialog />
      <PreviewDialog />
    </div>
  )
}
