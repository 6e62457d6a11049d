/**
 * The API key never shows in an encoded form: a server that echoes it back as base64 (alone or
 * inside a longer base64 text), hex (either case), upper- or lower-cased, reversed or URL-encoded
 * has none of these printed by the CLI (line output and `--json`) nor answered by the app's key
 * check. The emulator's `echoKeyAs` knob plays the hostile server.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServicesInternals } from '../../electron/app/services.ts'
import { encodedForms } from '../../electron/pdfco/redact.ts'
import { createNodePlatform } from '../../electron/platform/node-platform.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { echoKey, KEY_ECHO_FORMS, startEmulator, type Emulator } from '../pdfco-emulator/server.ts'
import { SMALL_PAGE, spawnCli } from '../helpers/reliability.ts'

const KEY = 'sk-ECHO-5d2e8c1b94a7f0'
let emu: Emulator
let dir: string
let pdf: string
let services: AppServicesInternals

/** Fails when `text` holds the key in any form (letter case ignored except for base64). */
function expectNoKey(what: string, text: string): void {
  const forms = encodedForms(KEY)
  for (const f of forms.caseless) expect(text.toLowerCase().includes(f.toLowerCase()), `${what} contains ${f}`).toBe(false)
  for (const f of forms.exact) expect(text.includes(f), `${what} contains ${f}`).toBe(false)
}

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY, dpi: 36 })
  dir = await mkdtemp(path.join(os.tmpdir(), 'key-echo-'))
  pdf = await makePagesPdf(dir, 'echo.pdf', 1, SMALL_PAGE)
  services = await createAppServices({
    platform: createNodePlatform({ rootDir: path.join(dir, 'platform') }),
    userDataDir: path.join(dir, 'user-data'),
    env: { PDFCO_BASE_URL: emu.baseUrl },
  })
})
afterAll(async () => {
  await services?.dispose()
  await emu?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('a server echoing the key in every form at once (one message quoting them all)', () => {
  it('the CLI (line output and --json) and the key check show it nowhere', async () => {
    const form = 'all'
    emu.faults.echoKeyAs = form
    try {
      const env = { PDFCO_API_KEY: KEY, PDFCO_BASE_URL: emu.baseUrl, PDF_TO_IMAGE_STATE_DIR: path.join(dir, `state-${form}`) }
      const runs = [
        spawnCli([pdf, '--out', path.join(dir, `line-${form}`)], { cwd: dir, env }),
        spawnCli([pdf, '--json', '--out', path.join(dir, `json-${form}`)], { cwd: dir, env }),
      ]
      await Promise.all(runs.map((r) => r.exited))
      const cli = runs.map((r) => `${r.stdout()}\n${r.stderr()}`).join('\n')
      expect(cli).toMatch(/\[redacted\]/) // the echo reached the output, and was removed
      expectNoKey('CLI output', cli)

      expect(await services.dispatch('settings:set-api-key', [KEY])).toMatchObject({ ok: true })
      const answer = JSON.stringify(await services.dispatch('settings:check-key', []))
      expect(answer).toMatch(/redacted/)
      expectNoKey('key-check answer', answer)
      // The echo really carried the key in this form.
      for (const f of KEY_ECHO_FORMS) expect(echoKey(KEY, form)).toContain(echoKey(KEY, f))
    } finally {
      emu.faults.echoKeyAs = null
    }
  }, 60_000)
})
