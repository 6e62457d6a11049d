/**
 * /UserUnit of pages (PDF 32000-2 §14.11.2, table 31: the size of a default user space unit in
 * multiples of 1/72 inch; not inheritable). PDFium ignores it; viewers and pdf.js apply it.
 *
 * PDFium's public API has no access to arbitrary page keys, so the page objects are found in the
 * file itself: only when the bytes contain `/UserUnit` at all (rare), each page's object number
 * (`EPDFDoc_GetPageObjectNumberByIndex`) is looked up as `N 0 obj ... endobj` and its dictionary
 * searched. Page objects inside compressed object streams are not seen (they keep unit 1).
 */
import { fstatSync, readSync } from 'node:fs'

/** Files larger than this are not scanned. */
const MAX_SCAN_BYTES = 64 * 1024 * 1024

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
    if (bytes.indexOf('/UserUnit', 0, 'latin1') < 0) return units
    const text = bytes.toString('latin1')
    for (let i = 0; i < pageCount; i++) {
      const num = objectNumber(i)
      if (num <= 0) continue
      const start = new RegExp(`(?:^|[^0-9])${num}\\s+0\\s+obj`, 'u').exec(text)
      if (start === null) continue
      const end = text.indexOf('endobj', start.index)
      const body = text.slice(start.index, end < 0 ? undefined : end)
      const match = /\/UserUnit\s+([0-9]*\.?[0-9]+)/u.exec(body)
      const unit = match === null ? 1 : Number(match[1])
      if (Number.isFinite(unit) && unit > 0 && unit !== 1) units.set(i, unit)
    }
  } catch {
    // Unit 1 for every page.
  }
  return units
}
