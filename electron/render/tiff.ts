/**
 * Multi-page TIFF assembly from single-page TIFFs (as sharp/libvips writes them).
 *
 * Why own code: sharp's `join` needs every page in memory at once and pads pages to one size, so
 * a 200-page document or mixed portrait/landscape pages cannot go through it. Here each page is
 * encoded alone and appended to the output: every page's IFD chain is copied with its offsets
 * shifted, and the previous page's last "next IFD" pointer is patched to it (TIFF 6.0 §2, "Image
 * File Directory"; multi-page files are IFD chains, §"Multiple images per file"). Memory is one
 * encoded page at a time. Classic TIFF only (files < 4 GiB); BigTIFF input is rejected.
 */
import type { FileHandle } from 'node:fs/promises'

/** Byte size of each TIFF field type (TIFF 6.0 §2 "Types", plus 13 = IFD from the TIFF/EP set). */
const TYPE_SIZE: Readonly<Record<number, number>> = {
  1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4,
}
/** Tags whose values are file offsets (strip/tile data, sub-IFDs, Exif/GPS/Interop IFDs). */
const OFFSET_TAGS = new Set([273, 324, 330, 34665, 34853, 40965])
/** Tags whose values are IFD offsets that need walking (their entries may hold offsets too). */
const SUB_IFD_TAGS = new Set([330, 34665, 34853, 40965])

interface Endian {
  u16(buf: Buffer, at: number): number
  u32(buf: Buffer, at: number): number
  w32(buf: Buffer, value: number, at: number): void
}
const LE: Endian = {
  u16: (b, a) => b.readUInt16LE(a),
  u32: (b, a) => b.readUInt32LE(a),
  w32: (b, v, a) => void b.writeUInt32LE(v, a),
}
const BE: Endian = {
  u16: (b, a) => b.readUInt16BE(a),
  u32: (b, a) => b.readUInt32BE(a),
  w32: (b, v, a) => void b.writeUInt32BE(v, a),
}

/** One single-page TIFF rewritten to sit at a given file offset. */
interface RelocatedTiff {
  /** The file body without its 8-byte header, offsets already shifted. */
  readonly body: Buffer
  /** Offsets (in the final file) of the first IFD and of the last IFD's "next IFD" field. */
  readonly firstIfdAt: number
  readonly lastNextPointerAt: number
  readonly bigEndian: boolean
}

/**
 * Rewrites a classic TIFF so that its bytes after the header can be placed at `position` in
 * another TIFF file.
 *
 * @throws Error when the buffer is not a classic TIFF or its IFDs point outside the buffer.
 */
function relocateTiff(tiff: Buffer, position: number): RelocatedTiff {
  if (tiff.length < 8) throw new Error('Not a TIFF: too short')
  const order = tiff.toString('latin1', 0, 2)
  const e = order === 'II' ? LE : order === 'MM' ? BE : undefined
  if (e === undefined || e.u16(tiff, 2) !== 42) throw new Error('Not a classic TIFF (BigTIFF or other data)')
  const delta = position - 8
  const out = Buffer.from(tiff) // copy; shifted in place
  const fix = (at: number): void => {
    const value = e.u32(tiff, at)
    if (value !== 0) e.w32(out, value + delta, at)
  }
  const checkRange = (at: number, len: number): void => {
    if (at < 8 || at + len > tiff.length) throw new Error(`Broken TIFF: offset ${at} outside the file`)
  }

  const seen = new Set<number>()
  let lastNextPointerAt = -1
  const walk = (ifdAt: number, isMainChain: boolean): void => {
    let at = ifdAt
    while (at !== 0) {
      if (seen.has(at)) throw new Error('Broken TIFF: IFD loop')
      seen.add(at)
      checkRange(at, 2)
      const count = e.u16(tiff, at)
      checkRange(at, 2 + count * 12 + 4)
      for (let i = 0; i < count; i++) {
        const entry = at + 2 + i * 12
        const tag = e.u16(tiff, entry)
        const type = e.u16(tiff, entry + 2)
        const n = e.u32(tiff, entry + 4)
        const size = (TYPE_SIZE[type] ?? 1) * n
        const inline = size <= 4
        const valueAt = entry + 8
        if (!inline) {
          const dataAt = e.u32(tiff, valueAt)
          checkRange(dataAt, size)
          fix(valueAt)
          if (OFFSET_TAGS.has(tag)) {
            for (let k = 0; k < n; k++) offsetValue(dataAt, type, k)
            if (SUB_IFD_TAGS.has(tag)) for (let k = 0; k < n; k++) walk(e.u32(tiff, dataAt + k * 4), false)
          }
        } else if (OFFSET_TAGS.has(tag)) {
          for (let k = 0; k < n; k++) offsetValue(valueAt, type, k)
          if (SUB_IFD_TAGS.has(tag)) for (let k = 0; k < n; k++) walk(e.u32(tiff, valueAt + k * 4), false)
        }
      }
      const nextAt = at + 2 + count * 12
      const next = e.u32(tiff, nextAt)
      fix(nextAt)
      if (isMainChain && next === 0) lastNextPointerAt = nextAt
      at = next
    }
  }
  const offsetValue = (base: number, type: number, k: number): void => {
    if (type === 3) {
      // SHORT offsets only fit when the file stays tiny; libvips writes LONG. Refuse rather than corrupt.
      throw new Error('TIFF with 16-bit strip offsets is not supported')
    }
    fix(base + k * 4)
  }

  const firstIfd = e.u32(tiff, 4)
  walk(firstIfd, true)
  return {
    body: out.subarray(8),
    firstIfdAt: firstIfd + delta,
    lastNextPointerAt: lastNextPointerAt + delta,
    bigEndian: e === BE,
  }
}

/**
 * Joins single-page (or multi-page) classic TIFFs into one multi-page TIFF, in memory.
 *
 * Pages may differ in size and compression. For long documents prefer {@link TiffFileWriter}.
 *
 * @throws Error when an input is not a classic TIFF, mixes byte orders, or the result would
 *   reach 4 GiB.
 */
export function joinTiffPages(pages: readonly Buffer[]): Buffer {
  if (pages.length === 0) throw new Error('joinTiffPages: no pages')
  const parts: Buffer[] = []
  let header: Buffer | undefined
  let position = 8
  let previousNext: { part: Buffer; at: number; partStart: number } | undefined
  let bigEndian: boolean | undefined
  for (const page of pages) {
    const r = relocateTiff(page, position)
    if (bigEndian !== undefined && bigEndian !== r.bigEndian) throw new Error('TIFF pages mix byte orders')
    bigEndian = r.bigEndian
    const e = r.bigEndian ? BE : LE
    if (header === undefined) {
      header = Buffer.from(page.subarray(0, 8))
      e.w32(header, r.firstIfdAt, 4)
    } else if (previousNext !== undefined) {
      e.w32(previousNext.part, r.firstIfdAt, previousNext.at - previousNext.partStart)
    }
    parts.push(r.body)
    previousNext = { part: r.body, at: r.lastNextPointerAt, partStart: position }
    position += r.body.length
    if (position > 0xffffffff) throw new Error('Multi-page TIFF would exceed 4 GiB')
  }
  return Buffer.concat([header as Buffer, ...parts])
}

/**
 * Streams a multi-page TIFF to an open file, one page at a time (bounded memory).
 *
 * Usage: `const w = new TiffFileWriter(handle); await w.addPage(tiff1); ...; await w.finish()`.
 * The handle must be empty and opened for writing; the caller closes it.
 */
export class TiffFileWriter {
  readonly #handle: FileHandle
  #position = 8
  #pages = 0
  #lastNextPointerAt = -1
  #bigEndian: boolean | undefined

  constructor(handle: FileHandle) {
    this.#handle = handle
  }

  /** Pages written so far. */
  get pageCount(): number {
    return this.#pages
  }

  /**
   * Appends the pages of one classic TIFF.
   *
   * @throws Error for a non-TIFF input, mixed byte orders, or a file reaching 4 GiB.
   */
  async addPage(tiff: Buffer): Promise<void> {
    const r = relocateTiff(tiff, this.#position)
    if (this.#bigEndian !== undefined && this.#bigEndian !== r.bigEndian) throw new Error('TIFF pages mix byte orders')
    const e = r.bigEndian ? BE : LE
    if (this.#position + r.body.length > 0xffffffff) throw new Error('Multi-page TIFF would exceed 4 GiB')
    if (this.#pages === 0) {
      const header = Buffer.from(tiff.subarray(0, 8))
      e.w32(header, r.firstIfdAt, 4)
      await this.#handle.write(header, 0, 8, 0)
    } else {
      const pointer = Buffer.alloc(4)
      e.w32(pointer, r.firstIfdAt, 0)
      await this.#handle.write(pointer, 0, 4, this.#lastNextPointerAt)
    }
    this.#bigEndian = r.bigEndian
    await this.#handle.write(r.body, 0, r.body.length, this.#position)
    this.#position += r.body.length
    this.#lastNextPointerAt = r.lastNextPointerAt
    this.#pages++
  }

  /** Flushes to disk. @throws Error when no page was added. */
  async finish(): Promise<void> {
    if (this.#pages === 0) throw new Error('TiffFileWriter: no pages')
    await this.#handle.sync()
  }
}
