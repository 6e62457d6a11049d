import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureBuilt } from '../helpers/boot/build.ts'

const root = path.resolve(import.meta.dirname, '../..')
const electronInstalled = existsSync(path.join(root, 'node_modules/electron/path.txt'))

describe('npm start without an Electron binary', () => {
  it.skipIf(electronInstalled)('ends with a plain message pointing to the harness (exit 3, no stack trace)', async () => {
    // Built once for every test that reads dist/ (under a lock); the launcher then skips its own build.
    await ensureBuilt()
    const run = spawnSync(process.execPath, ['electron/start-launcher.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      timeout: 180_000,
    })
    expect(run.status).toBe(3)
    expect(run.stdout).not.toContain('vite')
    expect(run.stderr).toContain("Electron's binary for this computer is not installed")
    expect(run.stderr).toContain('npm run harness')
    expect(run.stderr).toContain('22.12')
    expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  }, 200_000)
})
