/**
 * Job timings kept between CLI runs: the first run of a fresh state folder probes its job on the
 * curve for unknown jobs (first check after 1 s); it saves what it measured, and the next run
 * checks the same kind of job first at its expected end (here well before 1 s). Real child
 * processes against the emulator, which models 20 ms of processing per page.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { spawnCli } from '../helpers/reliability.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'

const KEY = 'cli-timing-key-5e1f'
const PAGES = 10
const MS_PER_PAGE = 20
let emu: Emulator
let dir: string

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36, faults: { processingMsPerPage: MS_PER_PAGE } })
  dir = await mkdtemp(path.join(os.tmpdir(), 'cli-timing-'))
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

/** Runs the CLI once; returns ms from the job's submit to its first check. */
async function firstCheckDelayMs(pdf: string, state: string, run: number): Promise<number> {
  const since = Date.now()
  const cli = spawnCli([pdf, '--out', path.join(dir, `out-${run}`)], { cwd: dir, env: { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl, PDF_TO_IMAGE_STATE_DIR: state } })
  const { code } = await cli.exited
  expect(code, cli.stderr()).toBe(0)
  const requests = emu.requests.filter((r) => r.atMs >= since)
  const submit = requests.find((r) => r.path === '/v1/pdf/convert/to/png')
  const check = requests.find((r) => r.path === '/v1/job/check')
  if (submit === undefined || check === undefined) throw new Error('no job or no check seen')
  return check.atMs - submit.atMs
}

describe('job timings between runs', () => {
  it('are saved in the state folder and time the next run’s first check', async () => {
    const pdf = await makePagesPdf(dir, 'ten.pdf', PAGES)
    const state = path.join(dir, 'state')
    const first = await firstCheckDelayMs(pdf, state, 1)
    // No estimate yet: the first probe of an unknown job, after 1 s.
    expect(first).toBeGreaterThanOrEqual(1_000)
    const saved = JSON.parse(await readFile(path.join(state, 'pdfco-timing.json'), 'utf8')) as { byBaseUrl: Record<string, { msPerPage: number }> }
    expect(saved.byBaseUrl[emu.baseUrl]?.msPerPage).toBeGreaterThanOrEqual(MS_PER_PAGE)
    const second = await firstCheckDelayMs(pdf, state, 2)
    // From the saved estimate: at the job's expected end, after its modelled 0.2 s, well before 1 s.
    expect(second).toBeGreaterThanOrEqual(PAGES * MS_PER_PAGE)
    expect(second).toBeLessThan(900)
  }, 120_000)
})
