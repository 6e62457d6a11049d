import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadTimingPrior, PRIOR_MAX_AGE_MS, saveTimingPrior } from '../../../../../electron/engines/pdfco/timing-prior.ts'

let dir: string
let file: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'timing-prior-'))
  file = path.join(dir, 'state', 'pdfco-timing.json')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('job timings kept between runs', () => {
  it('saves per address (creating the folder) and reads back only that address', async () => {
    expect(await saveTimingPrior(file, 'https://api.pdf.co/v1', { msPerPage: 310, submitMs: 45 }, 1_000)).toBe(true)
    expect(await saveTimingPrior(file, 'http://127.0.0.1:8787/v1', { msPerPage: 80, submitMs: 3 }, 2_000)).toBe(true)
    expect(await loadTimingPrior(file, 'https://api.pdf.co/v1', 5_000)).toEqual({ msPerPage: 310, submitMs: 45 })
    expect(await loadTimingPrior(file, 'http://127.0.0.1:8787/v1', 5_000)).toEqual({ msPerPage: 80, submitMs: 3 })
    expect(await loadTimingPrior(file, 'https://other.example/v1', 5_000)).toBeUndefined()
    expect((await readFile(file, 'utf8')).length).toBeLessThan(400)
  })

  it('ignores timings older than the limit', async () => {
    await saveTimingPrior(file, 'https://api.pdf.co/v1', { msPerPage: 310, submitMs: 45 }, 0)
    expect(await loadTimingPrior(file, 'https://api.pdf.co/v1', PRIOR_MAX_AGE_MS)).toBeDefined()
    expect(await loadTimingPrior(file, 'https://api.pdf.co/v1', PRIOR_MAX_AGE_MS + 1)).toBeUndefined()
  })

  it('a missing, damaged or foreign file is no estimate, and a save replaces it', async () => {
    expect(await loadTimingPrior(file, 'https://api.pdf.co/v1', 0)).toBeUndefined()
    await saveTimingPrior(file, 'x', { msPerPage: 1, submitMs: 1 }, 0)
    for (const text of ['{not json', '{"version":2,"byBaseUrl":{}}', '{"version":1,"byBaseUrl":{"https://api.pdf.co/v1":{"msPerPage":-5,"submitMs":1,"savedAtMs":0}}}']) {
      await writeFile(file, text)
      expect(await loadTimingPrior(file, 'https://api.pdf.co/v1', 0)).toBeUndefined()
    }
    expect(await saveTimingPrior(file, 'https://api.pdf.co/v1', { msPerPage: 200, submitMs: 10 }, 0)).toBe(true)
    expect(await loadTimingPrior(file, 'https://api.pdf.co/v1', 0)).toEqual({ msPerPage: 200, submitMs: 10 })
  })

  it('a folder that cannot be written is not an error', async () => {
    await writeFile(path.join(dir, 'blocker'), '')
    expect(await saveTimingPrior(path.join(dir, 'blocker', 'pdfco-timing.json'), 'x', { msPerPage: 1, submitMs: 1 }, 0)).toBe(false)
  })
})
