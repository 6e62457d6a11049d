/**
 * The job journal on its own: durable snapshot writes with group commit, batch life cycle
 * (running → interrupted/ended, deleted when everything is done), liveness of the owning process,
 * damaged records, verification of recorded pages on disk, stale temp sweeping.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isDurableTempName, SnapshotWriter, writeFileDurable } from '../../electron/journal/durable-write.ts'
import { defaultJournalDir, openJournalStore } from '../../electron/journal/journal.ts'
import type { FileProgress } from '../../electron/journal/progress.ts'
import { findKeptPages, isJobReusable, LINK_SAFETY_MARGIN_MS, parseValidTill, sweepStaleTemps } from '../../electron/journal/resume.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'journal-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const progress = (extra: Partial<FileProgress> = {}): FileProgress => ({
  source: { sizeBytes: 10, mtimeMs: 1 },
  format: 'png',
  jobs: [],
  written: [],
  ...extra,
})
const sha = (data: string): string => createHash('sha256').update(data).digest('hex')

describe('durable writes', () => {
  it('replace the file in one step, private to the user, leaving no temp file', async () => {
    const file = path.join(dir, 'a.json')
    await writeFileDurable(file, '{"v":1}')
    await writeFileDurable(file, '{"v":2}')
    expect(await readFile(file, 'utf8')).toBe('{"v":2}')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await readdir(dir)).filter(isDurableTempName)).toEqual([])
  })

  it('group commit: many saves while one write runs end in few writes, the last value wins, every save resolves', async () => {
    const file = path.join(dir, 'b.json')
    const errors: unknown[] = []
    const writer = new SnapshotWriter(file, (e) => errors.push(e))
    const saves = Array.from({ length: 200 }, (_, i) => writer.save(JSON.stringify({ i })))
    await Promise.all(saves)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ i: 199 })
    expect(errors).toEqual([])
  })

  it('a failing write is reported and the save still resolves', async () => {
    const errors: unknown[] = []
    const writer = new SnapshotWriter(path.join(dir, 'missing-folder', 'c.json'), (e) => errors.push(e))
    await writer.save('x')
    expect(errors).toHaveLength(1)
  })
})

describe('journal store', () => {
  it('records a batch and its files; an ended batch with every file done is deleted', async () => {
    const store = await openJournalStore({ dir: path.join(dir, 'j1') })
    const batch = await store.createBatch({
      origin: 'cli',
      outputDir: '/out',
      format: 'png',
      overwrite: false,
      files: [{ key: '1', sourcePath: '/a.pdf', pages: null, pageRange: '2-4', needsPassword: false }],
    })
    await batch.setFileState('1', 'running')
    await batch.checkpoint('1').save(progress({ pages: [2, 3, 4] }))
    const files = await readdir(path.join(store.dir, batch.batchId, 'files'))
    expect(files).toEqual(['1.json'])
    expect(JSON.parse(await readFile(path.join(store.dir, batch.batchId, 'files', '1.json'), 'utf8'))).toMatchObject({
      key: '1',
      state: 'running',
      progress: { pages: [2, 3, 4] },
    })
    await batch.setFileState('1', 'done')
    await batch.end('ended')
    expect(await readdir(store.dir)).toEqual([])
  })

  it('a batch whose process is gone is resumable; a live one is not; another instance in this process counts as gone', async () => {
    const store = await openJournalStore({ dir: path.join(dir, 'j2') })
    const batch = await store.createBatch({
      origin: 'app',
      outputDir: '/out',
      format: 'jpg',
      overwrite: false,
      files: [
        { key: 'k1', sourcePath: '/a.pdf', pages: [1, 2], pageRange: null, needsPassword: false },
        { key: 'k2', sourcePath: '/b.pdf', pages: [1], pageRange: null, needsPassword: true },
      ],
    })
    await batch.setFileState('k1', 'running')
    await batch
      .checkpoint('k1')
      .save(progress({ format: 'jpg', pages: [1, 2], written: [{ page: 1, name: 'a-1.jpg', sizeBytes: 3, sha256: sha('abc'), state: 'written' }] }))
    // Same process, same instance: running, not resumable.
    expect(await store.listResumable()).toEqual([])
    // A second store instance in this process (a restarted service) sees it as abandoned.
    const other = await openJournalStore({ dir: path.join(dir, 'j2') })
    const found = await other.listResumable({ outputDir: '/out' })
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ unfinished: 2, pagesDone: 1, pagesTotal: 3 })
    expect(await other.listResumable({ outputDir: '/elsewhere' })).toEqual([])
    // Taken over: now it is the other instance's live batch.
    const resumed = await other.resumeBatch(batch.batchId)
    expect(resumed.checkpoint('k1').previous?.written).toHaveLength(1)
    expect(await other.listResumable()).toEqual([])
    // A batch of another, still running, process is left alone; a dead one is offered.
    const third = await openJournalStore({ dir: path.join(dir, 'j2') })
    expect(await third.listResumable()).toHaveLength(1) // same pid, other instance
    await resumed.end('interrupted')
    expect(await third.listResumable()).toHaveLength(1)
    const manifest = JSON.parse(await readFile(path.join(other.dir, batch.batchId, 'batch.json'), 'utf8'))
    expect(manifest.state).toBe('interrupted')
    expect(JSON.stringify(manifest)).not.toContain('"password"')
  })

  it('ignores damaged records: a bad batch.json hides the batch, a bad file record starts that file fresh', async () => {
    const store = await openJournalStore({ dir: path.join(dir, 'j3') })
    const batch = await store.createBatch({
      origin: 'cli',
      outputDir: '/o',
      format: 'png',
      overwrite: false,
      files: [{ key: '1', sourcePath: '/a.pdf', pages: null, pageRange: null, needsPassword: false }],
    })
    await batch.setFileState('1', 'running')
    await writeFile(path.join(store.dir, batch.batchId, 'files', '1.json'), '{"key":"1","state":"running","err')
    const other = await openJournalStore({ dir: store.dir })
    const [found] = await other.listResumable()
    expect(found?.files.size).toBe(0)
    expect((await other.resumeBatch(batch.batchId)).checkpoint('1').previous).toBeNull()
    await writeFile(path.join(store.dir, batch.batchId, 'batch.json'), 'garbage')
    expect(await other.listResumable()).toEqual([])
  })

  it('prunes abandoned batches older than the limit', async () => {
    let t = Date.now()
    const store = await openJournalStore({ dir: path.join(dir, 'j4'), now: () => t })
    await store.createBatch({ origin: 'cli', outputDir: '/o', format: 'png', overwrite: false, files: [] })
    const later = await openJournalStore({ dir: store.dir, now: () => t })
    expect(await later.prune()).toBe(0)
    t += 8 * 24 * 3600_000
    expect(await store.prune()).toBe(0) // its own running batch is never pruned
    expect(await later.prune()).toBe(1)
    expect(await readdir(store.dir)).toEqual([])
  })

  it('default folder: $PDF_TO_IMAGE_STATE_DIR, else the OS state folder', () => {
    expect(defaultJournalDir({ PDF_TO_IMAGE_STATE_DIR: '/s' }, 'linux', '/home/u')).toBe(path.resolve('/s/journal'))
    expect(defaultJournalDir({}, 'linux', '/home/u')).toBe('/home/u/.local/state/pdf-to-image/journal')
    expect(defaultJournalDir({ XDG_STATE_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/pdf-to-image/journal')
    expect(defaultJournalDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/pdf-to-image/journal')
  })
})

describe('resume helpers', () => {
  it('keeps recorded pages only when name, size and SHA-256 match; finds a page committed under a (n) variant', async () => {
    const out = path.join(dir, 'kept')
    await mkdir(out)
    await writeFile(path.join(out, 'doc-1.png'), 'one')
    await writeFile(path.join(out, 'doc-2.png'), 'user file')
    await writeFile(path.join(out, 'doc-2 (2).png'), 'two')
    await writeFile(path.join(out, 'doc-3.png'), 'changed')
    const kept = await findKeptPages(
      out,
      [
        { page: 1, name: 'doc-1.png', sizeBytes: 3, sha256: sha('one'), state: 'written' },
        { page: 2, name: 'doc-2.png', sizeBytes: 3, sha256: sha('two'), state: 'committing' },
        { page: 3, name: 'doc-3.png', sizeBytes: 5, sha256: sha('three'), state: 'written' },
        { page: 4, name: 'doc-4.png', sizeBytes: 4, sha256: sha('four'), state: 'written' },
        { page: 5, name: 'doc-5.png', sizeBytes: 4, sha256: sha('five'), state: 'written' },
      ],
      new Set([1, 2, 3, 4]),
    )
    expect([...kept.keys()].sort()).toEqual([1, 2])
    expect(path.basename(kept.get(2)!.path)).toBe('doc-2 (2).png')
  })

  it('a job is reused while its links stay valid for the safety margin, or while it may still run', () => {
    const t = 10_000_000
    const base = { jobId: 'J', pages: [1], submittedAtMs: t - 60_000 }
    expect(isJobReusable({ ...base, state: 'succeeded', validTillMs: t + LINK_SAFETY_MARGIN_MS + 1 }, t, 1_800_000)).toBe(true)
    expect(isJobReusable({ ...base, state: 'succeeded', validTillMs: t + 1000 }, t, 1_800_000)).toBe(false)
    expect(isJobReusable({ ...base, state: 'succeeded' }, t, 1_800_000)).toBe(false)
    expect(isJobReusable({ ...base, state: 'submitted' }, t, 1_800_000)).toBe(true)
    expect(isJobReusable({ ...base, state: 'submitted' }, t, 30_000)).toBe(false)
    expect(isJobReusable({ ...base, state: 'failed' }, t, 1_800_000)).toBe(false)
    expect(parseValidTill('2025-01-01T13:00:00.000000+00:00')).toBe(Date.UTC(2025, 0, 1, 13))
    expect(parseValidTill('soon')).toBeUndefined()
  })

  it('sweeps only the temp files of the given outputs', async () => {
    const out = path.join(dir, 'sweep')
    await mkdir(out)
    for (const n of ['.doc-1.png.part-0123abcd', '.other-1.png.part-0123abcd', 'doc-1.png', '.doc.tif.part-89abcdef']) await writeFile(path.join(out, n), 'x')
    expect((await sweepStaleTemps(out, ['doc'])).sort()).toEqual(['.doc-1.png.part-0123abcd', '.doc.tif.part-89abcdef'])
    expect((await readdir(out)).sort()).toEqual(['.other-1.png.part-0123abcd', 'doc-1.png'])
  })
})
