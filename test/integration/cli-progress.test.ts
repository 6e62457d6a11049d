/**
 * The CLI counts progress by the same rules as the window and the taskbar (electron/shared/
 * progress.ts): pages across the batch, and finished, failed and cancelled work apart.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../electron/cli/run.ts'
import { makeDamagedPdf, makePagesPdf } from '../helpers/make-pdf.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cli-progress-'))
  await makePagesPdf(dir, 'three.pdf', 3)
  await makeDamagedPdf(dir, 'broken.pdf')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function run(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  stdout.on('data', (b: Buffer) => (out += b.toString()))
  stderr.resume()
  const code = await runCli(args, { PDF_TO_IMAGE_STATE_DIR: path.join(dir, 'state') }, { stdout, stderr }, dir)
  return { code, stdout: out }
}

describe('CLI progress', () => {
  it('the summary says pages saved and keeps the failed file apart from the done one', async () => {
    const { code, stdout } = await run(['three.pdf', 'broken.pdf', '--engine', 'local', '--dpi', '72', '--out', 'out-lines'])
    expect(code).toBe(1)
    expect(stdout).toContain('[batch] ')
    expect(stdout).toContain('Finished: 1 done, 1 failed · 3 of 3 pages saved')
  })

  it('--json reports pages and the shares of done and failed work', async () => {
    const { stdout } = await run(['three.pdf', 'broken.pdf', '--engine', 'local', '--dpi', '72', '--out', 'out-json', '--json'])
    const summary = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['type'] === 'summary') as { pagesDone: number; pagesTotal: number; progress: { done: number; failed: number; percent: number } }
    expect(summary.pagesDone).toBe(3)
    expect(summary.pagesTotal).toBe(3)
    // Three pages done, one (unknown-size) file failed: weighted 3 : 1, never a full bar.
    expect(summary.progress.done).toBeCloseTo(0.75, 5)
    expect(summary.progress.failed).toBeCloseTo(0.25, 5)
    expect(summary.progress.percent).toBe(75)
  })
})
