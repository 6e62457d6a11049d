import { describe, expect, it } from 'vitest'
import { nextPageRangeText, pageSpan } from '../../../renderer/lib/page-pick.ts'

describe('nextPageRangeText', () => {
  const set = (...pages: number[]) => new Set(pages)

  it('adds and removes pages, writing the compact 1-based form', () => {
    expect(nextPageRangeText(set(1, 2, 3), 10, { pages: [5], select: true })).toBe('1-3, 5')
    expect(nextPageRangeText(set(1, 2, 3, 5), 10, { pages: [2], select: false })).toBe('1, 3, 5')
    expect(nextPageRangeText(set(), 10, { pages: pageSpan(7, 4), select: true })).toBe('4-7')
  })

  it("gives '' (all pages) when every page is selected, and null instead of an empty selection", () => {
    expect(nextPageRangeText(set(1, 2, 4), 4, { pages: [3], select: true })).toBe('')
    expect(nextPageRangeText(set(2), 4, { pages: [2], select: false })).toBeNull()
    expect(nextPageRangeText(set(1, 2), 4, { pages: pageSpan(1, 4), select: false })).toBeNull()
  })

  it('ignores pages outside the document', () => {
    expect(nextPageRangeText(set(1), 3, { pages: [0, 9, 2], select: true })).toBe('1-2')
  })
})
