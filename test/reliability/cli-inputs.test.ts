/**
 * The CLI wired to the batch-safety pieces, run as a user runs it (a child process):
 * - two `report.pdf` from two folders into one output folder, with and without `--overwrite`:
 *   every page of both kept (one batch-wide name registry), on both engines;
 * - a FIFO given as input, and one inside a given folder: refused at once (never opened), listed
 *   with the reason, exit code 1; the good files beside them still convert;
 * - a file name with ESC and a newline: escaped in line output, exact in `--json`;
 * - the open password from PDF_PASSWORD (not the process list), and `--password-prompt` without
 *   a terminal refused as a usage error.
 *
 * The same-name pair comes from the shared fixture corpus (PDF_CORPUS_DIR, its `regressions`
 * sibling folder); that test skips with a message when it is absent.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeEncryptedPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import { SMALL_PAGE, spawnCli } from '../helpers/reliability.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'

const KEY = 'cli-inputs-key-5d21'
const CORPUS = process.env['PDF_CORPUS_DIR'] ?? path.resolve(import.meta.dirname, '../../../shared/fixtures/pdfs')
/** `regressions/same-name` beside the corpus (or inside it). */
const SAME_NAME = [path.join(CORPUS, '..', 'regressions', 'same-name'), path.join(CORPUS, 'regressions', 'same-name')].find((p) =>
  existsSync(path.join(p, 'a', 'report.pdf')),
)
if (SAME_NAME === undefined) console.warn(`cli-inputs.test.ts: same-name test skipped: no regressions/same-name beside ${CORPUS} (set PDF_CORPUS_DIR)`)

let dir: string
let emu: Emulator
let n = 0

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cli-inputs-'))
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

/** Runs the CLI to its end (killed after 60 s, so a hang fails the test instead of stalling it). */
async function cli(args: readonly string[], env: Record<string, string | undefined> = {}) {
  const run = spawnCli(args, { cwd: dir, env: { PDFCO_API_KEY: '', PDF_PASSWORD: '', PDF_TO_IMAGE_STATE_DIR: path.join(dir, 'state'), ...env } })
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 60_000)
  const exit = await run.exited
  clearTimeout(timer)
  return { code: exit.code, signal: exit.signal, stdout: run.stdout(), stderr: run.stderr() }
}

async function freshDir(name: string): Promise<string> {
  const p = path.join(dir, `${name}-${++n}`)
  await mkdir(p, { recursive: true })
  return p
}

describe.skipIf(SAME_NAME === undefined)('two report.pdf from two folders into one output folder', () => {
  const engines = [
    ['local', ['--engine', 'local', '--dpi', '72'], {}],
    ['pdfco', ['--engine', 'pdfco'], { PDFCO_API_KEY: KEY }],
  ] as const
  for (const [engine, flags, env] of engines) {
    it.each([false, true])(`${engine}, overwrite %s: 16 images, 8 of each file`, async (overwrite) => {
      const root = SAME_NAME as string
      const out = await freshDir('same-name')
      const r = await cli([path.join(root, 'a', 'report.pdf'), path.join(root, 'b', 'report.pdf'), ...flags, '--out', out, ...(overwrite ? ['--overwrite'] : [])], {
        ...env,
        PDFCO_BASE_URL: emu.baseUrl,
      })
      expect(r.code, r.stderr + r.stdout).toBe(0)
      const names = (await readdir(out)).sort()
      expect(names).toHaveLength(16)
      // a is 200 x 200 pt (square), b 300 x 120 pt (2.5 : 1): told apart by pixel size.
      const shapes = await Promise.all(names.map(async (name) => {
        const meta = await sharp(path.join(out, name)).metadata()
        return (meta.width ?? 0) === (meta.height ?? 0) ? 'a' : (meta.width ?? 0) / (meta.height ?? 1) > 2 ? 'b' : 'other'
      }))
      expect(shapes.filter((s) => s === 'a')).toHaveLength(8)
      expect(shapes.filter((s) => s === 'b')).toHaveLength(8)
      // Each file keeps one naming variant for all its pages: b takes the " (2)" names.
      expect(names.filter((x, i) => x.includes(' (2)') !== (shapes[i] === 'b'))).toEqual([])
      if (engine === 'local') {
        const sizes = await Promise.all(names.map(async (name) => (await sharp(path.join(out, name)).metadata()).width))
        expect(new Set(sizes)).toEqual(new Set([200, 300]))
      }
    }, 120_000)
  }
})

describe('special files given as input or found in a folder', () => {
  it('a FIFO argument and a FIFO in a folder are listed and make exit 1; the good files convert', async () => {
    const src = await freshDir('fifo')
    const good = await makePagesPdf(src, 'good.pdf', 1, SMALL_PAGE)
    const folder = path.join(src, 'folder')
    await mkdir(folder)
    await makePagesPdf(folder, 'inside.pdf', 1, SMALL_PAGE)
    execFileSync('mkfifo', [path.join(src, 'pipe.pdf')])
    execFileSync('mkfifo', [path.join(folder, 'pipe-2.pdf')])
    await writeFile(path.join(folder, 'notes.txt'), 'not a pdf')
    const out = path.join(src, 'out')
    const t0 = Date.now()
    const r = await cli([path.join(src, 'pipe.pdf'), good, folder, '--engine', 'local', '--dpi', '72', '--out', out])
    expect(r.signal, 'the CLI hung and was killed').toBeNull()
    expect(Date.now() - t0).toBeLessThan(30_000)
    expect(r.code, r.stderr).toBe(1)
    expect((await readdir(out)).sort()).toEqual(['good-1.png', 'inside-1.png'])
    expect(r.stderr).toMatch(/^skipped: .*pipe\.pdf is a named pipe \(FIFO\), not a PDF file \[file\/unreadable\]$/m)
    expect(r.stderr).toMatch(/^skipped: .*folder\/pipe-2\.pdf is a named pipe \(FIFO\)/m)
    expect(r.stderr).toMatch(/^note: .*folder\/notes\.txt is not a PDF/m)
    expect(r.stdout).toMatch(/Summary: 2 converted, 0 failed, 2 skipped/)
    expect(r.stdout).toMatch(/✗ .*folder\/pipe-2\.pdf is a named pipe/)
  })

  it('--json: the summary lists the skipped entries; stdout stays JSON', async () => {
    const src = await freshDir('fifo-json')
    const folder = path.join(src, 'folder')
    await mkdir(folder)
    await makePagesPdf(folder, 'ok.pdf', 1, SMALL_PAGE)
    execFileSync('mkfifo', [path.join(folder, 'pipe.pdf')])
    const r = await cli([folder, '--engine', 'local', '--dpi', '72', '--json', '--out', path.join(src, 'out')])
    expect(r.code).toBe(1)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const summary = lines.at(-1) as { type: string; ok: number; skipped: Array<{ file: string; code: string; message: string }> }
    expect(summary).toMatchObject({ type: 'summary', ok: 1 })
    expect(summary.skipped).toHaveLength(1)
    expect(summary.skipped[0]).toMatchObject({ code: 'file/unreadable' })
    expect(summary.skipped[0]?.message).toMatch(/pipe\.pdf is a named pipe/)
  })
})

describe('file names with terminal control characters', () => {
  const evil = 'evil\u001b[2J\u001b]0;title\u0007\nDone: name.pdf'

  it('line output escapes ESC and newline; --json keeps the exact name', async () => {
    const src = await freshDir('escape')
    const file = await makePagesPdf(src, evil, 1, SMALL_PAGE)
    const lines = await cli([file, '--engine', 'local', '--dpi', '72', '--out', path.join(src, 'out')])
    expect(lines.code, lines.stderr).toBe(0)
    // eslint-disable-next-line no-control-regex
    expect(lines.stdout + lines.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/)
    expect(lines.stdout).toContain('evil\\e[2J\\e]0;title\\x07\\nDone: name.pdf')
    expect(lines.stdout.split('\n').filter((l) => l.startsWith('Done: '))).toEqual([])
    const json = await cli([file, '--engine', 'local', '--dpi', '72', '--json', '--out', path.join(src, 'out-json')])
    expect(json.code).toBe(0)
    const summary = JSON.parse(json.stdout.trim().split('\n').at(-1) ?? '') as { files: Array<{ file: string }> }
    expect(summary.files[0]?.file).toBe(file)
  })
})

describe('the open password', () => {
  it('PDF_PASSWORD opens a protected PDF; without it the file fails with file/password-required', async () => {
    const src = await freshDir('password')
    const locked = await makeEncryptedPdf(src, 'locked.pdf', { userPassword: 'sesame-42', pages: 2 })
    const none = await cli([locked, '--engine', 'local', '--dpi', '72', '--out', path.join(src, 'out-none')])
    expect(none.code).toBe(1)
    expect(none.stdout).toMatch(/file\/password-required/)
    const out = path.join(src, 'out')
    const withEnv = await cli([locked, '--engine', 'local', '--dpi', '72', '--out', out], { PDF_PASSWORD: 'sesame-42' })
    expect(withEnv.code, withEnv.stdout + withEnv.stderr).toBe(0)
    expect((await readdir(out)).sort()).toEqual(['locked-1.png', 'locked-2.png'])
    expect(withEnv.stdout + withEnv.stderr).not.toContain('sesame-42')
  })

  it('--password-prompt without a terminal is a usage error that points to PDF_PASSWORD', async () => {
    const src = await freshDir('prompt')
    const locked = await makeEncryptedPdf(src, 'locked.pdf', { userPassword: 'x' })
    const r = await cli([locked, '--engine', 'local', '--password-prompt', '--out', path.join(src, 'out')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--password-prompt needs a terminal; without one, set PDF_PASSWORD/)
  })

  it('--help says --password shows in the process list and names PDF_PASSWORD and --password-prompt', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/--password PW[\s\S]*process list[\s\S]*PDF_PASSWORD or\s+--password-prompt/)
    expect(r.stdout).toMatch(/^ {2}PDF_PASSWORD /m)
  })
})
