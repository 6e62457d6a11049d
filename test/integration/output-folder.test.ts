import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SettingsDto } from '../../electron/ipc/contract.ts'
import { createTestServices, type TestServices } from '../helpers/services-on-emulator.ts'

let dir: string
let t: TestServices

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'out-folder-'))
  // No conversion runs here: nothing is sent to this base URL.
  t = await createTestServices({ dir, baseUrl: 'http://127.0.0.1:9' })
})
afterEach(async () => {
  await t.services.dispose()
  await rm(dir, { recursive: true, force: true })
})

const call = (channel: string, ...args: unknown[]) => t.services.dispatch(channel, args)
const settings = async (): Promise<SettingsDto> => {
  const r = await call('settings:get')
  if (!r.ok) throw new Error(r.error.message)
  return r.value as SettingsDto
}

describe('the output folder', () => {
  it('shows its full path, home as ~ (the default until one is chosen, then the chosen one)', async () => {
    expect((await settings()).outputFolderDisplayPath).toBe(path.join('~', 'Pictures', 'PDF to Image'))
    const chosen = path.join(dir, 'Exports', 'Scans 2026')
    await mkdir(chosen, { recursive: true })
    t.platform.dialogs.queueOpenFolder(chosen)
    expect(await call('output:pick-folder')).toEqual({ ok: true, value: { folderName: 'Scans 2026' } })
    expect(await settings()).toMatchObject({ outputFolderName: 'Scans 2026', outputFolderDisplayPath: chosen })
    // The write probe leaves nothing behind.
    expect(await readdir(chosen)).toEqual([])
  })

  it('is checked for writing when chosen: a refusal names the folder and the reason, and the old choice stays', async () => {
    const notFolder = path.join(dir, 'notes.txt')
    await writeFile(notFolder, 'x')
    t.platform.dialogs.queueOpenFolder(notFolder)
    const r = await call('output:pick-folder')
    expect(r).toMatchObject({ ok: false, error: { code: 'file/write-failed', message: 'Cannot write in the folder “notes.txt” (it is not a folder): choose another folder' } })
    expect((await settings()).outputFolderName).toBeNull()
  })

  it.skipIf(process.getuid?.() === 0)('refuses a folder without write permission (skipped as root, who may write anywhere)', async () => {
    const locked = path.join(dir, 'Locked')
    await mkdir(locked)
    await chmod(locked, 0o555)
    t.platform.dialogs.queueOpenFolder(locked)
    const r = await call('output:pick-folder')
    await chmod(locked, 0o755)
    expect(r).toMatchObject({ ok: false, error: { code: 'file/write-failed', message: expect.stringContaining('“Locked” (permission denied)') } })
    expect((await settings()).outputFolderName).toBeNull()
  })
})
