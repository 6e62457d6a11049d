/**
 * The CLI says what a PDF.co batch did cost, in its summary and in `--json`, by the same rules as
 * the window (electron/shared/credits.ts): the drop of the balance PDF.co reports, and credits left.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../electron/cli/run.ts'
import { CREDITS_PER_JOB_CHECK, CREDITS_PER_PAGE, CREDITS_PER_UPLOAD } from '../../electron/shared/credits.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'

const KEY = 'cli-credits-key-71c2'
let emu: Emulator
let dir: string

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  dir = await mkdtemp(path.join(tmpdir(), 'cli-credits-'))
  await makePagesPdf(dir, 'four.pdf', 4)
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

async function run(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const io = { stdout: new PassThrough(), stderr: new PassThrough() }
  let stdout = ''
  io.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
  io.stderr.resume()
  const env = { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl, PDF_TO_IMAGE_STATE_DIR: path.join(dir, 'state') }
  return { code: await runCli(args, env, io, dir), stdout }
}

/** What the emulator charged for the requests from `from` on (its published rates). */
function charged(from: number, pages: number): number {
  const seen = emu.requests.slice(from)
  const uploads = seen.filter((r) => r.path === '/v1/file/upload/get-presigned-url').length
  const checks = seen.filter((r) => r.path === '/v1/job/check').length
  return pages * CREDITS_PER_PAGE.png + uploads * CREDITS_PER_UPLOAD + checks * CREDITS_PER_JOB_CHECK
}

describe('CLI credits (PDF.co engine)', () => {
  it('--json: the batch cost equals what PDF.co charged, with the credits left', async () => {
    emu.setCredits(50_000)
    const from = emu.requests.length
    const { code, stdout } = await run(['four.pdf', '--engine', 'pdfco', '--out', 'out-json', '--json'])
    expect(code).toBe(0)
    const summary = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; credits?: { used: number; remaining: number | null }; files?: { credits: number | null }[] })
      .find((l) => l.type === 'summary')!
    const cost = charged(from, 4)
    expect(summary.credits).toMatchObject({ used: cost, remaining: 50_000 - cost })
    expect(summary.files?.[0]?.credits).toBeGreaterThan(0)
  })

  it('line output: the summary names the credits used and left', async () => {
    emu.setCredits(20_000)
    const from = emu.requests.length
    const { code, stdout } = await run(['four.pdf', '--engine', 'pdfco', '--out', 'out-lines'])
    expect(code).toBe(0)
    const cost = charged(from, 4)
    expect(stdout).toContain(`PDF.co: Used ${cost} credits · ${(20_000 - cost).toLocaleString('en-US')} left`)
  })
})
