import { spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureHarnessBuild } from '../harness/build.ts'

const root = path.resolve(import.meta.dirname, '../..')
let blocker: net.Server
let busyPort = 0

beforeAll(async () => {
  blocker = net.createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  busyPort = (blocker.address() as net.AddressInfo).port
})
afterAll(async () => {
  await new Promise<void>((resolve) => blocker.close(() => resolve()))
})

function runHarnessCli(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'test/harness/cli.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stderr }))
  })
}

describe('npm run harness on a busy port', () => {
  it('says which port is taken and suggests --port, without a stack trace (exit 2)', async () => {
    const run = await runHarnessCli(['--port', String(busyPort), '--emulator-port', '0'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`Port ${busyPort} on 127.0.0.1 is already in use`)
    expect(run.stderr).toContain(`--port ${busyPort + 1}`)
    expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  }, 180_000)

  it('names --emulator-port when the emulator is the one that cannot listen', async () => {
    const run = await runHarnessCli(['--port', '0', '--emulator-port', String(busyPort)])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('the PDF.co emulator cannot listen there')
    expect(run.stderr).toContain(`--emulator-port ${busyPort + 1}`)
  }, 180_000)
})

describe('the harness build', () => {
  // Vitest runs with NODE_ENV=test; a vite build that inherits it bundles React's development
  // build, several times slower than what the app ships, and every UI measurement would be off.
  it('bundles React for production even when built from a test run', async () => {
    expect(process.env['NODE_ENV']).toBe('test')
    const dir = await ensureHarnessBuild()
    const assets = path.join(dir, 'assets')
    const js = (await readdir(assets)).filter((f) => f.endsWith('.js'))
    expect(js.length).toBeGreaterThan(0)
    for (const file of js) {
      const text = await readFile(path.join(assets, file), 'utf8')
      expect(text, file).not.toContain('jsxDEV')
      expect(text, file).not.toContain('react-dom.development')
    }
  }, 180_000)
})
