/**
 * `npm run convert` as a user types it from their own folder: npm runs the script from the project
 * folder, so the CLI must resolve inputs and write its default output where the user is.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'

const KEY = 'npm-run-key-5d1c'
const root = path.resolve(import.meta.dirname, '../..')
let emu: Emulator
let userDir: string

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY })
  userDir = await mkdtemp(path.join(tmpdir(), 'npm-run-convert-'))
  await makePagesPdf(userDir, 'mine.pdf', 2)
})
afterAll(async () => {
  await emu?.close()
  await rm(userDir, { recursive: true, force: true })
})

describe('npm run convert from another folder', () => {
  it('reads mine.pdf from the caller\'s folder and writes the pages there, not into the project', async () => {
    const before = new Set(await readdir(root))
    const run = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('npm', ['--prefix', root, 'run', '--silent', 'convert', '--', 'mine.pdf', '--engine', 'pdfco'], {
        cwd: userDir,
        env: { ...process.env, PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl, PDF_TO_IMAGE_STATE_DIR: path.join(userDir, '.state') },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      child.stdout.on('data', (b: Buffer) => (out += b.toString()))
      child.stderr.on('data', (b: Buffer) => (out += b.toString()))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, out }))
    })
    expect(run.code, run.out).toBe(0)
    expect((await readdir(userDir)).filter((f) => f.endsWith('.png')).sort()).toEqual(['mine-1.png', 'mine-2.png'])
    expect((await readdir(root)).filter((f) => !before.has(f) && f !== 'dist-cli')).toEqual([])
  }, 240_000)
})
