/**
 * Resume after a crash, as a user meets it: the CLI runs in a child process against the
 * emulator in this process, is killed with SIGKILL at a random point of a batch (seeded: after an
 * upload, while jobs run, mid-download), then runs again with `--resume`. The output folder must
 * equal an uninterrupted run's (same names, same pixel sizes: no `name (2).png`, no temp files), and
 * the emulator must have seen no second upload of a file whose upload was recorded, and no second
 * job for pages a recorded job was converting.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openJournalStore, type BatchSummary } from '../../electron/journal/journal.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator, type RecordedRequest } from '../pdfco-emulator/server.ts'
import { converts, imageDownloads, listing, pagesOf, presigns, requestStem, SMALL_PAGE, spawnCli, uploads, waitUntil } from '../helpers/reliability.ts'

const KEY = 'cli-resume-key-0d4b2a91'
let emu: Emulator
let dir: string
let sources: string[]
let reference: Map<string, [number, number]>
const FLAGS = ['--chunk-size', '4', '--parallel-jobs', '3', '--concurrency', '3']

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A point of the batch, seen in the emulator's request log, at which the CLI is killed. */
type KillPoint = { readonly kind: 'after-upload' | 'mid-job' | 'mid-download'; readonly nth: number }

function reached(requests: readonly RecordedRequest[], point: KillPoint): boolean {
  switch (point.kind) {
    case 'after-upload':
      return uploads(requests).length >= point.nth
    case 'mid-job':
      return converts(requests).length >= point.nth
    case 'mid-download':
      return requests.filter((r) => r.method === 'GET' && /\.png$/.test(r.path)).length >= point.nth
  }
}

function run(args: readonly string[], stateDir: string) {
  return spawnCli(args, { cwd: dir, env: { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl, PDF_TO_IMAGE_STATE_DIR: stateDir } })
}

async function sizes(out: string): Promise<Map<string, [number, number]>> {
  const m = new Map<string, [number, number]>()
  for (const name of await listing(out)) {
    const meta = await sharp(path.join(out, name)).metadata()
    m.set(name, [meta.width ?? 0, meta.height ?? 0])
  }
  return m
}

/** The journal as the killed run left it: recorded uploads and jobs per file stem. */
async function journalAtKill(stateDir: string, out: string): Promise<BatchSummary | undefined> {
  const store = await openJournalStore({ dir: path.join(stateDir, 'journal') })
  return (await store.listResumable({ outputDir: out, includeEnded: true }))[0]
}

/** Checks the resumed run against the journal the killed run left. */
function checkNoRepeatedWork(summary: BatchSummary | undefined, resumed: readonly RecordedRequest[]): { reusedUploads: number; reusedJobs: number } {
  let reusedUploads = 0
  let reusedJobs = 0
  if (summary === undefined) return { reusedUploads, reusedJobs }
  for (const entry of summary.record.files) {
    const progress = summary.files.get(entry.key)?.progress
    if (progress === null || progress === undefined) continue
    const stem = path.basename(entry.sourcePath, '.pdf')
    const onDisk = new Set(progress.written.map((w) => w.page))
    if (progress.upload !== undefined) {
      expect(presigns(resumed).filter((r) => requestStem(r) === stem), `${stem} uploaded again`).toEqual([])
      reusedUploads++
    }
    const newPages = new Set(converts(resumed).filter((r) => requestStem(r) === stem).flatMap(pagesOf))
    for (const job of progress.jobs) {
      if (job.state === 'failed') continue
      for (const p of job.pages) if (!onDisk.has(p)) expect(newPages.has(p), `${stem} page ${p} converted again though job ${job.jobId} had it`).toBe(false)
      reusedJobs++
    }
  }
  return { reusedUploads, reusedJobs }
}

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  emu.faults.processingMsPerPage = 25
  dir = await mkdtemp(path.join(os.tmpdir(), 'cli-resume-'))
  await mkdir(path.join(dir, 'pdfs'))
  sources = [
    await makePagesPdf(path.join(dir, 'pdfs'), 'alpha.pdf', 7, SMALL_PAGE),
    await makePagesPdf(path.join(dir, 'pdfs'), 'beta.pdf', 12, SMALL_PAGE),
    await makePagesPdf(path.join(dir, 'pdfs'), 'gamma.pdf', 4, SMALL_PAGE),
  ]
  const out = path.join(dir, 'reference')
  const r = run([...sources, '--out', out, ...FLAGS], path.join(dir, 'state-ref'))
  expect(await r.exited).toEqual({ code: 0, signal: null })
  reference = await sizes(out)
  expect(reference.size).toBe(23)
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

/** One seed per kind of kill point by default; RELIABILITY_FULL=1 runs more (each costs two CLI runs). */
const FULL = process.env['RELIABILITY_FULL'] === '1'
const KINDS: KillPoint['kind'][] = ['after-upload', 'mid-job', 'mid-download']
const seeds = FULL ? [11, 23, 37, 41, 53, 67, 79, 97, 101] : [11, 23, 38]

describe('SIGKILL mid-batch, then --resume', () => {
  it.each(seeds.map((seed, i) => [seed, KINDS[i % KINDS.length]!] as const))('seed %i, killed %s: output equals an uninterrupted run, no repeated upload or job', async (seed, kind) => {
    const random = mulberry32(seed)
    const max = kind === 'after-upload' ? 3 : kind === 'mid-job' ? 6 : 22
    const point: KillPoint = { kind, nth: 1 + Math.floor(random() * max) }
    const out = path.join(dir, `out-${seed}`)
    const state = path.join(dir, `state-${seed}`)
    const from = emu.requests.length
    const first = run([...sources, '--out', out, ...FLAGS], state)
    const killed = await Promise.race([
      waitUntil(() => reached(emu.requests.slice(from), point), `${kind} #${point.nth}`, 60_000, 2).then(() => first.child.kill('SIGKILL')),
      first.exited.then(() => false),
    ])
    const firstExit = await first.exited
    if (killed === false) throw new Error(`the run ended before ${kind} #${point.nth}: ${first.stderr()}`)
    expect(firstExit.signal).toBe('SIGKILL')

    const summary = await journalAtKill(state, out)
    const resumedFrom = emu.requests.length
    // Half the seeds resume with the same command + --resume, half with --resume alone.
    const args = seed % 2 === 0 ? ['--resume', '--out', out, ...FLAGS] : [...sources, '--resume', '--out', out, ...FLAGS]
    const second = run(args, state)
    const secondExit = await second.exited
    expect(secondExit, second.stderr()).toEqual({ code: 0, signal: null })
    expect(second.stderr()).toMatch(/Resuming the batch/)

    expect(await sizes(out)).toEqual(reference)
    expect(summary, 'the killed run recorded its batch').toBeDefined()
    const resumed = emu.requests.slice(resumedFrom)
    const reused = checkNoRepeatedWork(summary, resumed)
    if (process.env['RELIABILITY_REPORT'] === '1') {
      const kept = [...(summary?.files.values() ?? [])].reduce((n, f) => n + (f.progress?.written.length ?? 0), 0)
      console.log(
        `REPORT | seed ${seed} | ${kind} #${point.nth} | pages recorded on disk at the kill: ${kept}/23 | recorded uploads ${reused.reusedUploads}, jobs ${reused.reusedJobs} | ` +
          `resumed run: ${presigns(resumed).length} uploads, ${converts(resumed).length} jobs, ${imageDownloads(resumed).length} page downloads`,
      )
    }
    // Every page is downloaded once per run at most; resumed runs skip kept pages.
    expect(imageDownloads(emu.requests.slice(resumedFrom)).length).toBeLessThanOrEqual(23)
    // Everything converted: the journal is gone.
    expect(await listing(path.join(state, 'journal'))).toEqual([])
  })

  it('killed twice (mid-download, then the resumed run mid-download), resumed again: still the same output', async () => {
    const out = path.join(dir, 'out-twice')
    const state = path.join(dir, 'state-twice')
    let from = emu.requests.length
    const first = run([...sources, '--out', out, ...FLAGS], state)
    await waitUntil(() => reached(emu.requests.slice(from), { kind: 'mid-download', nth: 5 }), 'download #5', 60_000, 2)
    first.child.kill('SIGKILL')
    await first.exited
    from = emu.requests.length
    const second = run([...sources, '--resume', '--out', out, ...FLAGS], state)
    const killedSecond = await Promise.race([
      waitUntil(() => reached(emu.requests.slice(from), { kind: 'mid-download', nth: 3 }), 'resumed download #3', 60_000, 2).then(() => second.child.kill('SIGKILL')),
      second.exited.then(() => false),
    ])
    await second.exited
    const summary = await journalAtKill(state, out)
    const resumedFrom = emu.requests.length
    const third = run(['--resume', '--out', out, ...FLAGS], state)
    expect(await third.exited, third.stderr()).toEqual({ code: 0, signal: null })
    expect(await sizes(out)).toEqual(reference)
    if (killedSecond !== false) checkNoRepeatedWork(summary, emu.requests.slice(resumedFrom))
  })

  it('--resume with nothing recorded: without inputs a usage error, with inputs a normal run', async () => {
    const out = path.join(dir, 'out-none')
    const state = path.join(dir, 'state-none')
    const bare = run(['--resume', '--out', out], state)
    expect((await bare.exited).code).toBe(2)
    expect(bare.stderr()).toMatch(/no interrupted or unfinished batch/)
    const withInputs = run([sources[2]!, '--resume', '--out', out, ...FLAGS], state)
    expect((await withInputs.exited).code).toBe(0)
    expect(withInputs.stderr()).toMatch(/nothing recorded/)
    expect(await listing(out)).toHaveLength(4)
  })
})
