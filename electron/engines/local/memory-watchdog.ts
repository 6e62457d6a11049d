/**
 * A backstop for memory: samples the process's resident set size every {@link SAMPLE_MS} and,
 * when it passes the budget, terminates the render worker that has been busy the longest (the one
 * drawing the page that grew), failing its call with a specific error. The pool then replaces the
 * worker, so the other files of a batch go on.
 *
 * The first line of defence is the per-instance WASM memory cap (`render/pdfium-module.ts`), which
 * names the page exactly; this watchdog catches what grows outside the WASM memory.
 */
import { FileError } from '../../errors.ts'
import type { RenderWorker } from './worker-pool.ts'

/** Sampling period in ms. */
export const SAMPLE_MS = 100
/** After stopping a worker, its memory takes a moment to be returned: no second kill before this. */
export const COOLDOWN_MS = 1_000

/** Starts sampling; returns the function that stops it. The timer never keeps the process alive. */
export function startMemoryWatchdog(budgetBytes: number, busyWorkers: () => readonly RenderWorker[], rss: () => number = () => process.memoryUsage.rss()): () => void {
  let quietUntil = 0
  const timer = setInterval(() => {
    if (Date.now() < quietUntil || rss() <= budgetBytes) return
    let oldest: RenderWorker | undefined
    for (const worker of busyWorkers()) {
      if (worker.busySinceMs === undefined) continue
      if (oldest?.busySinceMs === undefined || worker.busySinceMs < oldest.busySinceMs) oldest = worker
    }
    if (oldest === undefined) return
    quietUntil = Date.now() + COOLDOWN_MS
    const mb = Math.round(budgetBytes / (1024 * 1024))
    void oldest.terminate(new FileError('file/damaged', `Drawing this page took the app past its memory budget of ${mb} MB; it was stopped`))
  }, SAMPLE_MS)
  timer.unref()
  return () => clearInterval(timer)
}
