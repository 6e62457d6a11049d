/**
 * UI slice: window-level facts that are not main's business (dialogs, drag state, notices).
 */
import type { FileId, OutputId } from '../../electron/ipc/contract.ts'
import type { SliceCreator } from './types.ts'

/** A short message shown in the notice area (announced to screen readers). */
export interface Notice {
  readonly id: number
  readonly kind: 'error' | 'info'
  readonly text: string
}

export interface UiSlice {
  /** True while files are dragged over the window. */
  readonly isDragging: boolean
  readonly isSettingsOpen: boolean
  /** The image shown in the large preview, or null. */
  readonly preview: { readonly fileId: FileId; readonly outputId: OutputId } | null
  /** Busy flags of actions that wait on main. */
  readonly busy: { readonly adding: boolean; readonly starting: boolean }
  readonly notices: readonly Notice[]
  /** Files whose page picker is open (under the file's card). */
  readonly pagePickerOpenById: Readonly<Record<FileId, boolean>>
  setDragging(isDragging: boolean): void
  setSettingsOpen(isOpen: boolean): void
  setPreview(preview: UiSlice['preview']): void
  setBusy(patch: Partial<UiSlice['busy']>): void
  pushNotice(kind: Notice['kind'], text: string): void
  dismissNotice(id: number): void
  setPagePickerOpen(fileId: FileId, isOpen: boolean): void
}

let noticeId = 0

/** Creates the UI slice. */
export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  isDragging: false,
  isSettingsOpen: false,
  preview: null,
  busy: { adding: false, starting: false },
  notices: [],
  pagePickerOpenById: {},
  setDragging: (isDragging) => set({ isDragging }, undefined, 'ui/dragging'),
  setSettingsOpen: (isSettingsOpen) => set({ isSettingsOpen }, undefined, 'ui/settings-open'),
  setPreview: (preview) => set({ preview }, undefined, 'ui/preview'),
  setBusy: (patch) => set((s) => ({ busy: { ...s.busy, ...patch } }), undefined, 'ui/busy'),
  pushNotice: (kind, text) =>
    set((s) => ({ notices: [...s.notices.slice(-4), { id: ++noticeId, kind, text }] }), undefined, 'ui/notice'),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }), undefined, 'ui/dismiss-notice'),
  setPagePickerOpen: (fileId, isOpen) =>
    set(
      (s) => {
        const { [fileId]: _was, ...rest } = s.pagePickerOpenById
        return { pagePickerOpenById: isOpen ? { ...rest, [fileId]: true } : rest }
      },
      undefined,
      'ui/page-picker',
    ),
})
