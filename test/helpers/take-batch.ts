/**
 * Child process for the resume-race tests: opens the journal folder argv[2], waits until the
 * wall-clock time argv[4] (ms), then tries to take batch argv[3] over; prints `took` or
 * `running: <message>` and stays alive (holding the batch) until killed.
 */
import { BatchRunningError, openJournalStore } from '../../electron/journal/journal.ts'

const [dir, batchId, at] = process.argv.slice(2) as [string, string, string]
const store = await openJournalStore({ dir })
await new Promise((r) => setTimeout(r, Math.max(0, Number(at) - Date.now())))
try {
  await store.resumeBatch(batchId)
  process.stdout.write('took\n')
} catch (err) {
  process.stdout.write(err instanceof BatchRunningError ? `running: ${err.message}\n` : `error: ${String(err)}\n`)
}
setInterval(() => undefined, 60_000)
