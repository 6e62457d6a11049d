/**
 * Files slice: the PDFs the user added, in the order added, plus what was refused.
 */
import type { AddFilesResult, FileDescriptor, FileId, RejectedFile } from '../../electron/ipc/contract.ts'
import type { SliceCreator } from './types.ts'

/** Where the password prompt of one locked file stands. */
export type UnlockState =
  | { readonly status: 'idle' }
  | { readonly status: 'busy' }
  | { readonly status: 'wrong' }
  | { readonly status: 'error'; readonly message: string }

/** A refused file, with a local id so it can be dismissed. */
export interface RefusedEntry extends RejectedFile {
  readonly key: number
}

export interface FilesSlice {
  /** File ids in the order they were added. */
  readonly fileOrder: readonly FileId[]
  readonly filesById: Readonly<Record<FileId, FileDescriptor>>
  /** Page-range text exactly as typed (missing = empty = all pages). */
  readonly pageRangeById: Readonly<Record<FileId, string>>
  readonly unlockById: Readonly<Record<FileId, UnlockState>>
  /** Files refused by the last additions (newest last). */
  readonly refused: readonly RefusedEntry[]
  /** Non-PDF names skipped while expanding dropped folders. */
  readonly skippedInFolders: readonly string[]
  /** Merges the answer of `files:pick` / `files:register-dropped*`. */
  applyAddFilesResult(result: AddFilesResult): void
  /** Replaces one file's descriptor (e.g. after unlocking). */
  replaceFile(file: FileDescriptor): void
  removeFileLocal(fileId: FileId): void
  setPageRange(fileId: FileId, text: string): void
  setUnlockState(fileId: FileId, state: UnlockState): void
  dismissRefused(): void
}

let refusedKey = 0

/** Creates the files slice. */
export const createFilesSlice: SliceCreator<FilesSlice> = (set) => ({
  fileOrder: [],
  filesById: {},
  pageRangeById: {},
  unlockById: {},
  refused: [],
  skippedInFolders: [],
  applyAddFilesResult: (result) =>
    set(
      (s) => {
        const filesById = { ...s.filesById }
        const fileOrder = [...s.fileOrder]
        for (const f of result.added) {
          if (!(f.id in filesById)) fileOrder.push(f.id)
          filesById[f.id] = f
        }
        return {
          filesById,
          fileOrder,
          refused: [...s.refused, ...result.rejected.map((r) => ({ ...r, key: ++refusedKey }))],
          skippedInFolders: [...s.skippedInFolders, ...result.skippedInFolders],
        }
      },
      undefined,
      'files/added',
    ),
  replaceFile: (file) =>
    set((s) => (file.id in s.filesById ? { filesById: { ...s.filesById, [file.id]: file } } : {}), undefined, 'files/replaced'),
  removeFileLocal: (fileId) =>
    set(
      (s) => {
        const { [fileId]: _file, ...filesById } = s.filesById
        const { [fileId]: _range, ...pageRangeById } = s.pageRangeById
        const { [fileId]: _unlock, ...unlockById } = s.unlockById
        return { filesById, pageRangeById, unlockById, fileOrder: s.fileOrder.filter((id) => id !== fileId) }
      },
      undefined,
      'files/removed',
    ),
  setPageRange: (fileId, text) =>
    set((s) => ({ pageRangeById: { ...s.pageRangeById, [fileId]: text } }), undefined, 'files/page-range'),
  setUnlockState: (fileId, state) =>
    set((s) => ({ unlockById: { ...s.unlockById, [fileId]: state } }), undefined, 'files/unlock-state'),
  dismissRefused: () => set({ refused: [], skippedInFolders: [] }, undefined, 'files/dismiss-refused'),
})
