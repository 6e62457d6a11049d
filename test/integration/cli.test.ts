/**
 * The CLI as a user runs it: a child process (`node --import tsx electron/cli/main.ts`) against the
 * emulator started in this process. Exit codes, files on disk, a mix of good and bad files,
 * `--json` output, folder expansion, and the API key never printed.
 */
import { spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCliArgs, UsageError } from '../../electron/cli/args.ts'
import { collectInputs } from '../../electron/cli/inputs.ts'
import { makeDamagedPdf, makeNotPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'

const KEY = 'cli-test-key-a83f0d'
const root = path.resolve(import.meta.dirname, '../..')
/** tsx's loader by absolute URL: the child runs in a temp folder where `tsx` would not resolve. */
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href
let emu: Emulator
let dir: string
let pdf14: string
let pdf2: string

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the CLI asynchronously (the emulator lives in this process, so never spawnSync). */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'electron/cli/main.ts'), ...args], {
      cwd: dir,
      env: { ...process.env, PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl, PDF_TO_IMAGE_STATE_DIR: path.join(dir, 'state'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY })
  dir = await mkdtemp(path.join(tmpdir(), 'cli-it-'))
  pdf14 = await makePagesPdf(dir, 'name.pdf', 14)
  pdf2 = await makePagesPdf(dir, 'two.pdf', 2)
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('CLI', () => {
  it('--help documents every option and exits 0', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    for (const word of ['--pages', '--format', '--out', '--password', '--overwrite', '--json', '--concurrency', '--chunk-size', '--engine', '--dpi', '--scale-to', '--quality', '--color', '--transparent', '--multi-page-tiff', 'Local engine only', 'PDFCO_API_KEY', 'PDFCO_BASE_URL', 'Exit codes']) {
      expect(r.stdout).toContain(word)
    }
  })

  it('usage errors exit 2: missing key for --engine pdfco, bad format, no input', async () => {
    const noKey = await cli([pdf2, '--engine', 'pdfco'], { PDFCO_API_KEY: '' })
    expect(noKey.code).toBe(2)
    expect(noKey.stderr).toMatch(/PDFCO_API_KEY is not set/)
    const badFormat = await cli([pdf2, '--format', 'gif'])
    expect(badFormat.code).toBe(2)
    expect(badFormat.stderr).toMatch(/--format must be one of png, jpg, webp, tiff/)
    expect((await cli([])).code).toBe(2)
    const outIsFile = await cli([pdf2, '--out', pdf2])
    expect(outIsFile.code).toBe(2)
    expect(outIsFile.stderr).toMatch(/is a file, not a folder/)
  })

  it('pages 2-4 → name-02.png … name-04.png with the right size, exit 0', async () => {
    const out = path.join(dir, 'out-pages')
    const r = await cli([pdf14, '--pages', '2-4', '--out', out])
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.code).toBe(0)
    expect((await readdir(out)).sort()).toEqual(['name-02.png', 'name-03.png', 'name-04.png'])
    const meta = await sharp(path.join(out, 'name-03.png')).metadata()
    expect([meta.width, meta.height]).toEqual([1275, 1650])
    expect(r.stdout).toMatch(/uploading 100%/)
    expect(r.stdout).toMatch(/downloading 3\/3/)
    expect(r.stdout).toMatch(/Summary: 1 converted, 0 failed/)
  })

  it('a mix of good and bad files: the good ones convert, exit 1, --json lines and a summary', async () => {
    const out = path.join(dir, 'out-mix')
    const notPdf = await makeNotPdf(dir)
    const damaged = await makeDamagedPdf(dir)
    const missing = path.join(dir, 'missing.pdf')
    const r = await cli([notPdf, pdf2, damaged, missing, '--json', '--out', out, '--format', 'webp'])
    expect(r.code).toBe(1)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.slice(0, -1).every((l) => l['type'] === 'event')).toBe(true)
    const summary = lines.at(-1) as { type: string; ok: number; failed: number; files: Array<{ file: string; state: string; error: { code: string } | null; outputs: string[] }> }
    expect(summary).toMatchObject({ type: 'summary', ok: 1, failed: 3 })
    const byFile = Object.fromEntries(summary.files.map((f) => [path.basename(f.file), f]))
    expect(byFile['not-a-pdf.pdf']!.error!.code).toBe('file/not-pdf')
    expect(byFile['damaged.pdf']!.error!.code).toBe('file/damaged')
    expect(byFile['missing.pdf']!.error!.code).toBe('file/not-found')
    expect(byFile['two.pdf']).toMatchObject({ state: 'done', error: null })
    expect((await readdir(out)).sort()).toEqual(['two-1.webp', 'two-2.webp'])
    const written = lines.filter((l) => (l['event'] as { type?: string })?.type === 'page-written')
    expect(written).toHaveLength(2)
  })

  it('a folder expands to the PDFs in it, recognised by content', async () => {
    const folder = path.join(dir, 'folder')
    await mkdir(path.join(folder, 'sub'), { recursive: true })
    await copyFile(pdf2, path.join(folder, 'a.pdf'))
    await copyFile(pdf2, path.join(folder, 'b-no-extension'))
    await writeFile(path.join(folder, 'notes.txt'), 'not a pdf')
    await copyFile(pdf2, path.join(folder, 'sub', 'deep.pdf'))
    const out = path.join(dir, 'out-folder')
    const r = await cli([folder, '--out', out, '--format', 'jpg', '--pages', 'last'])
    expect(r.code).toBe(0)
    expect((await readdir(out)).sort()).toEqual(['a-2.jpg', 'b-no-extension-2.jpg'])
    // Nothing is left out silently: the sub-folder not searched is named, with the option that would.
    expect(r.stdout + r.stderr).toContain('folder: 1 sub-folder not searched (add --recursive to convert the PDFs in it)')
    // --recursive, checked in-process (same function the CLI calls).
    const rec = await collectInputs([folder], dir, true)
    expect(rec.files.map((f) => path.relative(folder, f.path))).toEqual(['a.pdf', 'b-no-extension', path.join('sub', 'deep.pdf')])
    expect((await collectInputs([path.join(folder, 'sub', '..', 'sub')], dir, false)).files).toHaveLength(1)
    const empty = path.join(dir, 'empty')
    await mkdir(empty, { recursive: true })
    expect((await collectInputs([empty], dir, false)).warnings[0]).toMatch(/no PDF files found/)
    // The same file twice (also through another path) is converted once, and the note says so.
    const twice = await collectInputs([path.join(folder, 'a.pdf'), path.join(folder, 'sub', '..', 'a.pdf')], dir, false)
    expect(twice.files).toHaveLength(1)
    expect(twice.warnings).toEqual([`${path.join(folder, 'sub', '..', 'a.pdf')}: given more than once, converted once`])
  })

  it('TIFF through PDF.co: one file per page like the local engine, one multi-page file with --multi-page-tiff', async () => {
    const perPage = await cli([pdf14, '--pages', '2-4', '--format', 'tiff', '--out', 'tiff-pages'])
    expect(perPage.code, perPage.stderr).toBe(0)
    const pages = (await readdir(path.join(dir, 'tiff-pages'))).sort()
    expect(pages).toEqual(['name-02.tif', 'name-03.tif', 'name-04.tif'])
    for (const name of pages) expect((await sharp(path.join(dir, 'tiff-pages', name)).metadata()).pages ?? 1).toBe(1)
    const one = await cli([pdf14, '--pages', '2-4', '--format', 'tiff', '--multi-page-tiff', '--out', 'tiff-one'])
    expect(one.code, one.stderr).toBe(0)
    expect(await readdir(path.join(dir, 'tiff-one'))).toEqual(['name-02-04.tif'])
    expect((await sharp(path.join(dir, 'tiff-one', 'name-02-04.tif')).metadata()).pages).toBe(3)
  })

  it('a bad page range fails that file with a message naming the bad part', async () => {
    const r = await cli([pdf2, '--pages', '2-1', '--out', path.join(dir, 'out-range')])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/2-1 is reversed/)
    expect(r.stdout).toMatch(/input\/page-range/)
  })

  it('a wrong key fails every file with pdfco/unauthorized and is never printed', async () => {
    const secret = 'cli-wrong-key-SECRET-77'
    const r = await cli([pdf2, '--out', path.join(dir, 'out-key')], { PDFCO_API_KEY: secret })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/pdfco\/unauthorized/)
    expect(r.stdout + r.stderr).not.toContain(secret)
  })

  it('without a key the local engine is the default: says so, writes pages at --dpi', async () => {
    const before = emu.requests.length
    const out = path.join(dir, 'out-local-default')
    const r = await cli([pdf14, '--pages', '2-3', '--dpi', '100', '--out', out], { PDFCO_API_KEY: '' })
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Engine: local engine \(offline, on this computer\), 100 dpi \(PDFCO_API_KEY is not set\)$/m)
    expect(r.stdout).toMatch(/Summary: 1 converted, 0 failed, in [\d.]+ s with the local engine/)
    expect((await readdir(out)).sort()).toEqual(['name-02.png', 'name-03.png'])
    // Letter (612 x 792 pt) at 100 dpi: 850 x 1100 px.
    const meta = await sharp(path.join(out, 'name-03.png')).metadata()
    expect([meta.width, meta.height]).toEqual([850, 1100])
    expect(emu.requests.length).toBe(before) // PDF.co never called
  })

  it('--engine local with a key set: jpg, --scale-to, --color gray, --quality; --json summary names the engine', async () => {
    const before = emu.requests.length
    const out = path.join(dir, 'out-local-jpg')
    const r = await cli([pdf2, '--engine', 'local', '--format', 'jpg', '--scale-to', '400', '--color', 'gray', '--quality', '70', '--json', '--out', out])
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { type: string; engine: string; ok: number }
    expect(summary).toMatchObject({ type: 'summary', engine: 'local', ok: 1 })
    expect((await readdir(out)).sort()).toEqual(['two-1.jpg', 'two-2.jpg'])
    const meta = await sharp(path.join(out, 'two-1.jpg')).metadata()
    expect([meta.format, meta.height, meta.channels]).toEqual(['jpeg', 400, 1])
    expect(emu.requests.length).toBe(before) // PDF.co never called
  })

  it('local-only options with PDF.co, bad values and bad combinations are usage errors (exit 2)', async () => {
    const withKey = await cli([pdf2, '--dpi', '200'])
    expect(withKey.code).toBe(2)
    expect(withKey.stderr).toMatch(/--dpi applies to the local engine only.*PDFCO_API_KEY is set: add --engine local/)
    const env = { PDFCO_API_KEY: 'k' }
    const bad = (args: string[]): string => {
      try {
        parseCliArgs([pdf2, ...args], dir, env)
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError)
        return (err as Error).message
      }
      throw new Error(`no usage error for ${args.join(' ')}`)
    }
    expect(bad(['--engine', 'pdfco', '--color', 'gray', '--transparent'])).toMatch(/--color, --transparent apply to the local engine only/)
    expect(bad(['--engine', 'gpu'])).toMatch(/--engine must be local or pdfco/)
    expect(bad(['--engine', 'local', '--dpi', '700'])).toMatch(/--dpi must be a number from 72 to 600 \(got "700"\)/)
    expect(bad(['--engine', 'local', '--dpi', 'high'])).toMatch(/--dpi must be a number/)
    expect(bad(['--engine', 'local', '--dpi', '100', '--scale-to', '800'])).toMatch(/either --dpi or --scale-to/)
    expect(bad(['--engine', 'local', '--scale-to', '10.5'])).toMatch(/--scale-to must be a whole number/)
    expect(bad(['--engine', 'local', '--quality', '0', '--format', 'jpg'])).toMatch(/--quality must be a whole number from 1 to 100/)
    expect(bad(['--engine', 'local', '--quality', '80'])).toMatch(/--quality applies to jpg and webp only/)
    expect(bad(['--engine', 'local', '--color', 'purple'])).toMatch(/--color must be color, gray or bw/)
    expect(bad(['--engine', 'local', '--transparent', '--format', 'jpg'])).toMatch(/--transparent needs --format png or webp/)
    expect(bad(['--engine', 'local', '--multi-page-tiff'])).toMatch(/--multi-page-tiff needs --format tiff/)
    expect(bad(['--engine', 'local', '--transparent', '--color', 'bw'])).toMatch(/--transparent does not apply to --color bw/)
    expect(bad(['--pages', '-2'])).toMatch(/^Option '--pages' argument is ambiguous\. Did you forget/)
    // Defaults: key set → pdfco; no key → local; local options pass through.
    expect(parseCliArgs([pdf2], dir, env)).toMatchObject({ engine: 'pdfco', engineChoice: 'key-set' })
    expect(parseCliArgs([pdf2, '--color', 'grey', '--transparent'], dir, {})).toMatchObject({
      engine: 'local',
      engineChoice: 'no-key',
      local: { color: 'gray', background: 'transparent' },
    })
  })
})
