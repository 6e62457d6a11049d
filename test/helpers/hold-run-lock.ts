/**
 * Child process for the resume-race tests: takes this process's run lock, prints its run id, and
 * stays alive until killed (or its stdin closes).
 */
import { holdRunLock } from '../../electron/journal/run-lock.ts'

process.stdout.write(`${holdRunLock()}\n`)
setInterval(() => undefined, 60_000)
