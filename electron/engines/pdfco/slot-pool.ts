/**
 * Job slots of one conversion: at most `size` chunks hold a slot at once, and a chunk may hand its
 * slot on early, when its job is expected to end (`lend`), so that the next chunk is submitted
 * while the job finishes instead of after its end is noticed. At most `size` chunks may run on a
 * lent slot at once, so a model that guesses short can at most double the jobs running.
 */

/** One acquired slot. */
export interface Slot {
  /** Hands the slot on before the chunk ends; idempotent, ignored once released. */
  lend(): void
  /** Frees the slot (or the borrowed place); idempotent. */
  release(): void
}

/** See the module comment. */
export interface SlotPool {
  acquire(): Promise<Slot>
}

/** Creates a pool of `size` slots (≥ 1). */
export function createSlotPool(size: number): SlotPool {
  let free = Math.max(1, size)
  let lentRunning = 0
  const waiting: (() => void)[] = []
  const wakeOne = (): void => {
    if (free <= 0) return
    const next = waiting.shift()
    if (next === undefined) return
    free--
    next()
  }
  return {
    acquire() {
      return new Promise<Slot>((resolve) => {
        waiting.push(() => resolve(makeSlot()))
        wakeOne()
      })
    },
  }

  function makeSlot(): Slot {
    let state: 'held' | 'lent' | 'released' = 'held'
    return {
      lend() {
        if (state !== 'held' || lentRunning >= size) return
        state = 'lent'
        lentRunning++
        free++
        wakeOne()
      },
      release() {
        if (state === 'released') return
        if (state === 'lent') lentRunning--
        else free++
        state = 'released'
        wakeOne()
      },
    }
  }
}
