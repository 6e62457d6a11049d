/**
 * Captures the warnings pdf.js raises, so they are shown on their page instead of being lost in
 * the console (issue 4 §1: "warnings that pdf.js raises for a page are shown on that page").
 *
 * pdf.js 5.6 reports recoverable problems (a broken font, an undecodable image, a repaired xref)
 * only through its `warn()` helper, which calls `console.warn("Warning: ...")` when the verbosity
 * is at least WARNINGS (pdf.mjs and pdf.worker.mjs alike; there is no callback API). In a render
 * worker pdf.js runs on the worker's own thread (its "fake worker"), and the worker does one
 * thing at a time, so every line seen while an operation runs belongs to that operation.
 */

const PREFIX = 'Warning: '
/** Most warnings kept per operation; repeats are dropped. */
const MAX_WARNINGS = 50

let active: string[] | undefined
let installed = false

/**
 * Runs `fn`, appending the pdf.js warnings raised meanwhile to `sink` (deduplicated, at most 50),
 * also when `fn` throws. Not re-entrant across concurrent operations: one capture at a time per
 * thread (the render worker's model).
 */
export async function captureWarningsInto<T>(sink: string[], fn: () => Promise<T>): Promise<T> {
  install()
  const previous = active
  active = sink
  try {
    return await fn()
  } finally {
    active = previous
  }
}

function install(): void {
  if (installed) return
  installed = true
  const original = console.warn
  console.warn = (...args: unknown[]): void => {
    const first = args[0]
    if (active !== undefined && typeof first === 'string' && first.startsWith(PREFIX)) {
      const text = [first.slice(PREFIX.length), ...args.slice(1).map(String)].join(' ').trim()
      if (active.length < MAX_WARNINGS && !active.includes(text)) active.push(text)
      return
    }
    original.apply(console, args)
  }
}
