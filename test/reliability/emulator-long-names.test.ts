/**
 * The emulator answers uploads with long names like the real service (object keys up to 1024
 * bytes): a PDF whose name is 250+ UTF-8 bytes uploads and converts instead of crashing the
 * emulator on its own temp file name. Also the PDF.co engine's output names for it stay within
 * 255 bytes.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPdfCoEngine } from '../../electron/engines/pdfco/engine.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'
import { SMALL_PAGE } from '../helpers/reliability.ts'

const KEY = 'long-names-key-77aa'
let emu: Emulator
let dir: string

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  dir = await mkdtemp(path.join(os.tmpdir(), 'long-names-'))
})
afterAll(async () => {
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('upload names over 240 bytes', () => {
  it.each([241, 250])('a %i-byte PDF name converts (presign, PUT, job, download)', async (bytes) => {
    const stem = 'Ü'.repeat(Math.floor((bytes - 4) / 2)) + (bytes % 2 === 1 ? 'x' : '')
    const name = `${stem}.pdf`
    expect(Buffer.byteLength(name)).toBe(bytes)
    const pdf = await makePagesPdf(dir, name, 2, SMALL_PAGE)
    const out = await mkdtemp(path.join(dir, 'out-'))
    const engine = createPdfCoEngine({ apiKey: KEY, baseUrl: emu.baseUrl, pollSchedule: { firstDelayMs: 20, minDelayMs: 15, maxDelayMs: 80, factor: 1.3 } })
    const outcome = await engine.convert({ sourcePath: pdf, outputDir: out, format: 'png', pages: null })
    expect(outcome.files).toHaveLength(2)
    const names = await readdir(out)
    expect(names).toHaveLength(2)
    for (const n of names) expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255)
    const presign = emu.requests.filter((r) => r.path.includes('presigned-url')).at(-1)
    expect(presign?.status).toBe(200)
  }, 60_000)
})
