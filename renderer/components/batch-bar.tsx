/**
 * The batch settings and controls at the bottom of the window: format, engine (and, for the local
 * engine, its resolution; colour and quality are in Settings), output folder, overwrite policy, the
 * overall progress, Cancel all and Convert (disabled with its reason when it cannot run).
 */
import { useId } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { EngineKind, LocalColorMode, OverwritePolicy } from '../../electron/ipc/contract.ts'
import { FORMAT_LABEL, OUTPUT_FORMATS, isOutputFormat } from '../../electron/shared/formats.ts'
import { plural } from '../lib/format.ts'
import { cancelAllJobs, openOutputFolder, pickOutputFolder, startConversion, updateSettings } from '../store/actions.ts'
import { autoEngineFor, selectCanSubmit, selectEffectiveEngine, selectHasActiveJobs, selectHasOutputs, selectOverallProgress } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'
import { FolderIcon } from './icons.tsx'

const OVERWRITE_LABEL: Readonly<Record<OverwritePolicy, string>> = {
  'keep-both': 'Keep both',
  overwrite: 'Replace it',
}

const OVERWRITE_TITLE: Readonly<Record<OverwritePolicy, string>> = {
  'keep-both': 'Write the new image next to it with a number, e.g. report-02 (2).png',
  overwrite: 'Replace the existing image',
}

/** Engine names as people read them. */
export const ENGINE_LABEL: Readonly<Record<EngineKind, string>> = {
  local: 'This computer',
  pdfco: 'PDF.co',
}

/** Resolutions offered for the local engine, in DPI. */
export const DPI_CHOICES = [72, 96, 150, 200, 300, 400, 600] as const

/** Colour modes of the local engine. */
export const COLOR_LABEL: Readonly<Record<LocalColorMode, string>> = {
  color: 'Colour',
  gray: 'Greyscale',
  bw: 'Black & white',
}

/** Footer with the batch settings and controls. */
export function BatchBar() {
  const formatId = useId()
  const engineId = useId()
  const dpiId = useId()
  const overwriteId = useId()
  const reasonId = useId()
  const settings = useAppStore((s) => s.settings)
  const plan = useAppStore(useShallow(selectCanSubmit))
  const progress = useAppStore(useShallow(selectOverallProgress))
  const hasActive = useAppStore(selectHasActiveJobs)
  const hasOutputs = useAppStore(selectHasOutputs)
  const engine = useAppStore(selectEffectiveEngine)
  const isDisabled = settings === null

  const convertLabel = !plan.canSubmit
    ? 'Convert'
    : plan.isRepeat
      ? `Convert ${plan.fileCount === 1 ? 'again' : `all ${plan.fileCount} again`}`
      : `Convert ${plural(plan.fileCount, 'file')}`
  const reason = plan.reason ?? (plan.skippedLocked > 0 ? `${plural(plan.skippedLocked, 'locked file')} will be skipped.` : null)

  return (
    <footer className="batch-bar" aria-label="Batch settings">
      <div className="batch-settings">
        <div className="field">
          <label htmlFor={formatId} className="field-label">
            Format
          </label>
          <select
            id={formatId}
            className="select"
            disabled={isDisabled}
            value={settings?.format ?? 'png'}
            onChange={(e) => {
              if (isOutputFormat(e.target.value)) void updateSettings({ format: e.target.value })
            }}
          >
            {OUTPUT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABEL[f]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={engineId} className="field-label">
            Engine
          </label>
          <select
            id={engineId}
            className="select"
            disabled={isDisabled}
            value={settings?.engine ?? 'auto'}
            title="Where pages are rendered: on this computer (offline) or by the PDF.co Web API"
            onChange={(e) => {
              const value = e.target.value
              if (value === 'auto' || value === 'local' || value === 'pdfco') void updateSettings({ engine: value })
            }}
          >
            <option value="auto">Auto · {settings === null ? '…' : ENGINE_LABEL[autoEngineFor(settings)]}</option>
            {settings?.hasLocalEngine !== false && <option value="local">{ENGINE_LABEL.local}</option>}
            <option value="pdfco">
              {ENGINE_LABEL.pdfco}
              {settings !== null && !settings.hasApiKey ? ' (needs a key)' : ''}
            </option>
          </select>
        </div>
        {engine === 'local' && settings !== null && (
          <div className="field">
            <label htmlFor={dpiId} className="field-label">
              Resolution
            </label>
            <select
              id={dpiId}
              className="select"
              value={settings.localDpi}
              onChange={(e) => void updateSettings({ localDpi: Number(e.target.value) })}
            >
              {dpiChoices(settings.localDpi).map((dpi) => (
                <option key={dpi} value={dpi}>
                  {dpi} dpi
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <span className="field-label" id={`${formatId}-folder`}>
            Output folder
          </span>
          <button
            type="button"
            className="button folder-button"
            disabled={isDisabled}
            aria-labelledby={`${formatId}-folder ${formatId}-folder-name`}
            title={
              settings !== null && settings.outputFolderName === null
                ? `Pictures › ${settings.defaultOutputFolderName} (the default until you choose a folder)`
                : undefined
            }
            onClick={() => void pickOutputFolder()}
          >
            <FolderIcon size={16} />
            <span id={`${formatId}-folder-name`} className="folder-name">
              {settings === null ? '…' : (settings.outputFolderName ?? settings.defaultOutputFolderName)}
            </span>
          </button>
        </div>
        <div className="field">
          <label htmlFor={overwriteId} className="field-label">
            If an image exists
          </label>
          <select
            id={overwriteId}
            className="select"
            disabled={isDisabled}
            value={settings?.overwrite ?? 'keep-both'}
            onChange={(e) => void updateSettings({ overwrite: e.target.value === 'overwrite' ? 'overwrite' : 'keep-both' })}
          >
            {(Object.keys(OVERWRITE_LABEL) as OverwritePolicy[]).map((p) => (
              <option key={p} value={p} title={OVERWRITE_TITLE[p]}>
                {OVERWRITE_LABEL[p]}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div className="batch-progress">
        {progress.total > 0 && (
          <>
            <progress
              className="overall-progress"
              max={1}
              value={progress.ratio}
              aria-label="Overall progress"
              aria-valuetext={`${Math.round(progress.ratio * 100)}%`}
            />
            <p className="batch-progress-text" role="status">
              {progress.active > 0
                ? `${progress.done + progress.failed + progress.cancelled} of ${plural(progress.total, 'file')} finished`
                : finishedText(progress.done, progress.failed, progress.cancelled)}
            </p>
          </>
        )}
      </div>

      <div className="batch-actions">
        {hasOutputs && (
          <button type="button" className="button button-quiet" onClick={() => void openOutputFolder()}>
            Open output folder
          </button>
        )}
        {hasActive && (
          <button type="button" className="button" onClick={() => void cancelAllJobs()}>
            Cancel all
          </button>
        )}
        <div className="convert-wrap">
          <button
            type="button"
            className="button button-primary button-large"
            disabled={!plan.canSubmit}
            aria-describedby={reason !== null ? reasonId : undefined}
            onClick={() => void startConversion()}
          >
            {convertLabel}
          </button>
          {reason !== null && (
            <p id={reasonId} className="convert-reason">
              {reason}
            </p>
          )}
        </div>
      </div>
    </footer>
  )
}

function finishedText(done: number, failed: number, cancelled: number): string {
  const parts = [`${done} done`]
  if (failed > 0) parts.push(`${failed} failed`)
  if (cancelled > 0) parts.push(`${cancelled} cancelled`)
  return `Finished: ${parts.join(', ')}`
}

/** The DPI choices, plus the current value when it is not one of them (set elsewhere). */
function dpiChoices(current: number): number[] {
  const list: number[] = [...DPI_CHOICES]
  if (!list.includes(current)) list.push(current)
  return list.sort((a, b) => a - b)
}
