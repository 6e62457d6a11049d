import { describe, expect, it } from 'vitest'
import { CancelledError } from '../../../../../electron/errors.ts'
import { PixelBudget } from '../../../../../electron/engines/local/pixel-budget.ts'

describe('pixel budget', () => {
  it('lets small pages run together and a big page run alone, in order', async () => {
    const budget = new PixelBudget(100)
    await budget.acquire(40)
    await budget.acquire(40)
    const order: string[] = []
    const big = budget.acquire(150).then(() => order.push('big'))
    const small = budget.acquire(10).then(() => order.push('small'))
    await Promise.resolve()
    expect(order).toEqual([]) // FIFO: the small one waits behind the big one
    budget.release(40)
    await Promise.resolve()
    expect(order).toEqual([])
    budget.release(40)
    await big
    expect(budget.inFlight).toBe(150)
    budget.release(150)
    await small
    expect(order).toEqual(['big', 'small'])
  })

  it('a waiting acquire ends with CancelledError on abort and frees its place', async () => {
    const budget = new PixelBudget(10)
    await budget.acquire(10)
    const controller = new AbortController()
    const waiting = budget.acquire(5, controller.signal)
    const next = budget.acquire(5)
    controller.abort()
    await expect(waiting).rejects.toBeInstanceOf(CancelledError)
    budget.release(10)
    await next
    expect(budget.inFlight).toBe(5)
  })
})
