/**
 * Fallback fonts for PDFium: text in fonts that a PDF does not embed.
 *
 * PDFium asks its "system font info" (`FPDF_SYSFONTINFO`, public/fpdf_sysfontinfo.h) for a font
 * by face name, weight, italic, charset and pitch family. This module answers from the Noto fonts
 * of the `@embedpdf/fonts-*` packages (SIL OFL 1.1), read from disk:
 *
 * | charset PDFium asks for                              | font (weights shipped)                  |
 * |------------------------------------------------------|-----------------------------------------|
 * | Shift-JIS (Japanese)                                 | Noto Sans JP Regular, Bold              |
 * | Hangul / Johab (Korean)                              | Noto Sans KR Regular, Bold              |
 * | GB2312 (Simplified Chinese)                          | Noto Sans SC Regular, Bold              |
 * | Big5 (Traditional Chinese)                           | Noto Sans TC Regular, Bold              |
 * | Arabic                                               | Noto Naskh Arabic Regular, Bold         |
 * | Hebrew                                               | Noto Sans Hebrew Regular, Bold          |
 * | Greek, Cyrillic, Central European, Turkish, Baltic, Vietnamese | Noto Sans Regular, Bold, Italic, Bold Italic |
 *
 * Latin text (ANSI, default and symbol charsets) is left to PDFium's built-in substitutes, which
 * follow the font's own flags: serif, sans-serif or monospace, bold and italic, stretched to the
 * widths the PDF gives (a single sans fallback would turn every serif font sans). Weights of 600
 * and more take the Bold file.
 *
 * Every choice is recorded by face name ({@link FontFallback.substituteFor}) so that warnings can
 * say which font was drawn with what.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { unpackedPath, type RawPdfium } from './pdfium-module.ts'

/** One fallback font file. */
interface FontFile {
  /** npm package holding it (its `fonts/` folder). */
  readonly pkg: string
  readonly file: string
  /** Name used in warnings, e.g. "Noto Sans JP Bold". */
  readonly label: string
}

interface FontFamily {
  readonly regular: FontFile
  readonly bold: FontFile
  readonly italic?: FontFile
  readonly boldItalic?: FontFile
}

function family(pkg: string, stem: string, label: string, withItalics = false): FontFamily {
  const ext = pkg.endsWith('latin') || pkg.endsWith('arabic') || pkg.endsWith('hebrew') ? 'ttf' : 'otf'
  const f = (style: string, styleLabel: string): FontFile => ({ pkg, file: `${stem}-${style}.${ext}`, label: `${label}${styleLabel}` })
  return {
    regular: f('Regular', ''),
    bold: f('Bold', ' Bold'),
    ...(withItalics ? { italic: f('Italic', ' Italic'), boldItalic: f('BoldItalic', ' Bold Italic') } : {}),
  }
}

const LATIN = family('@embedpdf/fonts-latin', 'NotoSans', 'Noto Sans', true)
/** PDFium charset numbers (FXFONT_*_CHARSET) → fallback family. */
const FAMILY_BY_CHARSET: ReadonlyMap<number, FontFamily> = new Map([
  [128, family('@embedpdf/fonts-jp', 'NotoSansJP', 'Noto Sans JP')],
  [129, family('@embedpdf/fonts-kr', 'NotoSansKR', 'Noto Sans KR')],
  [130, family('@embedpdf/fonts-kr', 'NotoSansKR', 'Noto Sans KR')],
  [134, family('@embedpdf/fonts-sc', 'NotoSansHans', 'Noto Sans SC')],
  [136, family('@embedpdf/fonts-tc', 'NotoSansHant', 'Noto Sans TC')],
  [177, family('@embedpdf/fonts-hebrew', 'NotoSansHebrew', 'Noto Sans Hebrew')],
  [178, family('@embedpdf/fonts-arabic', 'NotoNaskhArabic', 'Noto Naskh Arabic')],
  [161, LATIN],
  [162, LATIN],
  [163, LATIN],
  [186, LATIN],
  [204, LATIN],
  [238, LATIN],
])

/** Every font file this module may read (what packaging must ship). */
export function fallbackFontFiles(): Array<{ pkg: string; file: string }> {
  const all = new Map<string, { pkg: string; file: string }>()
  for (const fam of FAMILY_BY_CHARSET.values()) {
    for (const f of [fam.regular, fam.bold, fam.italic, fam.boldItalic]) if (f !== undefined) all.set(`${f.pkg}/${f.file}`, { pkg: f.pkg, file: f.file })
  }
  return [...all.values()]
}

/**
 * Folder of a fonts package's `fonts/`: env `PDFIUM_FONTS_DIR` holds one sub-folder per package
 * name without scope (`fonts-jp/`), else the installed package (asar-unpacked copy when packed).
 */
export function fontPath(pkg: string, file: string): string {
  const override = process.env['PDFIUM_FONTS_DIR']
  if (override !== undefined && override !== '') return path.join(override, pkg.replace(/^@embedpdf\//, ''), file)
  const require = createRequire(import.meta.url)
  // The packages export no `./package.json`: their entry is `dist/index.*`, fonts sit in `fonts/`.
  const root = path.dirname(path.dirname(require.resolve(pkg)))
  return unpackedPath(path.join(root, 'fonts', file))
}

/**
 * Checks that every fallback font file is present; returns the missing ones (empty when all are).
 */
export function missingFallbackFonts(): string[] {
  const missing: string[] = []
  for (const { pkg, file } of fallbackFontFiles()) {
    let where: string
    try {
      where = fontPath(pkg, file)
    } catch {
      missing.push(`${pkg}/${file}`)
      continue
    }
    if (!existsSync(where)) missing.push(where)
  }
  return missing
}

/** The installed fallback, with what it chose so far. */
export interface FontFallback {
  /** The font that drew a non-embedded font of this face name, if PDFium asked for one. */
  substituteFor(face: string): string | undefined
  /** Font files that could not be read (each reported once). */
  takeProblems(): string[]
}

interface Handle {
  readonly font: FontFile
  readonly charset: number
}

/** Normalises a PDF font name for lookups: no subset prefix, no ",Bold" style suffix. */
export function normaliseFaceName(name: string): string {
  return name.replace(/^[A-Z]{6}\+/u, '').replace(/,.*$/u, '').trim()
}

function pick(fam: FontFamily, weight: number, italic: boolean): FontFile {
  const bold = weight >= 600
  if (italic && fam.italic !== undefined && fam.boldItalic !== undefined) return bold ? fam.boldItalic : fam.italic
  return bold ? fam.bold : fam.regular
}

/**
 * Installs the fallback into this thread's PDFium (`FPDF_SetSystemFontInfo`); call once, right
 * after loading the module and before opening documents.
 */
export function installFontFallback(raw: RawPdfium, setSystemFontInfo: (ptr: number) => void): FontFallback {
  const handles = new Map<number, Handle>()
  const bytes = new Map<string, Uint8Array | null>()
  const chosen = new Map<string, string>()
  const problems: string[] = []
  let nextHandle = 1

  const load = (font: FontFile): Uint8Array | null => {
    const key = `${font.pkg}/${font.file}`
    if (!bytes.has(key)) {
      try {
        const data = readFileSync(fontPath(font.pkg, font.file))
        bytes.set(key, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      } catch (err) {
        bytes.set(key, null)
        problems.push(`The fallback font ${font.label} cannot be read (${err instanceof Error ? err.message : String(err)})`)
      }
    }
    return bytes.get(key) ?? null
  }

  const mapFont = (_self: number, weight: number, italic: number, charset: number, _pitch: number, facePtr: number): number => {
    const fam = FAMILY_BY_CHARSET.get(charset)
    if (fam === undefined) return 0
    const font = pick(fam, weight, italic !== 0)
    if (load(font) === null) return 0
    const face = facePtr === 0 ? '' : normaliseFaceName(raw.UTF8ToString(facePtr))
    if (face !== '') chosen.set(face, font.label)
    const id = nextHandle++
    handles.set(id, { font, charset })
    return id
  }
  const getFontData = (_self: number, handle: number, table: number, buffer: number, size: number): number => {
    const h = handles.get(handle)
    if (h === undefined || table !== 0) return 0
    const data = load(h.font)
    if (data === null) return 0
    if (buffer !== 0 && size >>> 0 >= data.byteLength) raw.HEAPU8.set(data, buffer)
    return data.byteLength
  }
  const getFaceName = (_self: number, handle: number, buffer: number, size: number): number => {
    const h = handles.get(handle)
    if (h === undefined) return 0
    const name = h.font.label
    if (buffer !== 0 && size > name.length) raw.stringToUTF8(name, buffer, size)
    return name.length + 1
  }
  const fns = [
    raw.addFunction(() => undefined, 'vi'), // Release
    raw.addFunction(() => undefined, 'vii'), // EnumFonts
    raw.addFunction(mapFont, 'iiiiiiii'), // MapFont
    raw.addFunction(() => 0, 'iii'), // GetFont
    raw.addFunction(getFontData, 'iiiiii'), // GetFontData
    raw.addFunction(getFaceName, 'iiiii'), // GetFaceName
    raw.addFunction((_self: number, handle: number) => handles.get(handle)?.charset ?? 0, 'iii'), // GetFontCharset
    raw.addFunction((_self: number, handle: number) => void handles.delete(handle), 'vii'), // DeleteFont
  ]
  // struct FPDF_SYSFONTINFO { int version; 8 function pointers } on wasm32: 36 bytes, kept for the thread's life.
  const struct = raw._malloc(4 * (1 + fns.length))
  raw.HEAP32[struct >> 2] = 1
  fns.forEach((fn, i) => {
    raw.HEAP32[(struct >> 2) + 1 + i] = fn
  })
  setSystemFontInfo(struct)
  return {
    substituteFor: (face) => chosen.get(normaliseFaceName(face)),
    takeProblems: () => problems.splice(0),
  }
}
