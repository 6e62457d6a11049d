/**
 * /UserUnit of pages (PDF 32000-2 §14.11.2, table 31: the size of a default user space unit in
 * multiples of 1/72 inch; not inheritable). PDFium ignores it; viewers apply it.
 *
 * PDFium's public API has no access to arbitrary page keys, so the page objects are found in the
 * file itself: only when the bytes contain `/UserUnit` at all (rare), each page's object number
 * (`EPDFDoc_GetPageObjectNumberByIndex`) is looked up as `N 0 obj ... endobj` and its dictionary
 * searched, in the file or, for PDF 1.5 files, inside Flate-compressed object streams
 * (PDF 32000-1 §7.5.7).
 */
import { fstatSync, readSync } from 'node:fs'
import { inflateSync } from 'node:zlib'

/** Files larger than this are not scanned. */
const MAX_SCAN_BYTES = 64 * 1024 * 1024
/** Object streams are inflated only in files up to this size. */
const MAX_OBJSTM_SCAN_BYTES = 16 * 1024 * 1024

/**
 * Page index (0-based) → /UserUnit, for pages that have one other than 1.
 *
 * Never throws: anything unreadable counts as unit 1.
 */
export function findUserUnits(fd: number, pageCount: number, objectNumber: (index: number) => number): Map<number, number> {
  const units = new Map<number, number>()
  try {
    const size = fstatSync(fd).size
    if (size > MAX_SCAN_BYTES) return units
    const bytes = Buffer.alloc(size)
    readSync(fd, bytes, 0, size, 0)
    const text = bytes.toString('latin1')
    const packed = text.includes('/ObjStm') && size <= MAX_OBJSTM_SCAN_BYTES ? objectStreamObjects(text, bytes) : new Map<number, string>()
    if (!text.includes('/UserUnit') && ![...packed.values()].some((o) => o.includes('/UserUnit'))) return units
    for (let i = 0; i < pageCount; i++) {
      const num = objectNumber(i)
      if (num <= 0) continue
      const body = packed.get(num) ?? objectBody(text, num)
      if (body === undefined) continue
      const match = /\/UserUnit\s+([0-9]*\.?[0-9]+)/u.exec(body)
      const unit = match === null ? 1 : Number(match[1])
      if (Number.isFinite(unit) && unit > 0 && unit !== 1) units.set(i, unit)
    }
  } catch {
    // Unit 1 for every page.
  }
  return units
}

function objectBody(text: string, num: number): string | undefined {
  const start = new RegExp(`(?:^|[^0-9])${num}\\s+0\\s+obj`, 'u').exec(text)
  if (start === null) return undefined
  const end = text.indexOf('endobj', start.index)
  return text.slice(start.index, end < 0 ? undefined : end)
}

/** Objects stored in Flate-compressed object streams (PDF 32000-1 §7.5.7): object number → its text. */
export function objectStreamObjects(text: string, bytes: Buffer): Map<number, string> {
  const out = new Map<number, string>()
  const marker = /\/Type\s*\/ObjStm/gu
  for (let m = marker.exec(text); m !== null; m = marker.exec(text)) {
    const dictStart = text.lastIndexOf('obj', m.index)
    const streamAt = text.indexOf('stream', m.index)
    if (dictStart < 0 || streamAt < 0) continue
    const dict = text.slice(dictStart, streamAt)
    if (!dict.includes('/FlateDecode')) continue
    let dataStart = streamAt + 'stream'.length
    if (text[dataStart] === '\r') dataStart++
    if (text[dataStart] === '\n') dataStart++
    const dataEnd = text.indexOf('endstream', dataStart)
    if (dataEnd < 0) continue
    let data: string
    try {
      data = inflateSync(bytes.subarray(dataStart, dataEnd), { maxOutputLength: 16 * 1024 * 1024, finishFlush: 2 }).toString('latin1')
    } catch {
      continue
    }
    const first = Number(/\/First\s+(\d+)/u.exec(dict)?.[1] ?? NaN)
    if (!Number.isFinite(first)) continue
    const header = data.slice(0, first).trim().split(/\s+/u).map(Number)
    for (let i = 0; i + 1 < header.length; i += 2) {
      const next = header[i + 3]
      const from = first + (header[i + 1] ?? 0)
      out.set(header[i] ?? -1, data.slice(from, next === undefined ? undefined : first + next))
    }
  }
  return out
}
