/**
 * One PDF opened in this thread's PDFium: page count, page sizes, rendering to RGBA, warnings.
 *
 * - The file is read on demand through `FPDF_LoadCustomDocument` (a block reader over a file
 *   descriptor), so a large PDF never sits whole in the WASM memory.
 * - Passwords: the empty user password is tried first (files with only an owner password open as
 *   in poppler); then the password as typed, passed as UTF-8. PDFium turns it into what the file's
 *   security handler expects (SASLprep'd UTF-8 for revision 6 AES-256, Latin-1 for revisions 2-4;
 *   PDF 32000-2 §7.6.4.3). "Wrong password" only when a password was given and refused.
 * - Forms: a form-fill environment is attached to every document (`FPDFDOC_InitFormFillEnvironment`),
 *   which builds missing appearance streams of fields when /NeedAppearances asks for it, and pages
 *   draw form fields with `FPDF_FFLDraw` after the page itself (fpdf_formfill.h).
 * - Geometry: `FPDF_GetPageSizeByIndexF` is the CropBox after /Rotate; /UserUnit, which PDFium
 *   ignores, is read by `pdfium-user-unit.ts` and multiplied in (PDF 32000-2 §14.11.2, table 31;
 *   viewers apply it, poppler's pdftoppm does not). Drawing fits the page to the bitmap's size.
 * - Memory: a page is closed right after it is drawn; {@link PdfiumDocument.reopen} drops the
 *   document's caches (one font dictionary per page would otherwise accumulate).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { FileError } from '../errors.ts'
import type { FontFallback } from './pdfium-fonts.ts'
import type { PdfiumRuntime } from './pdfium-module.ts'
import { pageFontWarnings } from './pdfium-page-fonts.ts'
import { findUserUnits } from './pdfium-user-unit.ts'

/** PDFium's FPDF_ERR_* codes (fpdfview.h). */
const ERR_FILE = 2
const ERR_PASSWORD = 4
const ERR_SECURITY = 5
/** FPDF_ANNOT | FPDF_REVERSE_BYTE_ORDER (RGBA instead of BGRA), fpdfview.h. */
const RENDER_FLAGS = 0x01 | 0x10
/** FPDFBitmap_BGRA: 4 bytes per pixel with alpha. */
const BITMAP_BGRA = 4

/** What opening learnt about the file. */
export interface PdfiumOpenInfo {
  readonly pageCount: number
  /** True when the file has an /Encrypt dictionary (a security handler revision). */
  readonly encrypted: boolean
  /** Plain-words warnings about the whole file (an XFA form shown as its placeholder). */
  readonly warnings: readonly string[]
}

/** One rendered page. */
export interface RenderedRgba {
  /**
   * RGBA, straight alpha, `widthPx * heightPx * 4` bytes: a view on the WASM memory, valid until
   * `release()` and as long as no other PDFium call runs (one could grow and move the memory).
   * Read it (encode it) first, then release it.
   */
  readonly rgba: Buffer
  /** Frees the bitmap's memory. Idempotent. */
  release(): void
  readonly widthPx: number
  readonly heightPx: number
  /** Plain-words warnings of this page (fonts substituted). */
  readonly warnings: string[]
}

/** Reads blocks for every open document of this thread, by descriptor, through one WASM function. */
let blockReader: number | undefined
const readers = new Map<number, number>()

function installBlockReader(runtime: PdfiumRuntime): number {
  if (blockReader !== undefined) return blockReader
  const raw = runtime.raw
  const fn = raw.addFunction((param: number, position: number, buffer: number, size: number): number => {
    const fd = readers.get(param)
    if (fd === undefined) return 0
    try {
      let done = 0
      while (done < size) {
        const n = readSync(fd, raw.HEAPU8, buffer + done, size - done, (position >>> 0) + done)
        if (n === 0) return 0
        done += n
      }
      return 1
    } catch {
      return 0
    }
  }, 'iiiii')
  blockReader = fn
  return fn
}

/** An open document; call {@link PdfiumDocument.close} when done. */
export class PdfiumDocument {
  readonly info: PdfiumOpenInfo
  readonly #runtime: PdfiumRuntime
  readonly #fonts: FontFallback
  readonly #fd: number
  readonly #access: number
  readonly #password: string
  readonly #userUnits: ReadonlyMap<number, number>
  #doc = 0
  #formInfo = 0
  #form = 0
  #pagesSinceOpen = 0

  private constructor(runtime: PdfiumRuntime, fonts: FontFallback, fd: number, access: number, password: string, label: string) {
    this.#runtime = runtime
    this.#fonts = fonts
    this.#fd = fd
    this.#access = access
    this.#password = password
    this.#load()
    const m = runtime.module
    const formType = m.FPDF_GetFormType(this.#doc)
    const warnings =
      formType === 2 || formType === 3
        ? [`${label} is an XFA form: its pages show the placeholder the file carries for viewers without XFA (often "Please wait..."), not the form itself. Open it in Adobe Acrobat or Reader to see the form.`]
        : []
    this.info = { pageCount: m.FPDF_GetPageCount(this.#doc), encrypted: m.FPDF_GetSecurityHandlerRevision(this.#doc) >= 0, warnings }
    this.#userUnits = findUserUnits(fd, this.info.pageCount, (i) => m.EPDFDoc_GetPageObjectNumberByIndex(this.#doc, i))
  }

  /**
   * Opens `sourcePath` (see the module comment for passwords).
   *
   * @throws FileError 'file/not-found' | 'file/unreadable' | 'file/password-required' |
   *   'file/wrong-password' | 'file/damaged'.
   */
  static open(runtime: PdfiumRuntime, fonts: FontFallback, sourcePath: string, password: string | undefined, label = sourcePath): PdfiumDocument {
    let fd: number
    try {
      fd = openSync(sourcePath, 'r')
    } catch (err) {
      const code = (err as { code?: unknown }).code
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileError('file/not-found', `File not found: ${label}`, { cause: err })
      throw new FileError('file/unreadable', `Cannot read ${label}: ${(err as Error).message}`, { cause: err })
    }
    const raw = runtime.raw
    const size = fstatSync(fd).size
    // struct FPDF_FILEACCESS { unsigned long m_FileLen; m_GetBlock; void* m_Param } on wasm32.
    const access = raw._malloc(12)
    raw.HEAP32[access >> 2] = Math.min(size, 0xffffffff) | 0
    raw.HEAP32[(access >> 2) + 1] = installBlockReader(runtime)
    raw.HEAP32[(access >> 2) + 2] = fd
    readers.set(fd, fd)
    const given = password ?? ''
    const tries = given === '' ? [''] : ['', given]
    let lastError = 0
    for (const attempt of tries) {
      try {
        return new PdfiumDocument(runtime, fonts, fd, access, attempt, label)
      } catch (err) {
        if (!(err instanceof OpenError)) {
          release(runtime, fd, access)
          throw err
        }
        lastError = err.code
        if (err.code !== ERR_PASSWORD) break
      }
    }
    release(runtime, fd, access)
    throw openError(lastError, label, given !== '')
  }

  #load(): void {
    const m = this.#runtime.module
    this.#doc = m.FPDF_LoadCustomDocument(this.#access, this.#password)
    if (this.#doc === 0) throw new OpenError(m.FPDF_GetLastError())
    this.#formInfo = m.PDFiumExt_OpenFormFillInfo()
    this.#form = m.PDFiumExt_InitFormFillEnvironment(this.#doc, this.#formInfo)
    this.#pagesSinceOpen = 0
  }

  #unload(): void {
    const m = this.#runtime.module
    if (this.#form !== 0) m.PDFiumExt_ExitFormFillEnvironment(this.#form)
    if (this.#formInfo !== 0) m.PDFiumExt_CloseFormFillInfo(this.#formInfo)
    if (this.#doc !== 0) m.FPDF_CloseDocument(this.#doc)
    this.#form = 0
    this.#formInfo = 0
    this.#doc = 0
  }

  /** Pages drawn since the document was (re)opened. */
  get pagesSinceOpen(): number {
    return this.#pagesSinceOpen
  }

  /** Closes and opens the document again, which frees its caches (fonts, images, parsed pages). */
  reopen(): void {
    this.#unload()
    this.#load()
  }

  /**
   * Displayed size of a page at scale 1 in points: CropBox after /Rotate, /UserUnit applied.
   *
   * @throws FileError 'file/damaged' when the page cannot be read.
   */
  pageSize(page: number): { widthPt: number; heightPt: number } {
    const raw = this.#runtime.raw
    const out = raw._malloc(8)
    try {
      if (!this.#runtime.module.FPDF_GetPageSizeByIndexF(this.#doc, page - 1, out)) {
        throw new FileError('file/damaged', `Page ${page} cannot be read`)
      }
      const unit = this.#userUnits.get(page - 1) ?? 1
      return { widthPt: (raw.HEAPF32[out >> 2] ?? 0) * unit, heightPt: (raw.HEAPF32[(out >> 2) + 1] ?? 0) * unit }
    } finally {
      raw._free(out)
    }
  }

  /** The page's /Rotate (1-based page), normalised to 0, 90, 180 or 270. */
  rotation(page: number): number {
    const quarter = this.#runtime.module.EPDF_GetPageRotationByIndex(this.#doc, page - 1)
    return ((((quarter | 0) % 4) + 4) % 4) * 90
  }

  /**
   * Draws page `page` (1-based) scaled to exactly `widthPx` x `heightPx`, on white or transparent.
   *
   * @throws FileError 'file/damaged' when the page cannot be loaded or the memory for its bitmap
   *   cannot be had.
   */
  render(page: number, widthPx: number, heightPx: number, transparent: boolean): RenderedRgba {
    const m = this.#runtime.module
    const raw = this.#runtime.raw
    const handle = m.FPDF_LoadPage(this.#doc, page - 1)
    if (handle === 0) throw new FileError('file/damaged', `Page ${page} cannot be read`)
    try {
      m.FORM_OnAfterLoadPage(handle, this.#form)
      const stride = widthPx * 4
      const buffer = raw._malloc(stride * heightPx)
      if (buffer === 0) throw new FileError('file/damaged', `Page ${page} is too large for the memory of the PDF renderer (${widthPx}x${heightPx} px)`)
      let freed = false
      const release = (): void => {
        if (freed) return
        freed = true
        raw._free(buffer)
      }
      const bitmap = m.FPDFBitmap_CreateEx(widthPx, heightPx, BITMAP_BGRA, buffer, stride)
      try {
        m.FPDFBitmap_FillRect(bitmap, 0, 0, widthPx, heightPx, transparent ? 0 : 0xffffffff)
        m.FPDF_RenderPageBitmap(bitmap, handle, 0, 0, widthPx, heightPx, 0, RENDER_FLAGS)
        m.FPDF_FFLDraw(this.#form, bitmap, handle, 0, 0, widthPx, heightPx, 0, RENDER_FLAGS)
        // After drawing: PDFium loads (and substitutes) fonts as it draws them.
        const warnings = pageFontWarnings(m, raw, handle, this.#fonts)
        // No copy: copying 8 MB out of the WASM memory costs more than encoding it.
        const rgba = Buffer.from(raw.HEAPU8.buffer, buffer, stride * heightPx)
        return { rgba, release, widthPx, heightPx, warnings }
      } catch (err) {
        release()
        throw err
      } finally {
        m.FPDFBitmap_Destroy(bitmap)
      }
    } finally {
      m.FORM_OnBeforeClosePage(handle, this.#form)
      m.FPDF_ClosePage(handle)
      this.#pagesSinceOpen++
    }
  }

  /** Closes the document and the file. Safe to call twice. */
  close(): void {
    if (this.#doc === 0 && !readers.has(this.#fd)) return
    this.#unload()
    release(this.#runtime, this.#fd, this.#access)
  }
}

class OpenError extends Error {
  constructor(readonly code: number) {
    super(`PDFium could not open the document (error ${code})`)
  }
}

function release(runtime: PdfiumRuntime, fd: number, access: number): void {
  if (!readers.delete(fd)) return
  runtime.raw._free(access)
  try {
    closeSync(fd)
  } catch {
    // Already closed.
  }
}

function openError(code: number, label: string, passwordGiven: boolean): FileError {
  if (code === ERR_PASSWORD) {
    return passwordGiven
      ? new FileError('file/wrong-password', `Wrong password for ${label}`)
      : new FileError('file/password-required', `${label} is password-protected: a password is needed`)
  }
  if (code === ERR_SECURITY) return new FileError('file/damaged', `${label} uses an encryption this app cannot open`)
  if (code === ERR_FILE) return new FileError('file/unreadable', `Cannot read ${label}`)
  return new FileError('file/damaged', `${label} is damaged and cannot be opened`)
}
