import { describe, expect, it } from 'vitest'
import { chunkPages, resolveRequestPages } from '../../../../electron/engines/request-pages.ts'

describe('resolveRequestPages', () => {
  it('pages win, sorted and unique', () => {
    expect(resolveRequestPages({ pages: [4, 2, 2, 3], pageRange: '1' }, 14)).toEqual([2, 3, 4])
  })
  it('falls back to the range text, then to every page', () => {
    expect(resolveRequestPages({ pages: null, pageRange: '2-4, last' }, 14)).toEqual([2, 3, 4, 14])
    expect(resolveRequestPages({ pages: null }, 3)).toEqual([1, 2, 3])
    expect(resolveRequestPages({ pages: null, pageRange: '  ' }, 2)).toEqual([1, 2])
  })
  it('names the bad part', () => {
    expect(() => resolveRequestPages({ pages: [9] }, 4)).toThrow('Page 9 is past the end: this PDF has 4 pages')
    expect(() => resolveRequestPages({ pages: [0] }, 4)).toThrow(/counted from 1/)
    expect(() => resolveRequestPages({ pages: [] }, 4)).toThrow(/No pages/)
    expect(() => resolveRequestPages({ pages: null, pageRange: '3-1' }, 4)).toThrow(/3-1 is reversed/)
    try {
      resolveRequestPages({ pages: null, pageRange: '9' }, 4)
    } catch (err) {
      expect(err).toMatchObject({ code: 'input/page-range' })
    }
  })
})

describe('chunkPages', () => {
  it('splits into consecutive groups', () => {
    expect(chunkPages([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]])
    expect(chunkPages([2, 5, 9], 10)).toEqual([[2, 5, 9]])
    expect(chunkPages([1, 2], 0)).toEqual([[1], [2]])
  })
})
