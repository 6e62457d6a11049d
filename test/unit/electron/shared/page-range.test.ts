import { describe, expect, it } from 'vitest'
import { describePageRangeIssues, formatPageRange, parsePageRange, toPdfCoPages } from '../../../../electron/shared/page-range.ts'

function pages(text: string, count: number): readonly number[] {
  const r = parsePageRange(text, count)
  if (!r.ok) throw new Error(describePageRangeIssues(r.issues))
  return r.pages
}
function error(text: string, count: number): string {
  const r = parsePageRange(text, count)
  if (r.ok) throw new Error(`expected an error for ${text}`)
  return describePageRangeIssues(r.issues)
}

describe('parsePageRange', () => {
  it('empty or blank text means every page', () => {
    expect(pages('', 4)).toEqual([1, 2, 3, 4])
    expect(pages('   ', 3)).toEqual([1, 2, 3])
  })
  it('single pages, ranges, open ranges and last', () => {
    expect(pages('2', 5)).toEqual([2])
    expect(pages('2-4', 5)).toEqual([2, 3, 4])
    expect(pages('3-', 5)).toEqual([3, 4, 5])
    expect(pages('last', 5)).toEqual([5])
    expect(pages('LAST', 5)).toEqual([5])
    expect(pages('4-last', 6)).toEqual([4, 5, 6])
    expect(pages('1, 3 - 4 ,6-', 7)).toEqual([1, 3, 4, 6, 7])
  })
  it('sorts, merges and de-duplicates', () => {
    const r = parsePageRange('5, 1-2, 2-3, 5', 6)
    expect(r).toEqual({ ok: true, pages: [1, 2, 3, 5], spans: [{ from: 1, to: 3 }, { from: 5, to: 5 }] })
  })
  it('names a page past the end', () => {
    expect(error('9', 4)).toBe('page 9 is past the end: this PDF has 4 pages')
    expect(error('2-9', 1)).toBe('page 9 is past the end: this PDF has 1 page')
  })
  it('names a reversed range', () => {
    expect(error('3-1', 4)).toBe('3-1 is reversed (write 1-3)')
  })
  it('rejects page 0, junk, empty items, double dashes and missing starts', () => {
    expect(error('0', 4)).toBe('pages are counted from 1')
    expect(error('abc', 4)).toContain('"abc" is not a page number')
    expect(error('1.5', 4)).toContain('"1.5" is not a page number')
    expect(error('1-2-3', 4)).toBe('"1-2-3" has more than one dash')
    expect(error('-3', 4)).toBe('"-3" needs a first page, e.g. 1-3')
  })
  it('accepts what people type: dashes, full-width digits, spaces, repeated commas', () => {
    expect(pages('2\u20134', 5)).toEqual([2, 3, 4]) // en dash
    expect(pages('2 \u2014 4', 5)).toEqual([2, 3, 4]) // em dash with spaces
    expect(pages('1\u22123', 5)).toEqual([1, 2, 3]) // minus sign
    expect(pages('\uFF13\uFF0D\uFF15', 6)).toEqual([3, 4, 5]) // full-width 3－5
    expect(pages('\uFF11\uFF0C\uFF14', 6)).toEqual([1, 4]) // full-width digits and comma
    expect(pages('1 3 5', 6)).toEqual([1, 3, 5])
    expect(pages('1 3-4 6-', 7)).toEqual([1, 3, 4, 6, 7])
    expect(pages('1 - 3 5', 6)).toEqual([1, 2, 3, 5])
    expect(pages('2 -', 4)).toEqual([2, 3, 4])
    expect(pages('1,,2, ,3,', 4)).toEqual([1, 2, 3])
    expect(pages('1\u30012\u3000last', 5)).toEqual([1, 2, 5]) // ideographic comma and space
  })
  it('names the bad part as it was typed', () => {
    expect(error('\uFF13\u2013\uFF11', 4)).toBe('\uFF13\u2013\uFF11 is reversed (write 1-3)')
    expect(error('1 9', 4)).toBe('page 9 is past the end: this PDF has 4 pages')
    expect(error('1 x 3', 4)).toBe('"x" is not a page number (use numbers, ranges like 2-5, or "last")')
    expect(error('2\u2013y', 4)).toContain('"y" is not a page number')
    expect(error(',,', 4)).toBe('no page numbers: type pages like 1, 3-5, 8-')
    const r = parsePageRange('1, 9 3\u20131', 4)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues.map((i) => i.part)).toEqual(['9', '3\u20131'])
  })
  it('reports every bad part at once', () => {
    const r = parsePageRange('9, 3-1', 4)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues.map((i) => i.part)).toEqual(['9', '3-1'])
  })
  it('a PDF without pages has no valid range', () => {
    expect(parsePageRange('', 0).ok).toBe(false)
  })
})

describe('toPdfCoPages (the one 1-based → 0-based translation)', () => {
  it('makes 0-based, compressed PDF.co syntax', () => {
    expect(toPdfCoPages([2, 3, 4])).toBe('1-3')
    expect(toPdfCoPages([1])).toBe('0')
    expect(toPdfCoPages([7, 1, 2, 4])).toBe('0-1,3,6')
  })
})

describe('formatPageRange', () => {
  it('compresses pages into the people grammar', () => {
    expect(formatPageRange([1, 2, 3, 5, 7, 8])).toBe('1-3, 5, 7-8')
    expect(formatPageRange([])).toBe('')
  })
  it('round-trips through parsePageRange', () => {
    const sel = [1, 4, 5, 6, 10]
    expect(pages(formatPageRange(sel), 10)).toEqual(sel)
  })
})
