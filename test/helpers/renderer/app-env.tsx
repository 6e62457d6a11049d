/**
 * The renderer tests' environment: a fake `window.pdfApp` joined to the store through the real
 * IPC sync, and element sizes for jsdom (it has no layout, so virtualized grids would render no rows).
 */
import type { PdfAppApi } from '../../../electron/ipc/contract.ts'
import { installIpcSync } from '../../../renderer/store/ipc-sync.ts'
import { createFakeApi, type FakeApi } from './fake-api.tsx'

const ELEMENT_SIZE = { clientWidth: 800, clientHeight: 460 }

/** Gives every element an 800×460 client size; returns the function that takes it away again. */
export function fakeElementSize(): () => void {
  for (const [key, value] of Object.entries(ELEMENT_SIZE)) {
    Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value })
  }
  return () => {
    for (const key of Object.keys(ELEMENT_SIZE)) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[key]
  }
}

/** A fake API installed as `window.pdfApp` with the store's IPC sync on it; `disconnect()` undoes both. */
export function connectFakeApi(overrides: Partial<PdfAppApi> = {}): { readonly fake: FakeApi; disconnect(): void } {
  const fake = createFakeApi(overrides)
  window.pdfApp = fake.api
  const offSync = installIpcSync(fake.api)
  return {
    fake,
    disconnect() {
      offSync()
      delete window.pdfApp
    },
  }
}
