/**
 * A concurrency limiter that starts the NEWEST waiting task first (LIFO) and drops waiting tasks
 * whose signal aborts.
 *
 * Why: thumbnails are requested by the cells in view. After a fast scroll the oldest requests are
 * for cells already scrolled away (the browser aborts them); the newest are the ones on screen, so
 * they go first, and aborted ones never run. A task that has started runs to its end (sharp and
 * the PDF renderer cannot be interrupted cheaply, and its result is cached for the next scroll back).
 */

/** The error a waiting task's promise rejects with when its signal aborts before it starts. */
export class TaskAbortedError extends Error {
  constructor() {
    super('The thumbnail request was cancelled before it started')
    this.name = 'AbortError'
  }
}

interface Waiting {
  readonly start: () => void
  readonly drop: () => void
}

/** LIFO limiter; see the module comment. */
export class LifoLimiter {
  private readonly waiting: Waiting[] = []
  private running = 0

  /** @param concurrency tasks running at once (≥ 1). */
  constructor(private readonly concurrency: number) {}

  /** Tasks waiting for a slot. */
  get pendingCount(): number {
    return this.waiting.length
  }

  /** Tasks running now. */
  get activeCount(): number {
    return this.running
  }

  /**
   * Runs `task` when a slot is free, newest first.
   *
   * @throws TaskAbortedError (rejected promise) when `signal` aborts before the task starts;
   *   otherwise whatever the task throws.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new TaskAbortedError())
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => entry.drop()
      const entry: Waiting = {
        start: () => {
          signal?.removeEventListener('abort', onAbort)
          this.running++
          task()
            .then(resolve, reject)
            .finally(() => {
              this.running--
              this.next()
            })
        },
        drop: () => {
          const at = this.waiting.indexOf(entry)
          if (at < 0) return
          this.waiting.splice(at, 1)
          reject(new TaskAbortedError())
        },
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(entry)
      this.next()
    })
  }

  private next(): void {
    while (this.running < this.concurrency) {
      const entry = this.waiting.pop()
      if (entry === undefined) return
      entry.start()
    }
  }
}
