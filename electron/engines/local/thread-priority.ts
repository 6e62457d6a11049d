/**
 * Background priority for the local engine's drawing and encoding threads (Linux).
 *
 * A conversion keeps every core busy: the render workers run PDFium, and libvips (through sharp)
 * encodes each page on its own thread pool, which does most of the CPU work. At equal priority the
 * window (the main thread's IPC, Chromium's processes) waits its turn behind a dozen runnable
 * threads, and thumbnails appear seconds late. At nice 10 these threads still take every idle
 * cycle, so a conversion alone on the machine is as fast as before, but anything at normal
 * priority (the window, the user's other programs) runs first.
 *
 * Linux only: there the nice value belongs to a thread, so `setpriority(PRIO_PROCESS, tid)` lowers
 * one thread and leaves the main thread alone. On macOS and Windows the same call changes the whole
 * process (the app's main thread included), so nothing is changed there. A thread cannot raise its
 * priority back without privileges; threads that end are replaced by fresh ones, so this is never
 * undone and never needs to be.
 */
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'

/** Nice value of the conversion threads (`os.constants.priority.PRIORITY_BELOW_NORMAL`). */
export const BACKGROUND_NICE = os.constants.priority.PRIORITY_BELOW_NORMAL

/** Thread names (`/proc/self/task/<tid>/comm`) of libvips' worker pool, which sharp encodes on. */
const HELPER_THREAD = /^(libvips|vips)/

const supported = process.platform === 'linux'

/**
 * Lowers the calling thread to {@link BACKGROUND_NICE}. Call it first thing in a worker thread.
 *
 * @returns true when the priority was lowered; false on other platforms or when the system refused
 *   (never throws: a thread at normal priority still converts correctly).
 */
export function lowerOwnThreadPriority(): boolean {
  if (!supported) return false
  try {
    // pid 0 = the calling thread on Linux (see the module comment).
    if (os.getPriority(0) < BACKGROUND_NICE) os.setPriority(0, BACKGROUND_NICE)
    return true
  } catch {
    return false
  }
}

/**
 * Lowers every libvips worker thread of this process that runs above {@link BACKGROUND_NICE}.
 * libvips starts and ends these threads on its own, so callers repeat this (e.g. after each
 * encoded page); one pass reads `/proc/self/task` (a few dozen tiny files, well under a
 * millisecond).
 *
 * @returns how many threads were lowered by this call (0 on other platforms; never throws).
 */
export function lowerHelperThreadPriority(): number {
  if (!supported) return 0
  let lowered = 0
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return 0
  }
  for (const tid of tids) {
    try {
      if (!HELPER_THREAD.test(readFileSync(`/proc/self/task/${tid}/comm`, 'utf8'))) continue
      const id = Number(tid)
      if (os.getPriority(id) >= BACKGROUND_NICE) continue
      os.setPriority(id, BACKGROUND_NICE)
      lowered += 1
    } catch {
      // The thread ended between the listing and the call: nothing to lower.
    }
  }
  return lowered
}
