/**
 * The page picker's edits, turned into page-range text (the one stored fact; the selection is
 * derived from it in `store/selectors.ts` `selectPickedPages`). Pure functions.
 */
import { formatPageRange, range } from '../../electron/shared/page-range.ts'

/** One click on the picker: these pages become selected (`select`) or unselected. */
export interface PageChange {
  readonly pages: readonly number[]
  readonly select: boolean
}

/**
 * The range text after a change: '' when every page ends up selected (an empty field means all
 * pages), else the compact form (`formatPageRange`, e.g. "1-3, 5").
 *
 * @param selected the pages selected now (1-based).
 * @returns null when the change would leave no page selected (the grammar has no "none": an empty
 *   field means all pages), so the caller keeps the selection and says why.
 */
export function nextPageRangeText(selected: ReadonlySet<number>, pageCount: number, change: PageChange): string | null {
  const next = new Set(selected)
  for (const page of change.pages) {
    if (page < 1 || page > pageCount) continue
    if (change.select) next.add(page)
    else next.delete(page)
  }
  if (next.size === 0) return null
  if (next.size === pageCount) return ''
  return formatPageRange([...next].sort((a, b) => a - b))
}

/** The inclusive span between two pages, in either order. */
export function pageSpan(a: number, b: number): number[] {
  return range(Math.min(a, b), Math.max(a, b))
}
