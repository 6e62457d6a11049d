/**
 * The batch settings and controls at the bottom of the window: format, engine (and, for the local
 * engine, its resolution; colour and quality are in Settings), output folder, overwrite policy, the
 * overall progress, Cancel all and Convert (disabled with its reason when it cannot run).
 */
import { useId } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { EngineKind, LocalColorMode, OverwritePolicy } from '../../electron/ipc/contract.ts'
import { FORMAT_LABEL, OUTPUT_FORMATS, TIFF_LAYOUTS, isOutputFormat, type TiffLayout } from '../../electron/shared/formats.ts'
import { plural } from '../lib/format.ts'
import { openOutputFolder, pickOutputFolder, startConversion, updateSettings } from '../store/actions.ts'
import { autoEngineFor, selectCanSubmit, selectEffectiveEngine, selectHasOutputs } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'
import { CreditLine } from './credit-line.tsx'
import { BatchProgress } from './batch-progress.tsx'
import { ExternalIcon, FolderIcon } from './icons.tsx'

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

/** TIFF layouts as people read them (the same on both engines). */
export const TIFF_LAYOUT_LABEL: Readonly<Record<TiffLayout, string>> = {
  'page-files': 'One file per page',
  'multi-page': 'One multi-page file',
}

/** Colour modes of the local engine. */
export const COLOR_LABEL: Readonly<Record<LocalColorMode, string>> = {
  color: 'Colour',
  gray: 'Greyscale',
  bw: 'Black & white',
}

/** Footer with the batch settings and controls. */
export function BatchBar() {
  const formatId = useId()
  const overwriteId = useId()
  const reasonId = useId()
  const settings = useAppStore((s) => s.settings)
  const plan = useAppStore(useShallow(selectCanSubmit))
  const isDisabled = settings === null

  const convertLabel = convertButtonLabel(plan)
  const reason = plan.reason ?? convertHint(plan)

  return (
    <footer className="batch-bar" aria-label="Batch settings">
      <div className="batch-settings">
        <div className="field">
          <label htmlFor={formatId} className="field-label label-wide-only">
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
        {settings?.format === 'tiff' && <TiffLayoutField layout={settings.tiffLayout} />}
        <EngineFields />
        <FolderField />
        <div className="field">
          <label htmlFor={overwriteId} className="field-label">
            Existing images
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

      <CreditLine />
      <BatchProgress reason={reason} reasonId={reasonId} />

      <div className="batch-actions">
        <button
          type="button"
          className="button button-primary button-large convert-button"
          disabled={!plan.canSubmit}
          aria-describedby={reason !== null ? reasonId : undefined}
          onClick={() => void startConversion()}
        >
          {convertLabel}
        </button>
      </div>
    </footer>
  )
}

/** TIFF only: one file per page, or one multi-page file per PDF. */
function TiffLayoutField({ layout }: { readonly layout: TiffLayout }) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id} className="field-label label-wide-only">
        TIFF pages
      </label>
      <select
        id={id}
        className="select"
        aria-label="TIFF pages"
        value={layout}
        onChange={(e) => {
          const value = TIFF_LAYOUTS.find((l) => l === e.target.value)
          if (value !== undefined) void updateSettings({ tiffLayout: value })
        }}
      >
        {TIFF_LAYOUTS.map((l) => (
          <option key={l} value={l}>
            {TIFF_LAYOUT_LABEL[l]}
          </option>
        ))}
      </select>
    </div>
  )
}

/** The output folder: its name (full path in the tooltip), and a button that opens it. */
function FolderField() {
  const id = useId()
  const settings = useAppStore((s) => s.settings)
  const hasOutputs = useAppStore(selectHasOutputs)
  const isDisabled = settings === null
  const folderName = settings === null ? '…' : (settings.outputFolderName ?? settings.defaultOutputFolderName)
  return (
    <div className="field">
      <span className="field-label label-wide-only" id={`${id}-folder`}>
        Output folder
      </span>
      <div className="folder-field">
        <button
          type="button"
          className="button folder-button"
          disabled={isDisabled}
          aria-labelledby={`${id}-folder ${id}-folder-name`}
          aria-describedby={`${id}-folder-path`}
          title={settings === null ? undefined : `${folderPathText(settings)} · Choose another folder`}
          onClick={() => void pickOutputFolder()}
        >
          <FolderIcon size={16} />
          <span id={`${id}-folder-name`} className="folder-name">
            {folderName}
          </span>
        </button>
        <span id={`${id}-folder-path`} className="visually-hidden">
          {settings === null ? '' : folderPathText(settings)}
        </span>
        <button
          type="button"
          className="icon-button"
          disabled={!hasOutputs}
          aria-label="Open output folder"
          title={hasOutputs ? 'Open the output folder' : 'Open the output folder (once an image is written)'}
          onClick={() => void openOutputFolder()}
        >
          <ExternalIcon size={16} />
        </button>
      </div>
    </div>
  )
}

/** The engine choice and, for the local engine, its resolution. */
function EngineFields() {
  const engineId = useId()
  const dpiId = useId()
  const settings = useAppStore((s) => s.settings)
  const engine = useAppStore(selectEffectiveEngine)
  const isDisabled = settings === null
  return (
    <>
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
          <label htmlFor={dpiId} className="field-label label-wide-only">
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
    </>
  )
}

/** Convert's words: exactly what pressing it does now. */
export function convertButtonLabel(plan: ReturnType<typeof selectCanSubmit>): string {
  if (!plan.canSubmit) return 'Convert'
  if (plan.isRepeat) return plan.fileCount === 1 ? 'Convert again' : `Convert all ${plan.fileCount} again`
  if (plan.busy > 0) return `Convert ${plan.fileCount} more`
  return `Convert ${plural(plan.fileCount, 'file')}`
}

/** The line under Convert when it can run but something is worth knowing. */
function convertHint(plan: ReturnType<typeof selectCanSubmit>): string | null {
  const parts: string[] = []
  if (plan.busy > 0) parts.push(`Adds ${plural(plan.fileCount, 'file')} to the running batch.`)
  if (plan.skippedLocked > 0) parts.push(`${plural(plan.skippedLocked, 'locked file')} will be skipped.`)
  return parts.length > 0 ? parts.join(' ') : null
}

/** The output folder's full path when main sends it, else what is known of it. */
function folderPathText(settings: NonNullable<ReturnType<typeof useAppStore.getState>['settings']>): string {
  if (settings.outputFolderDisplayPath !== undefined) return settings.outputFolderDisplayPath
  return settings.outputFolderName === null
    ? `Pictures › ${settings.defaultOutputFolderName} (the default until you choose a folder)`
    : settings.outputFolderName
}

/** The DPI choices, plus the current value when it is not one of them (set elsewhere). */
function dpiChoices(current: number): number[] {
  const list: number[] = [...DPI_CHOICES]
  if (!list.includes(current)) list.push(current)
  return list.sort((a, b) => a - b)
}
