import { describe, expect, it } from 'vitest'
import { createSlotPool } from '../../../../../electron/engines/pdfco/slot-pool.ts'

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('createSlotPool', () => {
  it('holds at most `size` slots; a release admits the next', async () => {
    const pool = createSlotPool(2)
    const got: number[] = []
    const slots = [0, 1, 2].map((i) => pool.acquire().then((s) => (got.push(i), s)))
    await tick()
    expect(got).toEqual([0, 1])
    ;(await slots[0]!).release()
    await tick()
    expect(got).toEqual([0, 1, 2])
  })
  it('a lent slot admits the next chunk early, at most `size` lent at once; release after lend frees nothing twice', async () => {
    const pool = createSlotPool(1)
    const got: number[] = []
    const slots = [0, 1, 2, 3].map((i) => pool.acquire().then((s) => (got.push(i), s)))
    await tick()
    const first = await slots[0]!
    first.lend()
    first.lend()
    await tick()
    expect(got).toEqual([0, 1])
    ;(await slots[1]!).lend() // the one lent place is taken: no third chunk yet
    await tick()
    expect(got).toEqual([0, 1])
    first.release() // ends the lent run: the held slot of chunk 1 may now be lent
    first.release()
    await tick()
    expect(got).toEqual([0, 1])
    ;(await slots[1]!).lend()
    await tick()
    expect(got).toEqual([0, 1, 2])
  })
})
