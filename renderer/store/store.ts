/**
 * The one renderer store, `useAppStore`, combined from its slices with devtools on top.
 */
import { create } from 'zustand'
import { devtools } from 'zustand/middleware'
import { createFilesSlice } from './files-slice.ts'
import { createJobsSlice } from './jobs-slice.ts'
import { createOutputsSlice } from './outputs-slice.ts'
import { createSettingsSlice } from './settings-slice.ts'
import { createUiSlice } from './ui-slice.ts'
import type { AppState } from './types.ts'

export type { AppState } from './types.ts'

/** The app's store hook (`useAppStore(selector)`); `useAppStore.getState()` outside React. */
export const useAppStore = create<AppState>()(
  devtools(
    (...a) => ({
      ...createFilesSlice(...a),
      ...createJobsSlice(...a),
      ...createOutputsSlice(...a),
      ...createSettingsSlice(...a),
      ...createUiSlice(...a),
    }),
    { name: 'pdf-to-image', enabled: import.meta.env.DEV },
  ),
)

const initialState = useAppStore.getState()

/** Puts the store back to its first state (tests call it before each test). */
export function resetAppStore(): void {
  useAppStore.setState(initialState, true)
}
