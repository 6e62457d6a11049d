/**
 * PDF.co's 0-based `pages` parameter as the emulator reads it (https://docs.pdf.co/api-reference).
 *
 * Kept apart from `electron/shared/page-range.ts` on purpose: that one is the app's 1-based
 * grammar; this one is the server side of the contract the client must hit.
 *
 * Grammar (whitespace allowed around every token): items separated by `,`; an item is `I`,
 * `I-J` (inclusive) or `I-` (to the last page); `I` is `N` (0-based) or `!N` (counted from the
 * end, `!0` = last page). Empty text = every page.
 */

/** Outcome of {@link parsePdfCoPages}: 0-based page indices in the order listed, or an error code. */
export type PdfCoPagesResult =
  | { readonly ok: true; readonly pages: readonly number[] }
  | { readonly ok: false; readonly errorCode: 449 | 450; readonly message: string }

const INDEX = /^(!?)\s*(\d+)$/

/**
 * Parses `pages` against a page count.
 *
 * @returns 449 when an index is past the end (or before the start for `!N`), 450 when the text is
 *   malformed (empty items, junk, a range whose start comes after its end).
 */
export function parsePdfCoPages(text: string | undefined, pageCount: number): PdfCoPagesResult {
  const all = Array.from({ length: pageCount }, (_, i) => i)
  if (text === undefined || text.trim() === '') return { ok: true, pages: all }
  const pages: number[] = []
  for (const rawItem of text.split(',')) {
    const item = rawItem.trim()
    if (item === '') return malformed(`empty item in "${text}"`)
    // Split on the range dash: the first '-' that is not part of a leading index.
    const dash = item.indexOf('-')
    if (dash < 0) {
      const index = resolve(item, pageCount)
      if (index === 'malformed') return malformed(`"${item}" is not a page index`)
      if (index === 'out-of-range') return outOfRange(item, pageCount)
      pages.push(index)
      continue
    }
    const left = item.slice(0, dash).trim()
    const right = item.slice(dash + 1).trim()
    if (left === '' || right.includes('-')) return malformed(`"${item}" is not a page range`)
    const from = resolve(left, pageCount)
    if (from === 'malformed') return malformed(`"${item}" is not a page range`)
    const to = right === '' ? pageCount - 1 : resolve(right, pageCount)
    if (to === 'malformed') return malformed(`"${item}" is not a page range`)
    if (from === 'out-of-range') return outOfRange(item, pageCount)
    if (to === 'out-of-range') return outOfRange(item, pageCount)
    if (from > to) return malformed(`"${item}" is reversed`)
    for (let i = from; i <= to; i++) pages.push(i)
  }
  return { ok: true, pages }
}

function resolve(token: string, pageCount: number): number | 'malformed' | 'out-of-range' {
  const m = INDEX.exec(token)
  if (m === null) return 'malformed'
  const n = Number.parseInt(m[2] as string, 10)
  const index = m[1] === '!' ? pageCount - 1 - n : n
  if (!Number.isSafeInteger(n) || index < 0 || index >= pageCount) return 'out-of-range'
  return index
}

function malformed(message: string): PdfCoPagesResult {
  return { ok: false, errorCode: 450, message: `Invalid page range: ${message}` }
}

function outOfRange(item: string, pageCount: number): PdfCoPagesResult {
  return { ok: false, errorCode: 449, message: `Page index out of range: "${item}" (the document has ${pageCount} pages, indices 0-${pageCount - 1})` }
}
