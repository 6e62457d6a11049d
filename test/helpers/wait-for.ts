/**
 * Polls `find` every 20 ms until it returns a value (not undefined).
 *
 * @param what named in the error, e.g. "the job to finish".
 * @param timeoutMs how long to wait (ms); default 30 s.
 * @throws Error "timed out waiting for <what>".
 */
export async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const found = find()
    if (found !== undefined) return found
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
