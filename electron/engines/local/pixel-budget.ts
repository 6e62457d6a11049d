/**
 * A counting semaphore over pixels: bounds how many page pixels are rendered at once across all
 * render workers, so memory stays bounded when pages are huge (a few bitmaps at most in flight).
 * Small pages run side by side; a page larger than the budget runs alone.
 */
import { CancelledError } from '../../errors.ts'

/** See the module comment. */
export class PixelBudget {
  readonly budgetPixels: number
  #inFlight = 0
  readonly #waiters: Array<{ readonly pixels: number; readonly resolve: () => void }> = []

  /** @param budgetPixels pixels that may be in flight together (≥ 1). */
  constructor(budgetPixels: number) {
    this.budgetPixels = Math.max(1, budgetPixels)
  }

  /** Pixels currently granted. */
  get inFlight(): number {
    return this.#inFlight
  }

  /**
   * Waits until `pixels` fit (or nothing else is in flight), in FIFO order, and grants them; the
   * caller must `release(pixels)` afterwards. @throws CancelledError when `signal` aborts first.
   */
  async acquire(pixels: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new CancelledError()
    if (this.#waiters.length === 0 && this.#fits(pixels)) {
      this.#inFlight += pixels
      return
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.#waiters.indexOf(waiter)
        if (at >= 0) this.#waiters.splice(at, 1)
        reject(new CancelledError())
        this.#grant()
      }
      const waiter = {
        pixels,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
    })
  }

  /** Returns pixels granted by {@link acquire}. */
  release(pixels: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - pixels)
    this.#grant()
  }

  #fits(pixels: number): boolean {
    return this.#inFlight === 0 || this.#inFlight + pixels <= this.budgetPixels
  }

  #grant(): void {
    while (this.#waiters.length > 0) {
      const next = this.#waiters[0]
      if (next === undefined || !this.#fits(next.pixels)) return
      this.#waiters.shift()
      this.#inFlight += next.pixels
      next.resolve()
    }
  }
}
