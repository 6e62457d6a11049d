/**
 * Loading pdf.js (pdfjs-dist, legacy build) in plain Node and opening documents with it.
 *
 * pdf.js runs in-process here (Node has no web worker; pdf.js uses its "fake worker" on the
 * same thread, which also works inside `worker_threads`). Canvases come from @napi-rs/canvas,
 * which pdf.js' Node canvas factory loads by itself.
 *
 * Without the asset folders (standard fonts, packed CMaps, WASM decoders for JPEG 2000 / JBIG2,
 * ICC profiles) pdf.js silently drops non-embedded text, CJK text and some scanned images, so
 * every document is opened with {@link pdfjsAssetUrls}. See `../shared/toolchain.md`.
 */
import { createRequire } from 'node:module'
import { open, stat } from 'node:fs/promises'
import path from 'node:path'

/** The pdf.js module (types from pdfjs-dist). */
export type PdfjsModule = typeof import('pdfjs-dist/legacy/build/pdf.mjs')
/** An opened pdf.js document. */
export type PdfjsDocument = import('pdfjs-dist/legacy/build/pdf.mjs').PDFDocumentProxy
/** One page of an opened pdf.js document. */
export type PdfjsPage = import('pdfjs-dist/legacy/build/pdf.mjs').PDFPageProxy

/** Directory URLs (ending in `/`) of the pdf.js data folders. */
export interface PdfjsAssetUrls {
  /** `standard_fonts/`: the 14 standard fonts (Foxit/Liberation) for non-embedded fonts. */
  readonly standardFontDataUrl: string
  /** `cmaps/` (bcmap, packed): CJK and other predefined CMaps. */
  readonly cMapUrl: string
  /** `wasm/`: OpenJPEG (JPEG 2000), JBIG2 and QCMS decoders. */
  readonly wasmUrl: string
  /** `iccs/`: ICC profiles (CMYK conversion). */
  readonly iccUrl: string
}

let pdfjsPromise: Promise<PdfjsModule> | undefined

/**
 * Loads `pdfjs-dist/legacy/build/pdf.mjs` once per thread (the modern build needs DOMMatrix etc.).
 */
export function loadPdfjs(): Promise<PdfjsModule> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs')
  return pdfjsPromise
}

/**
 * Root folder of the pdfjs-dist package (holding `standard_fonts/`, `cmaps/`, `wasm/`, `iccs/`).
 *
 * Order: the `assetsDir` argument, env `PDFJS_ASSETS_DIR` (the packaged app points it at the
 * unpacked copy), else the installed pdfjs-dist package.
 */
export function pdfjsAssetsRoot(assetsDir?: string): string {
  const override = assetsDir ?? process.env['PDFJS_ASSETS_DIR']
  if (override !== undefined && override !== '') return path.resolve(override)
  const require = createRequire(import.meta.url)
  return path.dirname(require.resolve('pdfjs-dist/package.json'))
}

/**
 * The asset folder paths pdf.js needs in Node, as directory paths ending with the separator.
 *
 * pdf.js' Node factories read them with `fs.readFile(dir + name)`, so these are plain file-system
 * paths, not `file:` URLs.
 */
export function pdfjsAssetUrls(assetsDir?: string): PdfjsAssetUrls {
  const root = pdfjsAssetsRoot(assetsDir)
  const dir = (name: string): string => path.join(root, name) + path.sep
  return {
    standardFontDataUrl: dir('standard_fonts'),
    cMapUrl: dir('cmaps'),
    wasmUrl: dir('wasm'),
    iccUrl: dir('iccs'),
  }
}

/** Options of {@link openPdfjsDocument}. */
export interface OpenPdfjsOptions {
  /** User (open) password. */
  readonly password?: string
  /** Override of the pdf.js assets root (see {@link pdfjsAssetsRoot}). */
  readonly assetsDir?: string
  /**
   * Files larger than this are read on demand in ranges instead of loaded whole, so page counts
   * of huge PDFs cost little memory. Default 8 MiB (above that a whole read costs more memory than
   * the CLI's 150 MB budget allows; bench/RESULTS.md).
   */
  readonly rangeThresholdBytes?: number
}

/** An open pdf.js document plus the way to release it. */
export interface OpenedPdfjs {
  readonly doc: PdfjsDocument
  /** pdf.js warnings seen while opening (they are not printed). */
  readonly openWarnings: readonly string[]
  /** Destroys the document and closes the file. Safe to call twice. */
  close(): Promise<void>
}

const DEFAULT_RANGE_THRESHOLD_BYTES = 8 * 1024 * 1024
const RANGE_CHUNK_BYTES = 256 * 1024

/**
 * Opens a PDF with pdf.js from a file path or bytes; errors are pdf.js' own (callers map them).
 *
 * Bytes are copied (pdf.js takes ownership of the buffer it gets). Big files are read lazily
 * through a `PDFDataRangeTransport` over a file handle. The caller must `close()` the result.
 *
 * @throws pdf.js `PasswordException` (`code` 1 = needed, 2 = wrong), `InvalidPDFException`,
 *   node fs errors (`ENOENT`, `EACCES`, ...).
 */
export async function openPdfjsDocument(source: string | Uint8Array, options: OpenPdfjsOptions = {}): Promise<OpenedPdfjs> {
  const pdfjs = await loadPdfjs()
  const assets = pdfjsAssetUrls(options.assetsDir)
  const common = {
    ...assets,
    cMapPacked: true,
    password: options.password,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: pdfjs.VerbosityLevel.WARNINGS,
  }

  let fileHandle: import('node:fs/promises').FileHandle | undefined
  let params: Parameters<PdfjsModule['getDocument']>[0]
  if (typeof source === 'string') {
    const size = (await stat(source)).size
    fileHandle = await open(source, 'r')
    if (size <= (options.rangeThresholdBytes ?? DEFAULT_RANGE_THRESHOLD_BYTES)) {
      const data = new Uint8Array(size)
      await readFully(fileHandle, data, 0)
      await fileHandle.close()
      fileHandle = undefined
      params = { ...common, data }
    } else {
      const handle = fileHandle
      const transport = new pdfjs.PDFDataRangeTransport(size, null)
      transport.requestDataRange = (begin: number, end: number): void => {
        const chunk = new Uint8Array(Math.max(0, Math.min(end, size) - begin))
        readFully(handle, chunk, begin).then(
          () => transport.onDataRange(begin, chunk),
          // A failed read leaves pdf.js waiting; destroy() (via close()) ends it.
          () => undefined,
        )
      }
      params = {
        ...common,
        range: transport,
        length: size,
        rangeChunkSize: RANGE_CHUNK_BYTES,
        disableAutoFetch: true,
        disableStream: true,
      }
    }
  } else {
    params = { ...common, data: new Uint8Array(source) }
  }

  const warnings = collectPdfjsWarnings()
  const task = pdfjs.getDocument(params)
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    try {
      await task.destroy()
    } finally {
      await fileHandle?.close().catch(() => undefined)
    }
  }
  try {
    const doc = await task.promise
    return { doc, openWarnings: warnings.messages, close }
  } catch (err) {
    await close()
    throw err
  } finally {
    warnings.stop()
  }
}

async function readFully(handle: import('node:fs/promises').FileHandle, into: Uint8Array, position: number): Promise<void> {
  let done = 0
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
}

// ---- pdf.js warnings --------------------------------------------------------------------------
// pdf.js reports recoverable problems (bad fonts, broken images, repaired xref) only through
// `console.warn("Warning: ...")`, from its main and its in-thread worker module alike. While at
// least one render is active, such lines are routed to every active collector instead of the
// console. With several renders in flight on one thread a warning cannot be attributed to its page,
// so each active page gets it (best effort); one render per thread attributes exactly.

interface Collector {
  readonly messages: string[]
}
const activeCollectors = new Set<Collector>()
let originalWarn: typeof console.warn | undefined

/**
 * Routes pdf.js `Warning: ...` console lines to a collector until `stop()` (instead of stderr).
 *
 * pdf.js reports recoverable problems only through `console.warn`. With several operations in
 * flight on one thread, each active collector receives every warning (best effort).
 */
export function collectPdfjsWarnings(): { messages: string[]; stop(): void } {
  if (originalWarn === undefined) {
    const original = console.warn
    originalWarn = original
    console.warn = (...args: unknown[]): void => {
      const first = args[0]
      if (activeCollectors.size > 0 && typeof first === 'string' && first.startsWith('Warning: ')) {
        const text = [first.slice('Warning: '.length), ...args.slice(1).map(String)].join(' ')
        for (const c of activeCollectors) if (c.messages.length < 100) c.messages.push(text)
        return
      }
      original.apply(console, args)
    }
  }
  const collector: Collector = { messages: [] }
  activeCollectors.add(collector)
  return { messages: collector.messages, stop: () => void activeCollectors.delete(collector) }
}
