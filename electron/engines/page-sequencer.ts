/**
 * Publishes downloaded pages in page order.
 *
 * Rule: the file of page N is committed (renamed into place) only after every selected page before
 * N of the same request is in place. Chunks run in parallel and may finish out of order; their
 * pages wait as temp files until the gap before them closes. So a folder never shows page 7
 * without pages 1-6: a viewer, a sync tool or a later `--resume` can trust that the visible pages
 * are a prefix of the selection. Commits are serialized (one at a time), which also keeps
 * collision numbering (` (2)`) stable in page order.
 */

/** Commits one ready page; returns whatever the caller wants to collect (e.g. the written file). */
export type CommitPage<T> = (page: number, tempPath: string) => Promise<T>

/** See the module comment. */
export class PageSequencer<T> {
  private readonly order: readonly number[]
  private readonly ready = new Map<number, string>()
  private next = 0
  private chain: Promise<void> = Promise.resolve()
  private failure: unknown
  private readonly commit: CommitPage<T>
  private readonly onCommitted: (value: T, page: number, index: number) => void
  private readonly onFailure: (err: unknown) => void

  /**
   * @param order the selected pages in the order they must appear.
   * @param onFailure called once when a commit fails (the caller aborts the conversion).
   */
  constructor(options: {
    order: readonly number[]
    commit: CommitPage<T>
    onCommitted: (value: T, page: number, index: number) => void
    onFailure: (err: unknown) => void
  }) {
    this.order = options.order
    this.commit = options.commit
    this.onCommitted = options.onCommitted
    this.onFailure = options.onFailure
  }

  /** Pages committed so far. */
  get committedCount(): number {
    return this.next
  }

  /** True once every page is committed. */
  get isComplete(): boolean {
    return this.next >= this.order.length
  }

  /** Temp files handed in but not committed yet (for cleanup). */
  pendingTempPaths(): string[] {
    return [...this.ready.values()]
  }

  /** Hands in a finished temp file for `page`; commits whatever became contiguous. Never throws. */
  add(page: number, tempPath: string): void {
    this.ready.set(page, tempPath)
    this.chain = this.chain.then(() => this.drain())
  }

  /** Resolves when every commit started so far has ended; rejects with the first commit failure. */
  async settled(): Promise<void> {
    await this.chain
    if (this.failure !== undefined) throw this.failure
  }

  private async drain(): Promise<void> {
    while (this.failure === undefined && this.next < this.order.length) {
      const page = this.order[this.next]
      if (page === undefined) return
      const temp = this.ready.get(page)
      if (temp === undefined) return
      try {
        const value = await this.commit(page, temp)
        this.ready.delete(page)
        this.next++
        this.onCommitted(value, page, this.next - 1)
      } catch (err) {
        this.ready.delete(page)
        this.failure = err
        this.onFailure(err)
      }
    }
  }
}
