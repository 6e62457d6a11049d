/**
 * Makes sure `dist/` and `dist-electron/` hold a build newer than the sources, running `vite build`
 * at most once at a time across test workers (a lock folder), so the boot and packaging tests can
 * share one build.
 */
import { execFile } from 'node:child_process'
import { mkdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { APP_BUILD, isBuildFresh } from '../../../electron/build-freshness.mjs'

const exec = promisify(execFile)
/** Repository root. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..')
/** Build outputs the tests read. */
export const BUILT = {
  indexHtml: path.join(ROOT, 'dist', 'index.html'),
  mainJs: path.join(ROOT, 'dist-electron', 'main.js'),
  preloadCjs: path.join(ROOT, 'dist-electron', 'preload.cjs'),
}

function isFresh(): boolean {
  return isBuildFresh(ROOT, APP_BUILD.outputs, APP_BUILD.sources)
}

/** Builds unless the outputs are newer than every source; returns whether it built. */
export async function ensureBuilt(): Promise<boolean> {
  if (isFresh()) return false
  const lock = path.join(ROOT, 'node_modules', '.cache', 'pdf-to-image-build.lock')
  await mkdir(path.dirname(lock), { recursive: true })
  const until = Date.now() + 180_000
  for (;;) {
    try {
      await mkdir(lock)
      break
    } catch {
      const info = await stat(lock).catch(() => null)
      if (info !== null && Date.now() - info.mtimeMs > 180_000) await rm(lock, { recursive: true, force: true })
      if (Date.now() > until) throw new Error('timed out waiting for another vite build')
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    if (isFresh()) return false
    const env = { ...process.env }
    delete env['VITEST']
    delete env['PDF_APP_HARNESS_OUT_DIR']
    // Vitest sets NODE_ENV=test, which would make vite bundle React's development build.
    env['NODE_ENV'] = 'production'
    await exec(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 })
    return true
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}
