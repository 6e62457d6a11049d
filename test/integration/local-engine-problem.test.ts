/**
 * When the offline engine cannot start (its PDFium WebAssembly missing), the app and the CLI say
 * so at start in plain words.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AppInfo } from '../../electron/ipc/contract.ts'
import { runCli } from '../../electron/cli/run.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { startServicesOnEmulator, type ServicesOnEmulator } from '../helpers/services-on-emulator.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'engine-problem-'))
  process.env['PDFIUM_WASM_PATH'] = path.join(dir, 'missing', 'pdfium.wasm')
})
afterAll(async () => {
  delete process.env['PDFIUM_WASM_PATH']
  await rm(dir, { recursive: true, force: true })
})

describe('offline engine missing its PDFium module', () => {
  let app: ServicesOnEmulator | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  it('the app tells the window at start (app:get-info), in plain words', async () => {
    app = await startServicesOnEmulator({ prefix: 'engine-problem-app-', apiKey: 'k', dpi: 36 })
    const info = await app.value<AppInfo>('app:get-info')
    expect(info.localEngineProblem).toMatch(/^The offline engine cannot start: .*pdfium\.wasm\) is missing\. Reinstall the app, or convert with PDF\.co\.$/)
  })

  it('the CLI warns before converting (and the file fails with the same words)', async () => {
    await makePagesPdf(dir, 'two.pdf', 2)
    const io = { stdout: new PassThrough(), stderr: new PassThrough() }
    let err = ''
    io.stderr.on('data', (b: Buffer) => (err += b.toString()))
    io.stdout.resume()
    const local = await runCli(['two.pdf', '--engine', 'local', '--out', 'out'], { PDF_TO_IMAGE_STATE_DIR: path.join(dir, 'state') }, io, dir)
    expect(local).toBe(1)
    expect(err).toMatch(/^warning: The offline engine cannot start: /m)
  })
})
