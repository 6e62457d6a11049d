/**
 * Derived values of the store. Components read these (with `useShallow` when a selector returns
 * a new array or object) instead of storing anything computable.
 */
import type { EngineKind, FileDescriptor, FileId, JobDto, JobStage, SettingsDto } from '../../electron/ipc/contract.ts'
import { describePageRangeIssues, parsePageRange } from '../../electron/shared/page-range.ts'
import { chooseEngine, describeEngineDecision } from '../../electron/shared/engine-choice.ts'
import { assertNever } from '../lib/assert-never.ts'
import type { AppState } from './types.ts'

/** Stages during which a job is still working. */
export function isActiveStage(stage: JobStage): boolean {
  switch (stage) {
    case 'queued':
    case 'inspecting':
    case 'uploading':
    case 'converting':
    case 'downloading':
      return true
    case 'done':
    case 'failed':
    case 'cancelled':
      return false
    default:
      return assertNever(stage, 'job stage')
  }
}

/** The file's descriptor, or undefined once removed. */
export function selectFile(state: AppState, fileId: FileId): FileDescriptor | undefined {
  return state.filesById[fileId]
}

/** The newest job of a file (the one its row shows), or undefined when it never ran. */
export function selectJobForFile(state: AppState, fileId: FileId): JobDto | undefined {
  let newest: JobDto | undefined
  for (const job of Object.values(state.jobsById)) {
    if (job.fileId !== fileId) continue
    if (newest === undefined || job.startedAtMs >= newest.startedAtMs) newest = job
  }
  return newest
}

/** True when the file cannot be converted until a password is given. */
export function isLocked(file: FileDescriptor): boolean {
  return file.needsPassword && !file.isUnlocked
}

/**
 * The page-range error text of one file, naming the bad part, or null when the text is valid
 * (or cannot be checked yet because the PDF is still locked).
 */
export function selectPageRangeError(state: AppState, fileId: FileId): string | null {
  const file = state.filesById[fileId]
  if (file === undefined || isLocked(file)) return null
  const result = parsePageRange(state.pageRangeById[fileId] ?? '', file.pageCount)
  return result.ok ? null : describePageRangeIssues(result.issues)
}

/** How many pages the file's range selects (0 while locked or invalid). */
export function selectSelectedPageCount(state: AppState, fileId: FileId): number {
  const file = state.filesById[fileId]
  if (file === undefined || isLocked(file)) return 0
  const result = parsePageRange(state.pageRangeById[fileId] ?? '', file.pageCount)
  return result.ok ? result.pages.length : 0
}

/** What Convert would do: the files it would send and why it cannot run, if it cannot. */
export interface SubmitPlan {
  readonly canSubmit: boolean
  /** Why Convert is disabled, in words; null when it is enabled. */
  readonly reason: string | null
  readonly fileIds: readonly FileId[]
  /** True when every file was converted already and Convert runs them all again. */
  readonly isRepeat: boolean
  /** Locked files that will be left out (shown as a hint). */
  readonly skippedLocked: number
  /** Files converting now: Convert then adds its files to the running batch. */
  readonly busy: number
}

/**
 * Decides whether Convert can run and on which files.
 *
 * Convert sends the files not converted yet (never run, failed or cancelled); once every file is
 * done and nothing is converting it runs them all again (e.g. in another format). While a batch
 * runs, Convert adds the files not converted yet to it. Files that are working or still locked are
 * left out. An invalid page range on a file it would send blocks the batch (the user's intent is
 * unclear), as does a missing API key. No output folder chosen is fine: main then writes to its
 * default folder.
 */
export function selectSubmitPlan(state: AppState): SubmitPlan {
  const blocked = (reason: string): SubmitPlan => ({ canSubmit: false, reason, fileIds: [], isRepeat: false, skippedLocked: 0, busy: 0 })
  if (state.settings === null) return blocked('Loading settings…')
  if (state.fileOrder.length === 0) return blocked('Add a PDF first.')
  const pending: FileId[] = []
  const done: FileId[] = []
  let skippedLocked = 0
  let busy = 0
  for (const id of state.fileOrder) {
    const file = state.filesById[id]
    if (file === undefined) continue
    const job = selectJobForFile(state, id)
    if (job !== undefined && isActiveStage(job.stage)) busy += 1
    else if (isLocked(file)) skippedLocked += 1
    else if (job?.stage === 'done') done.push(id)
    else pending.push(id)
  }
  const isRepeat = pending.length === 0
  // While a batch runs, Convert adds the files not converted yet; converting again waits.
  const fileIds = isRepeat ? (busy > 0 ? [] : done) : pending
  if (fileIds.length === 0) {
    if (busy > 0 && done.length > 0) return blocked('Converting… To convert the finished files again, wait for this batch to end.')
    if (busy > 0) return blocked(busy === 1 ? 'Converting… Add more PDFs to queue them.' : `Converting ${busy} files… Add more PDFs to queue them.`)
    return blocked(skippedLocked === 1 ? 'Enter the password of the locked PDF first.' : 'Enter the passwords of the locked PDFs first.')
  }
  for (const id of fileIds) {
    if (selectPageRangeError(state, id) !== null) return blocked(`Fix the page range of ${state.filesById[id]?.displayName ?? 'the file'}.`)
  }
  if (selectEffectiveEngine(state) === 'pdfco' && !state.settings.hasApiKey) {
    return blocked(
      state.settings.hasLocalEngine
        ? 'Add your PDF.co API key in Settings, or choose “This computer” as the engine.'
        : 'Add your PDF.co API key in Settings first.',
    )
  }
  if (state.busy.starting) return blocked('Starting…')
  return { canSubmit: true, reason: null, fileIds, isRepeat, skippedLocked, busy }
}

/**
 * Convert's state as primitives only (safe with `useShallow`, unlike the plan's id array):
 * enabled or not, why not, how many files it would send, how many locked ones it skips.
 */
export function selectCanSubmit(state: AppState): {
  readonly canSubmit: boolean
  readonly reason: string | null
  readonly fileCount: number
  readonly isRepeat: boolean
  readonly skippedLocked: number
  readonly busy: number
} {
  const plan = selectSubmitPlan(state)
  return {
    canSubmit: plan.canSubmit,
    reason: plan.reason,
    fileCount: plan.fileIds.length,
    isRepeat: plan.isRepeat,
    skippedLocked: plan.skippedLocked,
    busy: plan.busy,
  }
}

/** True while any job is working (enables "Cancel all"). */
export function selectHasActiveJobs(state: AppState): boolean {
  return Object.values(state.jobsById).some((j) => isActiveStage(j.stage))
}

/** True when any page image was written (enables "Open output folder"). */
export function selectHasOutputs(state: AppState): boolean {
  return Object.values(state.outputsByFile).some((list) => list.length > 0)
}

/** The preview's image, its neighbours and its position among the images of its run. */
export function selectPreview(state: AppState) {
  const p = state.preview
  if (p === null) return null
  const all = state.outputsByFile[p.fileId] ?? []
  const jobId = all.find((o) => o.id === p.outputId)?.jobId
  // One run's images only: the preview never steps into another run of the same file.
  const list = all.filter((o) => o.jobId === jobId)
  const index = list.findIndex((o) => o.id === p.outputId)
  if (index === -1) return null
  return {
    output: list[index]!,
    index,
    count: list.length,
    previous: list[index - 1] ?? null,
    next: list[index + 1] ?? null,
    fileName: state.filesById[p.fileId]?.displayName ?? '',
  }
}

/** True on first launch without a key, when the welcome explains the offline engine, PDF.co keys and the emulator. */
export function selectShowWelcome(state: AppState): boolean {
  return state.settings !== null && !state.settings.hasApiKey
}

/**
 * The engine Convert will use: the chosen one, or for 'auto' PDF.co when a key is set, else the
 * local engine (main decides the same way, `electron/app/services.ts`). Null while settings load.
 */
export function selectEffectiveEngine(state: AppState): EngineKind | null {
  const s = state.settings
  if (s === null) return null
  return s.engine === 'auto' ? autoEngineFor(s) : s.engine
}

/** What the engine setting 'auto' stands for with these settings (the shared rule: PDF.co only with a checked key). */
export function autoEngineFor(settings: SettingsDto): EngineKind {
  if (!settings.hasLocalEngine) return 'pdfco'
  return chooseEngine('auto', settings.apiKeyStatus).engine
}

/** Why 'Auto' stays on this computer with a saved key (product wording), or null when nothing needs saying. */
export function selectEngineNote(state: AppState): string | null {
  const s = state.settings
  if (s === null || !s.hasLocalEngine) return null
  return describeEngineDecision(chooseEngine(s.engine, s.apiKeyStatus))
}

/** True when PDF.co would be used but no key is set (the banner and Convert's reason say so). */
export function selectNeedsApiKey(state: AppState): boolean {
  return state.settings !== null && !state.settings.hasApiKey && selectEffectiveEngine(state) === 'pdfco'
}

/** A file's page selection as the page picker shows it, derived from its range text. */
export interface PickedPages {
  /** Selected 1-based pages (empty while the text is invalid). */
  readonly pages: ReadonlySet<number>
  /** False when the range text does not parse (the picker then starts a new selection). */
  readonly isValid: boolean
  /** True when every page is selected (an empty field means all pages). */
  readonly isAll: boolean
}

const pickedCache = new Map<FileId, { readonly text: string; readonly pageCount: number; readonly value: PickedPages }>()

/**
 * The page picker's selection of one file, derived from its page-range text (the one stored
 * fact), or null while the file is unknown or locked. Memoised per file, so the same text gives
 * the same object (safe as a zustand selector without `useShallow`).
 */
export function selectPickedPages(state: AppState, fileId: FileId): PickedPages | null {
  const file = state.filesById[fileId]
  if (file === undefined || isLocked(file) || file.pageCount < 1) {
    pickedCache.delete(fileId)
    return null
  }
  const text = state.pageRangeById[fileId] ?? ''
  const cached = pickedCache.get(fileId)
  if (cached !== undefined && cached.text === text && cached.pageCount === file.pageCount) return cached.value
  const parsed = parsePageRange(text, file.pageCount)
  const value: PickedPages = parsed.ok
    ? { pages: new Set(parsed.pages), isValid: true, isAll: parsed.pages.length === file.pageCount }
    : { pages: new Set(), isValid: false, isAll: false }
  pickedCache.set(fileId, { text, pageCount: file.pageCount, value })
  return value
}
