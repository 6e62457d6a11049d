/**
 * Loading PDFium (WebAssembly build of `@embedpdf/pdfium`) in plain Node: one instance per thread.
 *
 * The WASM binary is read from disk (never fetched): env `PDFIUM_WASM_PATH`, else the installed
 * package's `dist/pdfium.wasm` (its `app.asar.unpacked` copy in a packed app). Messages the module
 * prints (stdout/stderr of the C++ code) are caught and handed to {@link PdfiumRuntime.takeMessages}
 * so that callers can group them as technical details instead of flooding the console.
 *
 * Memory cap: a WASM memory only grows, and PDFium can be driven to grow it to the 2 GiB limit by
 * one content stream that inflates hugely. `WebAssembly.Memory.prototype.grow` is wrapped in this
 * thread so that growing past `maxMemoryBytes` fails like an exhausted heap; PDFium then aborts or
 * returns an error, {@link PdfiumRuntime.memoryCapHit} says why, and the caller must drop the
 * instance (an aborted module is dead). See the Emscripten docs on ALLOW_MEMORY_GROWTH.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { init, type WrappedPdfiumModule } from '@embedpdf/pdfium'

/** The wrapped module: `cwrap`'d PDFium functions plus the raw Emscripten module as `pdfium`. */
export type Pdfium = WrappedPdfiumModule

/** The raw Emscripten module with the heap views it exports. */
export type RawPdfium = WrappedPdfiumModule['pdfium'] & {
  HEAPU8: Uint8Array
  HEAP32: Int32Array
  HEAPF32: Float32Array
  _malloc(size: number): number
  _free(ptr: number): void
}

/** The part of `WebAssembly.Memory` used here (the TS lib of the main world has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(deltaPages: number): number
}

/** One PDFium instance with its diagnostics. */
export interface PdfiumRuntime {
  readonly module: Pdfium
  readonly raw: RawPdfium
  /** Messages printed by the module since the last call (emptied by the call). */
  takeMessages(): string[]
  /** True once a memory growth was refused because of the cap: the instance must be dropped. */
  readonly memoryCapHit: boolean
  /** True once the module aborted: the instance must be dropped. */
  readonly aborted: boolean
  /** The memory cap in bytes. */
  readonly maxMemoryBytes: number
  /** Current size of the WASM memory in bytes. */
  heapBytes(): number
}

/** Default memory cap of one PDFium instance: 512 MiB of WASM memory. */
export const DEFAULT_PDFIUM_MAX_MEMORY_BYTES = 512 * 1024 * 1024

/**
 * Path of `pdfium.wasm`: env `PDFIUM_WASM_PATH`, else the installed `@embedpdf/pdfium` package
 * (the `app.asar.unpacked` copy when running from an asar archive).
 */
export function pdfiumWasmPath(): string {
  const override = process.env['PDFIUM_WASM_PATH']
  if (override !== undefined && override !== '') return path.resolve(override)
  const require = createRequire(import.meta.url)
  const file = path.join(path.dirname(require.resolve('@embedpdf/pdfium')), 'pdfium.wasm')
  return unpackedPath(file)
}

/** The `app.asar.unpacked` twin of a path inside `app.asar`, when it exists; else the path. */
export function unpackedPath(file: string): string {
  const unpacked = file.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`)
  return unpacked !== file && existsSync(unpacked) ? unpacked : file
}

let capBytes = Number.POSITIVE_INFINITY
let capHit = false

/** Wraps `WebAssembly.Memory.prototype.grow` once per thread (see the module comment). */
function installMemoryCap(): void {
  const wasm = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory & { __capped?: boolean } } } }).WebAssembly
  const proto = wasm.Memory.prototype
  if (proto.__capped === true) return
  const original = proto.grow
  proto.grow = function grow(this: WasmMemory, deltaPages: number): number {
    if (this.buffer.byteLength + deltaPages * 65536 > capBytes) {
      capHit = true
      throw new RangeError('PDFium memory cap reached')
    }
    return original.call(this, deltaPages)
  }
  proto.__capped = true
}

/**
 * Loads and initialises PDFium (`PDFiumExt_Init`) on this thread.
 *
 * @throws Error naming the WASM file when it cannot be read or instantiated.
 */
export async function loadPdfium(options: { readonly maxMemoryBytes?: number | undefined } = {}): Promise<PdfiumRuntime> {
  capBytes = options.maxMemoryBytes ?? DEFAULT_PDFIUM_MAX_MEMORY_BYTES
  capHit = false
  installMemoryCap()
  const wasmPath = pdfiumWasmPath()
  let wasmBinary: Buffer
  try {
    wasmBinary = await readFile(wasmPath)
  } catch (err) {
    throw new Error(`The PDF renderer (PDFium) cannot be loaded: ${wasmPath} is missing or unreadable (${errorMessage(err)})`, { cause: err })
  }
  const messages: string[] = []
  let aborted = false
  const capture = (text: string): void => {
    if (messages.length < 1000) messages.push(String(text))
  }
  let module: Pdfium
  try {
    module = await init({
      wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength),
      print: capture,
      printErr: capture,
      onAbort: () => {
        aborted = true
      },
    } as Parameters<typeof init>[0])
    module.PDFiumExt_Init()
  } catch (err) {
    throw new Error(`The PDF renderer (PDFium) cannot start from ${wasmPath}: ${errorMessage(err)}`, { cause: err })
  }
  const raw = module.pdfium as RawPdfium
  return {
    module,
    raw,
    takeMessages: () => messages.splice(0),
    get memoryCapHit() {
      return capHit
    },
    get aborted() {
      return aborted
    },
    maxMemoryBytes: capBytes,
    heapBytes: () => raw.HEAPU8.byteLength,
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
