/**
 * A clock for ticking displays (elapsed time while converting).
 */
import { useEffect, useState } from 'react'

/**
 * Returns `Date.now()`, refreshed every `intervalMs` while `isRunning`.
 *
 * @param isRunning stop ticking (and re-rendering) when false.
 * @param intervalMs refresh period in milliseconds.
 */
export function useNow(isRunning: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!isRunning) return
    setNow(Date.now())
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs)
    return () => window.clearInterval(timer)
  }, [isRunning, intervalMs])
  return now
}
