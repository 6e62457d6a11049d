/**
 * Output file names: `<pdf base name>-<page>.<ext>`, legal on Windows, macOS and Linux, and
 * claimed atomically so two conversions never take the same name.
 *
 * Rules (see {@link sanitizeFileName}):
 * - NFC-normalised, non-ASCII kept; `<>:"/\|?*` and control characters become `_`;
 * - no trailing dots or spaces (Windows strips them silently);
 * - Windows reserved device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, also with an extension
 *   such as `con.png`) get a leading `_`;
 * - at most 255 UTF-8 bytes, truncating the stem (never the `-02.png` tail or a ` (2)` suffix)
 *   at a code-point boundary.
 */
import { open, rm } from 'node:fs/promises'
import path from 'node:path'
import { FileError } from '../errors.ts'
import { FORMAT_EXTENSION, type OutputFormat } from '../shared/formats.ts'

/** Longest file name, in UTF-8 bytes, that ext4, APFS and NTFS (255 UTF-16 units) all accept. */
export const MAX_FILE_NAME_BYTES = 255

/** Stem used when nothing usable is left of the source name (e.g. `???.pdf`). */
const FALLBACK_STEM = 'document'

// eslint-disable-next-line no-control-regex
const ILLEGAL_CHARS = /[<>:"/\\|?*\u0000-\u001f\u007f]/g
const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i

/**
 * Makes one path segment legal on Windows, macOS and Linux (rules in the module comment).
 *
 * Does not limit the length; see {@link fitFileName}. Returns `_` for an empty result.
 */
export function sanitizeFileName(name: string): string {
  const out = cleanChars(name)
  return isReservedName(out) ? `_${out}` : out
}

/** NFC, illegal characters → `_`, no trailing dots/spaces, `_` if empty (no reserved-name check). */
function cleanChars(name: string): string {
  const out = name.normalize('NFC').replace(ILLEGAL_CHARS, '_').replace(/[. ]+$/u, '')
  return out === '' ? '_' : out
}

/** True for Windows device names (CON, NUL, COM1 …), also with an extension (`con.png`). */
function isReservedName(name: string): boolean {
  const firstDot = name.indexOf('.')
  const base = firstDot === -1 ? name : name.slice(0, firstDot)
  return RESERVED_NAMES.test(base.trimEnd())
}

/** The final step for a whole name built from a clean stem and a tail: reserved names get `_`. */
function finishName(stem: string, tail: string): string {
  const name = fitFileName(stem, tail)
  return isReservedName(name) ? fitFileName(`_${stem}`, tail) : name
}

/**
 * Joins `stem + tail`, truncating the stem so the whole name is at most `maxBytes` UTF-8 bytes.
 *
 * Truncation keeps whole code points (no split surrogate pairs) and drops trailing dots/spaces
 * left at the cut. @param tail e.g. `-02.png` or `-02 (3).png`; never truncated.
 */
export function fitFileName(stem: string, tail: string, maxBytes = MAX_FILE_NAME_BYTES): string {
  const budget = maxBytes - Buffer.byteLength(tail, 'utf8')
  if (budget <= 0) throw new Error(`file name tail too long: ${tail}`)
  if (Buffer.byteLength(stem, 'utf8') <= budget) return stem + tail
  let used = 0
  let cut = ''
  for (const ch of stem) {
    const bytes = Buffer.byteLength(ch, 'utf8')
    if (used + bytes > budget) break
    used += bytes
    cut += ch
  }
  cut = cut.replace(/[. ]+$/u, '')
  return (cut === '' ? '_' : cut) + tail
}

/**
 * The stem of a source PDF's name: base name without a `.pdf` extension (any case), with illegal
 * characters replaced (the reserved-name check applies to the whole output name, so `con.pdf`
 * gives the legal `con-1.png`).
 *
 * Accepts `/` and `\` separators so Windows paths work on any platform.
 */
export function sourceStem(sourcePath: string): string {
  const base = sourcePath.split(/[\\/]/).pop() ?? ''
  const stem = base.replace(/\.pdf$/i, '')
  const meaningful = stem.normalize('NFC').replace(ILLEGAL_CHARS, '').replace(/[. ]+/gu, '')
  return meaningful === '' ? FALLBACK_STEM : cleanChars(stem)
}

/** Zero-padded 1-based page number, as wide as the page count (14 pages: `02`). */
export function padPage(page: number, pageCount: number): string {
  return String(page).padStart(String(Math.max(pageCount, page)).length, '0')
}

/**
 * The output file name of one page: `<pdf base name>-<page>.<ext>`.
 *
 * `outputFileName('/x/tracemonkey.pdf', 2, 14, 'png')` → `tracemonkey-02.png`. The page number
 * is 1-based and zero-padded to the width of `pageCount`; the name is legal everywhere and at
 * most 255 UTF-8 bytes (the stem is shortened, never the page number or extension).
 */
export function outputFileName(sourcePath: string, page: number, pageCount: number, format: OutputFormat): string {
  return finishName(sourceStem(sourcePath), `-${padPage(page, pageCount)}.${FORMAT_EXTENSION[format]}`)
}

/**
 * The name of a multi-page TIFF (PDF.co returns one TIFF per job):
 * `<base>.tif` for every page, `<base>-02.tif` for one page, `<base>-02-04.tif` for any other
 * selection (first and last selected page).
 *
 * @param pages the selected 1-based pages, sorted.
 */
export function multiPageFileName(
  sourcePath: string,
  pages: readonly number[],
  pageCount: number,
  format: OutputFormat,
): string {
  const ext = FORMAT_EXTENSION[format]
  const first = pages[0] ?? 1
  const last = pages[pages.length - 1] ?? pageCount
  const stem = sourceStem(sourcePath)
  if (pages.length === pageCount && first === 1 && last === pageCount) return finishName(stem, `.${ext}`)
  if (first === last) return finishName(stem, `-${padPage(first, pageCount)}.${ext}`)
  return finishName(stem, `-${padPage(first, pageCount)}-${padPage(last, pageCount)}.${ext}`)
}

/**
 * The n-th collision variant of a name: n=1 → the name itself, n=2 → `stem (2).ext`, …
 *
 * The extension is everything after the last dot (none for dotless names). Stays within 255 bytes.
 */
export function collisionVariant(name: string, n: number): string {
  if (n <= 1) return name
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  return fitFileName(stem, ` (${n})${ext}`)
}

/** Highest ` (n)` suffix tried before giving up with 'file/exists'. */
const MAX_VARIANTS = 9999

/**
 * Picks the final path for `name` in `dir` and claims it atomically.
 *
 * With `overwrite` = true returns `dir/name` and claims nothing (the caller's rename replaces any
 * existing file). Otherwise creates an empty placeholder with `open(…, 'wx')` at the first free
 * variant (`name`, `name (2)`, `name (3)` …), so a concurrent conversion cannot take the same name;
 * the caller must rename its finished temp file over the returned path, or delete it on failure.
 *
 * @throws FileError 'file/exists' when 9999 variants are taken, 'file/write-failed' for other
 *   file-system errors (e.g. the folder does not exist or is read-only).
 */
export async function resolveCollision(dir: string, name: string, overwrite: boolean): Promise<string> {
  if (overwrite) return path.join(dir, name)
  for (let n = 1; n <= MAX_VARIANTS; n++) {
    const candidate = path.join(dir, collisionVariant(name, n))
    try {
      const handle = await open(candidate, 'wx')
      await handle.close()
      return candidate
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw new FileError('file/write-failed', `Cannot create ${candidate}: ${(err as Error).message}`, { cause: err })
    }
  }
  throw new FileError('file/exists', `Too many files named like ${name} in ${dir}`)
}

/** Removes a placeholder claimed by {@link resolveCollision}; never throws. */
export async function releaseClaim(claimedPath: string): Promise<void> {
  await rm(claimedPath, { force: true }).catch(() => undefined)
}
