/**
 * Bad inputs: each gets a clear, specific error on its own file, nothing else in the
 * batch is disturbed, no source is touched, nothing half-written stays in the output folder. The
 * checks that need no PDF.co (not a PDF, damaged, password, page range) happen before anything is
 * uploaded, which the emulator's request log proves.
 *
 * Read-only and full output folders are real where the machine allows (root: `chattr +i`, a
 * read-only tmpfs, a 16 KiB tmpfs; otherwise chmod), and ENOSPC is also simulated through the
 * engine's injectable client (the write seam), so it is covered everywhere.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, truncateSync, unlinkSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectInputs } from '../../electron/cli/inputs.ts'
import { createPdfCoEngine, type PdfCoEngineOptions } from '../../electron/engines/pdfco/engine.ts'
import { ConversionQueue } from '../../electron/engines/queue.ts'
import type { ConversionEvent, ConversionRequest } from '../../electron/engines/types.ts'
import { writeError } from '../../electron/files/atomic-write.ts'
import { createPdfCoClient, type PdfCoClient } from '../../electron/pdfco/client.ts'
import { makeDamagedPdf, makeEncryptedPdf, makeNotPdf, makePaddedPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'
import { converts, listing, presigns, requestStem, SMALL_PAGE, SMALL_PAGE_PX } from '../helpers/reliability.ts'

const KEY = 'bad-inputs-key-3f9a62'
let emu: Emulator
let dir: string
let n = 0
const isRoot = process.getuid?.() === 0

function engine(extra: Partial<PdfCoEngineOptions> = {}) {
  return createPdfCoEngine({
    apiKey: KEY,
    baseUrl: emu.baseUrl,
    pollSchedule: { firstDelayMs: 20, minDelayMs: 15, maxDelayMs: 80, factor: 1.3 },
    ...extra,
  })
}
const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex')
const freshDir = async (name = 'out') => mkdtemp(path.join(dir, `${name}-${++n}-`))

/** Converts each request as its own queue item; returns state + error per item. */
async function batch(requests: readonly ConversionRequest[], extra: Partial<PdfCoEngineOptions> = {}) {
  const e = engine(extra)
  const queue = new ConversionQueue({ engineFor: () => e, concurrency: 3 })
  requests.forEach((r, i) => queue.enqueue(String(i), r))
  await queue.whenIdle()
  return queue.list().map((s) => ({ state: s.state, code: s.error?.code ?? null, message: s.error?.message ?? '', files: s.outcome?.files ?? [] }))
}

/** Nothing hidden (temp files start with a dot) and every image complete (sharp reads it). */
async function onlyCompleteImages(out: string): Promise<string[]> {
  const names = await listing(out)
  for (const name of names) {
    expect(name.startsWith('.'), `temp or hidden file ${name}`).toBe(false)
    await sharp(path.join(out, name)).metadata()
  }
  return names
}

function tryRun(cmd: string, args: readonly string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  dir = await mkdtemp(path.join(os.tmpdir(), 'bad-inputs-'))
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('bad source files, one batch', () => {
  it('each fails on its own with a specific error, before any upload when it can be seen locally; repairable ones convert', async () => {
    const src = path.join(dir, 'sources')
    await mkdir(src)
    const good = await makePagesPdf(src, 'good.pdf', 4, SMALL_PAGE)
    const bytes = await readFile(good)
    const text = bytes.toString('latin1')
    await writeFile(path.join(src, 'empty.pdf'), '')
    await makeNotPdf(src, 'holiday.pdf')
    await writeFile(path.join(src, 'truncated.pdf'), bytes.subarray(0, Math.floor(bytes.length / 2)))
    await makeDamagedPdf(src, 'no-objects.pdf')
    await writeFile(path.join(src, 'bad-startxref.pdf'), Buffer.from(text.replace(/startxref\s+\d+/, 'startxref\n999999'), 'latin1'))
    await writeFile(path.join(src, 'no-xref-table.pdf'), Buffer.from(text.replace(/xref[\s\S]*?trailer/, 'trailer'), 'latin1'))
    await writeFile(path.join(src, 'junk-500.pdf'), Buffer.concat([Buffer.alloc(500, 0x41), bytes]))
    await writeFile(path.join(src, 'junk-2000.pdf'), Buffer.concat([Buffer.alloc(2000, 0x41), bytes]))
    await makeEncryptedPdf(src, 'locked.pdf', { userPassword: 'open-sesame', pages: 2 })
    await makeEncryptedPdf(src, 'owner-only.pdf', { ownerPassword: 'boss', pages: 1 })
    const sourcesBefore = new Map<string, string>()
    for (const f of await readdir(src)) sourcesBefore.set(f, await sha(path.join(src, f)))

    const out = await freshDir()
    const r = (name: string, extra: Partial<ConversionRequest> = {}): ConversionRequest => ({
      sourcePath: path.join(src, name),
      outputDir: out,
      format: 'png',
      pages: null,
      ...extra,
    })
    const cases: [ConversionRequest, string, RegExp?][] = [
      [r('good.pdf'), 'done'],
      [r('empty.pdf'), 'file/not-pdf', /empty\.pdf is empty \(0 bytes\)/],
      [r('holiday.pdf'), 'file/not-pdf', /holiday\.pdf is not a PDF/],
      [r('truncated.pdf'), 'file/damaged', /truncated\.pdf is damaged/],
      [r('no-objects.pdf'), 'file/damaged', /no-objects\.pdf is damaged/],
      [r('bad-startxref.pdf'), 'done'],
      [r('no-xref-table.pdf'), 'done'],
      [r('junk-500.pdf'), 'done'],
      [r('junk-2000.pdf'), 'file/not-pdf', /no %PDF- header/],
      [r('locked.pdf'), 'file/password-required', /password/],
      [r('locked.pdf', { password: 'nope' }), 'file/wrong-password', /Wrong password/],
      [r('owner-only.pdf'), 'done'],
      [r('good.pdf', { pageRange: '3-1' }), 'input/page-range', /3-1 is reversed/],
      [r('good.pdf', { pageRange: '2,x' }), 'input/page-range', /"x"/],
      [r('good.pdf', { pageRange: '9' }), 'input/page-range', /page 9 is past the end: this PDF has 4 pages/],
      [r('missing.pdf'), 'file/not-found', /missing\.pdf/],
    ]
    const from = emu.requests.length
    const results = await batch(cases.map(([req]) => req))
    cases.forEach(([req, expected, message], i) => {
      const got = results[i]!
      const label = `${path.basename(req.sourcePath)} ${req.pageRange ?? ''} ${req.password ?? ''}`
      if (expected === 'done') expect(got.state, `${label}: ${got.message}`).toBe('done')
      else {
        expect([label, got.code]).toEqual([label, expected])
        if (message !== undefined) expect(got.message).toMatch(message)
      }
    })
    // Locally detected failures never reached PDF.co.
    const uploadedStems = new Set(presigns(emu.requests.slice(from)).map(requestStem))
    expect([...uploadedStems].sort()).toEqual(['bad-startxref', 'good', 'junk-500', 'no-xref-table', 'owner-only'])
    // Sources untouched; only complete images of the good and repairable files in the output.
    for (const [f, digest] of sourcesBefore) expect(await sha(path.join(src, f))).toBe(digest)
    const names = await onlyCompleteImages(out)
    expect(names).toEqual(
      ['bad-startxref', 'good', 'junk-500', 'no-xref-table'].flatMap((s) => [1, 2, 3, 4].map((p) => `${s}-${p}.png`)).concat(['owner-only-1.png']).sort(),
    )
  })

  it('non-ASCII, emoji, very long names and a deep path convert to legal names that keep the characters', async () => {
    const deep = path.join(dir, ...Array.from({ length: 14 }, (_, i) => `${'ordner-ü-'.repeat(20)}${i}`))
    await mkdir(deep, { recursive: true })
    expect(deep.length).toBeGreaterThan(2500)
    const unicode = await makePagesPdf(deep, 'Résumé – 日本語 🎉 «test».pdf', 2, SMALL_PAGE)
    const longName = `${'Überlänge-文書-'.repeat(12)}end.pdf`
    expect(Buffer.byteLength(longName)).toBeGreaterThan(200)
    const long = await makePagesPdf(dir, longName, 12, SMALL_PAGE)
    const out = path.join(deep, 'new folder', 'ausgabe 🎉')
    const results = await batch([
      { sourcePath: unicode, outputDir: out, format: 'png', pages: null },
      { sourcePath: long, outputDir: out, format: 'jpg', pages: [1, 12] },
    ])
    expect(results.map((x) => x.state)).toEqual(['done', 'done'])
    const names = await onlyCompleteImages(out) // the missing output folder was created
    expect(names).toContain('Résumé – 日本語 🎉 «test»-1.png')
    expect(names).toContain('Résumé – 日本語 🎉 «test»-2.png')
    const longOut = names.filter((x) => x.endsWith('.jpg'))
    expect(longOut).toHaveLength(2)
    for (const x of longOut) expect(Buffer.byteLength(x)).toBeLessThanOrEqual(255)
    expect(longOut.map((x) => x.slice(-7)).sort()).toEqual(['-01.jpg', '-12.jpg'])
  })

  it('an existing output file is never overwritten unless asked', async () => {
    const pdf = await makePagesPdf(dir, 'keep.pdf', 1, SMALL_PAGE)
    const out = await freshDir()
    await writeFile(path.join(out, 'keep-1.png'), 'my own file')
    const [kept] = await batch([{ sourcePath: pdf, outputDir: out, format: 'png', pages: null }])
    expect(kept?.files.map((f) => path.basename(f.path))).toEqual(['keep-1 (2).png'])
    expect(await readFile(path.join(out, 'keep-1.png'), 'utf8')).toBe('my own file')
    const [replaced] = await batch([{ sourcePath: pdf, outputDir: out, format: 'png', pages: null, overwrite: true }])
    expect(replaced?.files.map((f) => path.basename(f.path))).toEqual(['keep-1.png'])
    expect((await sharp(path.join(out, 'keep-1.png')).metadata()).width).toBe(SMALL_PAGE_PX[0])
    expect(await listing(out)).toEqual(['keep-1 (2).png', 'keep-1.png'])
  })
})

describe('a source that changes while it uploads', () => {
  async function whileUploading(act: (file: string) => void): Promise<{ code: string | null; message: string; requests: number; out: string }> {
    const file = await makePaddedPdf(dir, `moving-${++n}.pdf`, 6 * 1024 * 1024)
    const out = await freshDir()
    const from = emu.requests.length
    let acted = false
    const events: ConversionEvent[] = []
    const result = await engine()
      .convert(
        { sourcePath: file, outputDir: out, format: 'png', pages: null },
        {
          onEvent: (e) => {
            events.push(e)
            if (!acted && e.type === 'upload-progress') {
              acted = true
              act(file)
            }
          },
        },
      )
      .then(
        () => ({ code: null, message: '' }),
        (err: { code: string; message: string }) => ({ code: err.code, message: err.message }),
      )
    expect(acted).toBe(true)
    return { ...result, requests: converts(emu.requests.slice(from)).length, out }
  }

  it('grown: the file fails with "changed while it was being uploaded", nothing is converted', async () => {
    const r = await whileUploading((f) => appendFileSync(f, Buffer.alloc(64 * 1024, 0x20)))
    expect(r).toMatchObject({ code: 'file/unreadable', requests: 0 })
    expect(r.message).toMatch(/changed while it was being uploaded/)
    expect(await listing(r.out)).toEqual([])
  })

  it('truncated: the stalled upload is stopped at once, same error', async () => {
    const started = Date.now()
    const r = await whileUploading((f) => truncateSync(f, 1024))
    expect(r).toMatchObject({ code: 'file/unreadable', requests: 0 })
    expect(Date.now() - started).toBeLessThan(10_000) // not the 60 s idle timeout
  })

  it('deleted: the file fails with "was deleted or moved"', async () => {
    const r = await whileUploading((f) => unlinkSync(f))
    expect(r).toMatchObject({ code: 'file/not-found', requests: 0 })
    expect(r.message).toMatch(/deleted or moved while it was being uploaded/)
  })
})

describe('output folders that cannot be written', () => {
  it('a read-only folder: every file fails with file/write-failed naming the folder; nothing is left', async (ctx) => {
    const pdf = await makePagesPdf(dir, 'ro.pdf', 2, SMALL_PAGE)
    const pdf2 = await makePagesPdf(dir, 'ro2.pdf', 1, SMALL_PAGE)
    const out = await freshDir('read-only')
    let undo: () => void
    if (isRoot) {
      // Root ignores permission bits; the immutable attribute stops even root (EPERM).
      if (!tryRun('chattr', ['+i', out])) ctx.skip()
      undo = () => void tryRun('chattr', ['-i', out])
    } else {
      await chmod(out, 0o555)
      undo = () => void tryRun('chmod', ['755', out])
    }
    try {
      const from = emu.requests.length
      const results = await batch([
        { sourcePath: pdf, outputDir: out, format: 'png', pages: null },
        { sourcePath: pdf2, outputDir: out, format: 'png', pages: null },
      ])
      for (const x of results) {
        expect(x).toMatchObject({ state: 'failed', code: 'file/write-failed' })
        expect(x.message).toContain(out)
      }
      expect(await listing(out)).toEqual([])
      // Found before any PDF.co work: no upload, no billed job.
      expect(presigns(emu.requests.slice(from))).toEqual([])
      expect(converts(emu.requests.slice(from))).toEqual([])
    } finally {
      undo()
    }
  })

  it('a read-only file system (EROFS): file/write-failed', async (ctx) => {
    const mnt = await freshDir('rofs')
    if (!isRoot || !tryRun('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mnt])) ctx.skip()
    try {
      const pdf = await makePagesPdf(dir, 'rofs.pdf', 1, SMALL_PAGE)
      const from = emu.requests.length
      const [x] = await batch([{ sourcePath: pdf, outputDir: mnt, format: 'png', pages: null }])
      expect(x).toMatchObject({ state: 'failed', code: 'file/write-failed' })
      expect(x?.message).toMatch(/read-only file system/i)
      expect(presigns(emu.requests.slice(from))).toEqual([])
      expect(converts(emu.requests.slice(from))).toEqual([])
    } finally {
      tryRun('umount', [mnt])
    }
  })

  it('an output path that is a file: file/write-failed before anything is uploaded', async () => {
    const pdf = await makePagesPdf(dir, 'notdir.pdf', 1, SMALL_PAGE)
    const file = path.join(dir, 'i-am-a-file')
    await writeFile(file, 'x')
    const from = emu.requests.length
    const [x] = await batch([{ sourcePath: pdf, outputDir: path.join(file, 'sub'), format: 'png', pages: null }])
    expect(x).toMatchObject({ state: 'failed', code: 'file/write-failed' })
    expect(presigns(emu.requests.slice(from))).toEqual([])
  })

  it('a full disk (a 16 KiB tmpfs): file/no-space; the pages written before stay complete, no partial file', async (ctx) => {
    const mnt = await freshDir('full')
    if (!isRoot || !tryRun('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt])) ctx.skip()
    try {
      const pdf = await makePagesPdf(dir, 'big.pdf', 30)
      const [x] = await batch([{ sourcePath: pdf, outputDir: mnt, format: 'png', pages: null }], { chunkSize: 30, downloadConcurrency: 1 })
      expect(x).toMatchObject({ state: 'failed', code: 'file/no-space' })
      expect(x?.message).toMatch(/No space left/)
      const names = await onlyCompleteImages(mnt)
      expect(names.length).toBeLessThan(30)
    } finally {
      tryRun('umount', [mnt])
    }
  })

  it('ENOSPC through the write seam (any machine): file/no-space, the temp file is removed, other files convert', async () => {
    const real = createPdfCoClient({ apiKey: KEY, baseUrl: emu.baseUrl })
    let failures = 0
    const full: PdfCoClient = {
      ...real,
      async downloadToFile(url, dest, options) {
        if (path.basename(dest).startsWith('.fills-')) {
          failures++
          await writeFile(dest, 'partial bytes') // half-written, as a real ENOSPC leaves it
          throw writeError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), dest)
        }
        return real.downloadToFile(url, dest, options)
      },
    }
    const out = await freshDir()
    const a = await makePagesPdf(dir, 'fills.pdf', 2, SMALL_PAGE)
    const b = await makePagesPdf(dir, 'fine.pdf', 2, SMALL_PAGE)
    const results = await batch(
      [
        { sourcePath: a, outputDir: out, format: 'png', pages: null },
        { sourcePath: b, outputDir: out, format: 'png', pages: null },
      ],
      { client: full },
    )
    expect(failures).toBeGreaterThan(0)
    expect(results.map((x) => [x.state, x.code])).toEqual([
      ['failed', 'file/no-space'],
      ['done', null],
    ])
    expect(await onlyCompleteImages(out)).toEqual(['fine-1.png', 'fine-2.png'])
  })
})

describe('inputs on the command line (CLI input expansion)', () => {
  it('a folder of mixed files and sub-folders, symlinks (to a file, a loop, a dangling one), the same file given twice', async () => {
    const root = path.join(dir, 'mixed')
    await mkdir(path.join(root, 'sub', 'deeper'), { recursive: true })
    const a = await makePagesPdf(root, 'a.pdf', 1, SMALL_PAGE)
    await makePagesPdf(path.join(root, 'sub'), 'b.pdf', 1, SMALL_PAGE)
    await makePagesPdf(path.join(root, 'sub', 'deeper'), 'c.PDF', 1, SMALL_PAGE)
    await writeFile(path.join(root, 'notes.txt'), 'not a pdf')
    await writeFile(path.join(root, 'photo.pdf'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))
    await writeFile(path.join(root, 'scan.dat'), await readFile(a)) // a PDF by content
    await symlink(a, path.join(root, 'link-to-a.pdf'))
    await symlink(root, path.join(root, 'sub', 'loop'))
    await symlink(path.join(root, 'gone.pdf'), path.join(root, 'dangling.pdf'))

    const flat = await collectInputs([root], dir, false)
    expect(flat.files.map((f) => path.basename(f.path))).toEqual(['a.pdf', 'scan.dat'])
    const deep = await collectInputs([root, a, path.join(root, '.', 'a.pdf'), path.join(root, 'link-to-a.pdf')], dir, true)
    // Each PDF once (a symlink to a file already listed is the same file); the loop is not followed.
    expect(deep.files.map((f) => path.relative(root, f.path)).sort()).toEqual(['a.pdf', 'scan.dat', 'sub/b.pdf', 'sub/deeper/c.PDF'])
  })
})
