/**
 * Module-level actions (zustand "practice with no store actions"): each calls main through
 * `api.ts`, then writes the answer into the store. Expected failures become notices or field
 * states; they never throw into React.
 */
import type {
  AddFilesResult,
  FileId,
  JobId,
  OutputId,
  Result,
  SettingsPatch,
} from '../../electron/ipc/contract.ts'
import { getPdfApp } from '../api.ts'
import { errorText } from '../lib/error-text.ts'
import { selectPreview, selectSubmitPlan } from './selectors.ts'
import { useAppStore } from './store.ts'

const store = useAppStore

/** Shows a failed result as a notice; true when it failed (narrows `result` to the failure). */
function reportError<T>(result: Result<T>): result is Extract<Result<T>, { readonly ok: false }> {
  if (!result.ok) store.getState().pushNotice('error', errorText(result.error))
  return !result.ok
}

/** Loads settings and app info at start-up. */
export async function loadInitialState(): Promise<void> {
  const api = getPdfApp()
  const [settings, info] = await Promise.all([api.getSettings(), api.getAppInfo()])
  if (settings.ok) store.getState().setSettings(settings.value)
  else reportError(settings)
  if (info.ok) store.getState().setAppInfo(info.value)
  // Said at start, not when the first file fails: the offline engine cannot work on this computer.
  if (info.ok && info.value.localEngineProblem !== null) store.getState().pushNotice('error', info.value.localEngineProblem)
}

async function addWith(call: () => Promise<Result<AddFilesResult>>): Promise<void> {
  store.getState().setBusy({ adding: true })
  try {
    const result = await call()
    if (reportError(result)) return
    store.getState().applyAddFilesResult(result.value)
  } finally {
    store.getState().setBusy({ adding: false })
  }
}

/** "Add PDFs": the system file dialog (`files:pick`). */
export function pickFiles(): Promise<void> {
  return addWith(() => getPdfApp().pickFiles())
}

/** Files (or folders) dropped on the window. */
export function addDroppedFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return Promise.resolve()
  return addWith(() => getPdfApp().registerDroppedFiles(files))
}

/** Removes a file from the list (main cancels its job, if any). */
export async function removeFile(fileId: FileId): Promise<void> {
  const result = await getPdfApp().removeFile(fileId)
  if (reportError(result)) return
  const s = store.getState()
  if (s.preview?.fileId === fileId) s.setPreview(null)
  s.setPagePickerOpen(fileId, false)
  s.removeFileLocal(fileId)
  s.clearOutputs(fileId)
}

/** Tries a password on a locked PDF; a wrong one shows as such on the field. */
export async function unlockFile(fileId: FileId, password: string): Promise<void> {
  const s = store.getState()
  s.setUnlockState(fileId, { status: 'busy' })
  const result = await getPdfApp().unlockFile(fileId, password)
  if (result.ok) {
    store.getState().replaceFile(result.value)
    store.getState().setUnlockState(fileId, { status: 'idle' })
  } else if (result.error.code === 'file/wrong-password' || result.error.code === 'file/password-required') {
    store.getState().setUnlockState(fileId, { status: 'wrong' })
  } else {
    store.getState().setUnlockState(fileId, { status: 'error', message: errorText(result.error) })
  }
}

/** "Choose…" output folder (main remembers it). */
export async function pickOutputFolder(): Promise<void> {
  const result = await getPdfApp().pickOutputFolder()
  // A folder that cannot be written is refused at once; main's message names it and the reason.
  if (!result.ok && (result.error.code === 'file/write-failed' || result.error.code === 'file/no-space')) {
    store.getState().pushNotice('error', result.error.message)
    return
  }
  if (reportError(result) || result.value === null) return
  const settings = await getPdfApp().getSettings()
  if (settings.ok) store.getState().setSettings(settings.value)
}

/** Opens the output folder in the file manager. */
export async function openOutputFolder(): Promise<void> {
  reportError(await getPdfApp().openOutputFolder())
}

/** Opens one image in the system viewer. */
export async function openOutput(outputId: OutputId): Promise<void> {
  reportError(await getPdfApp().openOutput(outputId))
}

/** Shows one image in its folder. */
export async function revealOutput(outputId: OutputId): Promise<void> {
  reportError(await getPdfApp().revealOutput(outputId))
}

/**
 * Drags one image out of the window into another app: main starts the OS drag of its file
 * (the renderer names it by id; it never sees the path). Call from a `dragstart` handler.
 */
export async function startOutputDrag(outputId: OutputId): Promise<void> {
  reportError(await getPdfApp().startOutputDrag(outputId))
}

/** A `dragstart` handler for an image: the OS drag of its file replaces the browser's own. */
export function dragOutHandler(outputId: OutputId): (e: { preventDefault(): void }) => void {
  return (e) => {
    e.preventDefault()
    void startOutputDrag(outputId)
  }
}

/** Shows the log file in its folder (for bug reports). */
export async function revealLog(): Promise<void> {
  reportError(await getPdfApp().revealLog())
}

/** "Convert": starts one job per ready file with the batch settings. */
export async function startConversion(): Promise<void> {
  const state = store.getState()
  const plan = selectSubmitPlan(state)
  if (!plan.canSubmit || state.settings === null) return
  state.setBusy({ starting: true })
  try {
    const result = await getPdfApp().startJobs({
      items: plan.fileIds.map((fileId) => ({ fileId, pageRange: state.pageRangeById[fileId] ?? '' })),
      format: state.settings.format,
      overwrite: state.settings.overwrite,
      ...(state.settings.format === 'tiff' ? { tiffLayout: state.settings.tiffLayout } : {}),
    })
    if (reportError(result)) return
    store.getState().startBatch(result.value)
    focusAfterConvert(result.value[0]?.fileId)
  } finally {
    store.getState().setBusy({ starting: false })
  }
}

/**
 * Moves keyboard focus to the first running file's status (its row scrolled into view), or to the
 * overall progress when that row is not shown, once React has rendered the new jobs.
 */
function focusAfterConvert(fileId: FileId | undefined): void {
  window.setTimeout(() => {
    const row = fileId === undefined ? null : document.querySelector<HTMLElement>(`[data-file-id="${fileId}"] .job-status`)
    const target = row ?? document.querySelector<HTMLElement>('.batch-progress')
    target?.focus({ preventScroll: true })
    target?.scrollIntoView?.({ block: 'nearest' })
  }, 0)
}

/** Cancels one job. */
export async function cancelJob(jobId: JobId): Promise<void> {
  reportError(await getPdfApp().cancelJob(jobId))
}

/** Cancels every job still working. */
export async function cancelAllJobs(): Promise<void> {
  reportError(await getPdfApp().cancelAllJobs())
}

/** Runs a failed or cancelled job again. */
export async function retryJob(jobId: JobId): Promise<void> {
  const result = await getPdfApp().retryJob(jobId)
  if (reportError(result)) return
  store.getState().addToBatch(result.value)
}

/**
 * "Convert on this computer instead" on a failed PDF.co job: converts that file again with the
 * local engine, with the same format, page range and overwrite rule (a new job of its own).
 */
export async function convertLocally(jobId: JobId): Promise<void> {
  const state = store.getState()
  const job = state.jobsById[jobId]
  if (job === undefined || state.settings === null) return
  const result = await getPdfApp().startJobs({
    items: [{ fileId: job.fileId, pageRange: state.pageRangeById[job.fileId] ?? '' }],
    format: job.format,
    overwrite: state.settings.overwrite,
    engine: 'local',
  })
  if (reportError(result)) return
  for (const created of result.value) store.getState().addToBatch(created)
}

/** Saves settings changes (format, overwrite, base URL, concurrency, engine). */
export async function updateSettings(patch: SettingsPatch): Promise<boolean> {
  const result = await getPdfApp().updateSettings(patch)
  if (reportError(result)) return false
  store.getState().setSettings(result.value)
  return true
}

/**
 * Stores a new API key (main encrypts it and checks it with PDF.co at once; only the masked form
 * and the check's outcome, `apiKeyStatus` / `apiKeyProblem`, come back).
 */
export async function setApiKey(apiKey: string): Promise<boolean> {
  store.getState().setKeyCheck({ status: 'checking' })
  const result = await getPdfApp().setApiKey(apiKey)
  if (reportError(result)) {
    store.getState().setKeyCheck({ status: 'idle' })
    return false
  }
  store.getState().setSettings(result.value)
  const s = result.value
  store.getState().setKeyCheck(s.apiKeyStatus === 'verified' && s.remainingCredits !== null ? { status: 'ok', remainingCredits: s.remainingCredits } : { status: 'idle' })
  return true
}

/** Forgets the API key. */
export async function clearApiKey(): Promise<void> {
  const result = await getPdfApp().clearApiKey()
  if (reportError(result)) return
  store.getState().setSettings(result.value)
  store.getState().setKeyCheck({ status: 'idle' })
}

/** "Check key": asks PDF.co for the remaining credits. */
export async function checkApiKey(): Promise<void> {
  store.getState().setKeyCheck({ status: 'checking' })
  const result = await getPdfApp().checkApiKey()
  store
    .getState()
    .setKeyCheck(result.ok ? { status: 'ok', remainingCredits: result.value.remainingCredits } : { status: 'error', error: result.error })
  // The check moved the key's status (verified or not): what 'Auto' does follows it.
  const settings = await getPdfApp().getSettings()
  if (settings.ok) store.getState().setSettings(settings.value)
}

/** Moves the preview to the previous (-1) or next (+1) image of the same file. */
export function stepPreview(direction: -1 | 1): void {
  const s = store.getState()
  const preview = selectPreview(s)
  if (preview === null) return
  const target = direction === -1 ? preview.previous : preview.next
  if (target !== null) s.setPreview({ fileId: target.fileId, outputId: target.id })
}
