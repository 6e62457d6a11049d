/**
 * What the offline engine needs on disk, checked once when it is created, so that a broken
 * install is said in plain words at start instead of as a failure deep in a conversion: PDFium's
 * WASM binary (without it the local engine cannot convert; the PDF.co engine still works) and the
 * fallback fonts (without them, text in fonts a PDF does not embed may be missing).
 */
import { existsSync } from 'node:fs'
import { missingFallbackFonts } from '../../render/pdfium-fonts.ts'
import { pdfiumWasmPath } from '../../render/pdfium-module.ts'

/** The outcome: `fatal` stops every local conversion; `warning` is attached to each. */
export interface OfflineEngineCheck {
  readonly fatal?: string | undefined
  readonly warning?: string | undefined
}

/** Checks the WASM binary and the fallback fonts. Never throws. */
export function checkOfflineEngine(): OfflineEngineCheck {
  let wasm: string
  try {
    wasm = pdfiumWasmPath()
  } catch {
    wasm = ''
  }
  if (wasm === '' || !existsSync(wasm)) {
    return {
      fatal: `The offline engine cannot start: its PDF renderer (PDFium WebAssembly${wasm === '' ? '' : `, ${wasm}`}) is missing. Reinstall the app, or convert with PDF.co.`,
    }
  }
  const missing = missingFallbackFonts()
  if (missing.length === 0) return {}
  return {
    warning: `The offline engine's fallback fonts are missing (${missing.length} file${missing.length === 1 ? '' : 's'}, e.g. ${missing[0]}): text in fonts a PDF does not embed (Japanese, Chinese, Korean, Arabic, Hebrew, Greek, Cyrillic) may not be drawn. Reinstall the app to restore them.`,
  }
}
