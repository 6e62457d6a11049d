#!/usr/bin/env node
/**
 * `npm start`: builds the app (`vite build`, skipped when the build is newer than every source) and
 * opens it in Electron.
 *
 * The `electron` package fetches its binary for this platform the first time it is asked for its
 * path. Where that download cannot happen (no network, a proxy, a blocked host), the package throws
 * with a stack trace; this launcher asks for the path in a child process instead and, when it
 * fails, ends with a plain message that says what happened and how to try the app's window in a
 * browser (`npm run harness`) meanwhile. Exit codes: Electron's own, 1 when the build fails, 3 when
 * Electron's binary is missing.
 */
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { APP_BUILD, isBuildFresh } from './build-freshness.mjs'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')

if (!isBuildFresh(root, APP_BUILD.outputs, APP_BUILD.sources)) {
  const built = spawnSync(process.execPath, [vite, 'build'], {
    cwd: root,
    stdio: 'inherit',
    // A NODE_ENV other than production in the user's shell would bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (built.status !== 0) {
    process.stderr.write('\nCould not build the app (vite build failed, see above).\n')
    process.exit(built.status ?? 1)
  }
}

/** The Electron binary's path, or null with what the `electron` package printed when it has none. */
function findElectron() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10 * 60_000,
  })
  if (probe.status === 0 && probe.stdout.trim() !== '') return { path: probe.stdout.trim(), detail: '' }
  return { path: null, detail: `${probe.stdout}\n${probe.stderr}` }
}

const electron = findElectron()
if (electron.path === null) {
  // The network error underneath (e.g. "TypeError: fetch failed"), not the package's generic advice.
  const cause = electron.detail.split('\n').map((l) => l.trim()).find((l) => /fetch failed|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT|certificate|proxy|HTTPError/i.test(l)) ?? ''
  process.stderr.write(
    [
      '',
      "PDF to Image could not start: Electron's binary for this computer is not installed, and it",
      'could not be downloaded now (the electron package fetches it from the internet the first time).',
      cause === '' ? '' : `  (${cause})`,
      '',
      'What you can do:',
      '  - connect to the internet and run `npm start` again (Electron 45 also needs Node.js 22.12 or newer), or',
      '  - try the same window in your browser, with the real services behind it: `npm run harness`',
      '    (it prints a URL to open), or convert from the command line: `npm run convert -- --help`.',
      '',
    ].join('\n'),
  )
  process.exit(3)
}

const child = spawn(electron.path, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('error', (err) => {
  process.stderr.write(`PDF to Image could not start Electron (${electron.path}): ${err.message}\n`)
  process.exit(3)
})
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)))
