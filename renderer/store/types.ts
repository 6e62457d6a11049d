/**
 * The shape of the one renderer store, assembled from slices (zustand "slices pattern").
 *
 * Every slice holds raw facts only: what main reported and what the user typed. Anything that
 * can be computed from them lives in `selectors.ts`.
 */
import type { StateCreator } from 'zustand'
import type { FilesSlice } from './files-slice.ts'
import type { JobsSlice } from './jobs-slice.ts'
import type { OutputsSlice } from './outputs-slice.ts'
import type { SettingsSlice } from './settings-slice.ts'
import type { UiSlice } from './ui-slice.ts'

/** The whole store: every slice's state and actions. */
export type AppState = FilesSlice & JobsSlice & OutputsSlice & SettingsSlice & UiSlice

/** A slice creator for the combined store (devtools sits on the combined store only). */
export type SliceCreator<T> = StateCreator<AppState, [['zustand/devtools', never]], [], T>
