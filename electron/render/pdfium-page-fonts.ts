/**
 * Which fonts of a page are not embedded, and what draws them: the plain-words warning
 * "The font "X" is not embedded in the PDF: drawn with Noto Sans JP".
 *
 * The page's text objects are walked (form XObjects too, a bounded number of objects), their fonts
 * read with `FPDFTextObj_GetFont`, `FPDFFont_GetIsEmbedded` and `FPDFFont_GetBaseFontName`
 * (fpdf_edit.h). The 14 standard fonts and their usual aliases (Arial, Times New Roman, Courier New)
 * are not reported: every PDF reader draws them with its own equivalent.
 */
import type { FontFallback } from './pdfium-fonts.ts'
import { normaliseFaceName } from './pdfium-fonts.ts'
import type { Pdfium, RawPdfium } from './pdfium-module.ts'

/** FPDF_PAGEOBJ_TEXT and FPDF_PAGEOBJ_FORM (fpdf_edit.h). */
const OBJ_TEXT = 1
const OBJ_FORM = 5
/** Most page objects looked at per page. */
const MAX_OBJECTS = 20_000
const STANDARD_PREFIXES = ['Times', 'Helvetica', 'Courier', 'Symbol', 'ZapfDingbats', 'Arial', 'TimesNewRoman', 'CourierNew']

/** Warnings for the non-embedded, non-standard fonts used by text on the page. */
export function pageFontWarnings(m: Pdfium, raw: RawPdfium, page: number, fonts: FontFallback): string[] {
  const seen = new Set<number>()
  const names = new Map<string, number>()
  let budget = MAX_OBJECTS
  const visit = (count: number, get: (i: number) => number, depth: number): void => {
    for (let i = 0; i < count && budget > 0; i++, budget--) {
      const obj = get(i)
      const type = m.FPDFPageObj_GetType(obj)
      if (type === OBJ_FORM && depth < 4) visit(m.FPDFFormObj_CountObjects(obj), (j) => m.FPDFFormObj_GetObject(obj, j), depth + 1)
      if (type !== OBJ_TEXT) continue
      const font = m.FPDFTextObj_GetFont(obj)
      if (font === 0 || seen.has(font)) continue
      seen.add(font)
      if (m.FPDFFont_GetIsEmbedded(font) !== 0) continue
      const name = baseFontName(m, raw, font)
      if (name !== '') names.set(name, m.FPDFFont_GetFlags(font))
    }
  }
  visit(m.FPDFPage_CountObjects(page), (i) => m.FPDFPage_GetObject(page, i), 0)
  const out: string[] = []
  for (const [name, flags] of names) {
    const face = normaliseFaceName(name)
    if (STANDARD_PREFIXES.some((p) => face.replace(/[\s-]/gu, '').startsWith(p))) continue
    const substitute = fonts.substituteFor(face) ?? builtIn(flags)
    out.push(`The font "${face}" is not embedded in the PDF: drawn with ${substitute}`)
  }
  return out
}

function baseFontName(m: Pdfium, raw: RawPdfium, font: number): string {
  const length = m.FPDFFont_GetBaseFontName(font, 0, 0)
  if (length <= 1) return ''
  const buffer = raw._malloc(length)
  try {
    m.FPDFFont_GetBaseFontName(font, buffer, length)
    return raw.UTF8ToString(buffer)
  } finally {
    raw._free(buffer)
  }
}

/** PDFium's built-in substitute for a font with these descriptor flags (PDF 32000-1 §9.8.2). */
function builtIn(flags: number): string {
  if ((flags & 1) !== 0) return 'a built-in monospace font'
  if ((flags & 2) !== 0) return 'a built-in serif font'
  return 'a built-in sans-serif font'
}
