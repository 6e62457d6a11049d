/**
 * Turns a {@link ConversionRequest}'s page selection into checked 1-based page numbers, once the
 * page count is known locally. Shared by every engine so all report page errors alike.
 */
import { InputError } from '../errors.ts'
import { describePageRangeIssues, parsePageRange, range } from '../shared/page-range.ts'
import type { ConversionRequest } from './types.ts'

/**
 * The 1-based pages to convert, sorted and unique.
 *
 * `pages` wins; else `pageRange` text is parsed; else every page.
 * @throws InputError 'input/page-range' naming the bad part ("page 9 is past the end: this PDF
 *   has 4 pages", "3-1 is reversed", "no pages selected").
 */
export function resolveRequestPages(request: Pick<ConversionRequest, 'pages' | 'pageRange'>, pageCount: number): number[] {
  if (request.pages !== null) {
    if (request.pages.length === 0) throw new InputError('input/page-range', 'No pages selected')
    const bad = request.pages.find((p) => !Number.isInteger(p) || p < 1)
    if (bad !== undefined) throw new InputError('input/page-range', `${bad} is not a page number: pages are counted from 1`)
    const past = request.pages.find((p) => p > pageCount)
    if (past !== undefined) {
      throw new InputError('input/page-range', `Page ${past} is past the end: this PDF has ${pageCount} page${pageCount === 1 ? '' : 's'}`)
    }
    return [...new Set(request.pages)].sort((a, b) => a - b)
  }
  if (request.pageRange !== undefined && request.pageRange.trim() !== '') {
    const parsed = parsePageRange(request.pageRange, pageCount)
    if (!parsed.ok) throw new InputError('input/page-range', `Page range "${request.pageRange}": ${describePageRangeIssues(parsed.issues)}`)
    return [...parsed.pages]
  }
  return range(1, pageCount)
}

/** Splits sorted pages into consecutive groups of at most `size` (the last may be smaller). */
export function chunkPages(pages: readonly number[], size: number): number[][] {
  const n = Math.max(1, Math.floor(size))
  const out: number[][] = []
  for (let i = 0; i < pages.length; i += n) out.push(pages.slice(i, i + n))
  return out
}
