/**
 * Whether a build is newer than its sources, by modification time: the launchers (`npm start`,
 * `npm run convert`) and the tests use it to skip a `vite build` that would change nothing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

/** Newest modification time (ms since the epoch) of `target`, or of the files below it; 0 when absent. */
export function newestMtimeMs(target) {
  if (!existsSync(target)) return 0
  const info = statSync(target)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtimeMs(path.join(target, entry)))
  return newest
}

/**
 * True when every file of `outputs` exists and is at least as new as everything in `sources`.
 *
 * @param {string} root repository root the relative paths are resolved against
 * @param {readonly string[]} outputs build outputs (files)
 * @param {readonly string[]} sources files or folders the outputs are built from
 */
export function isBuildFresh(root, outputs, sources) {
  const outputTimes = outputs.map((p) => (existsSync(path.join(root, p)) ? statSync(path.join(root, p)).mtimeMs : 0))
  const oldestOutput = Math.min(...outputTimes)
  if (oldestOutput === 0) return false
  return Math.max(...sources.map((p) => newestMtimeMs(path.join(root, p)))) <= oldestOutput
}

/** What `vite build` writes for the app, and what it is built from. */
export const APP_BUILD = {
  outputs: ['dist/index.html', 'dist-electron/main.js', 'dist-electron/preload.cjs'],
  sources: ['electron', 'renderer', 'vite.config.ts', 'package.json'],
}
