/**
 * Settings slice: settings as main reports them (the key only as `hasApiKey` + a masked form),
 * app info, and the state of the last "Check key".
 */
import type { AppInfo, ErrorDto, SettingsDto } from '../../electron/ipc/contract.ts'
import type { SliceCreator } from './types.ts'

/** Where "Check key" stands. */
export type KeyCheckState =
  | { readonly status: 'idle' }
  | { readonly status: 'checking' }
  | { readonly status: 'ok'; readonly remainingCredits: number }
  | { readonly status: 'error'; readonly error: ErrorDto }

export interface SettingsSlice {
  /** null until `settings:get` answered. */
  readonly settings: SettingsDto | null
  readonly appInfo: AppInfo | null
  readonly keyCheck: KeyCheckState
  setSettings(settings: SettingsDto): void
  setAppInfo(info: AppInfo): void
  setKeyCheck(state: KeyCheckState): void
}

/** Creates the settings slice. */
export const createSettingsSlice: SliceCreator<SettingsSlice> = (set) => ({
  settings: null,
  appInfo: null,
  keyCheck: { status: 'idle' },
  setSettings: (settings) => set({ settings }, undefined, 'settings/set'),
  setAppInfo: (appInfo) => set({ appInfo }, undefined, 'settings/app-info'),
  setKeyCheck: (keyCheck) => set({ keyCheck }, undefined, 'settings/key-check'),
})
