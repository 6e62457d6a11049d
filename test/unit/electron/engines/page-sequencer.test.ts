import { describe, expect, it } from 'vitest'
import { PageSequencer } from '../../../../electron/engines/page-sequencer.ts'

describe('PageSequencer', () => {
  it('commits in page order whatever the arrival order', async () => {
    const committed: number[] = []
    const seq = new PageSequencer<number>({
      order: [2, 3, 4, 7],
      commit: async (page) => page,
      onCommitted: (v) => committed.push(v),
      onFailure: () => undefined,
    })
    seq.add(4, 't4')
    seq.add(7, 't7')
    await seq.settled()
    expect(committed).toEqual([])
    expect(seq.pendingTempPaths().sort()).toEqual(['t4', 't7'])
    seq.add(2, 't2')
    await seq.settled()
    expect(committed).toEqual([2])
    seq.add(3, 't3')
    await seq.settled()
    expect(committed).toEqual([2, 3, 4, 7])
    expect(seq.isComplete).toBe(true)
  })
  it('stops at the first failed commit and reports it once', async () => {
    const failures: unknown[] = []
    const seq = new PageSequencer<number>({
      order: [1, 2, 3],
      commit: async (page) => {
        if (page === 2) throw new Error('disk full')
        return page
      },
      onCommitted: () => undefined,
      onFailure: (e) => failures.push(e),
    })
    seq.add(3, 't3')
    seq.add(2, 't2')
    seq.add(1, 't1')
    await expect(seq.settled()).rejects.toThrow('disk full')
    expect(failures).toHaveLength(1)
    expect(seq.committedCount).toBe(1)
    expect(seq.pendingTempPaths()).toEqual(['t3'])
  })
})
