import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodePlatform, type NodePlatform } from '../../../../electron/platform/node-platform.ts'
import {
  DEFAULT_PDFCO_BASE_URL,
  maskApiKey,
  normaliseBaseUrl,
  openSettingsStore,
} from '../../../../electron/settings/settings-store.ts'

const CTX = { hasLocalEngine: true, defaultOutputFolderName: 'PDF to Image' }
const KEY = 'me@example.com_0123456789abcdefDEADBEEF1a2b'

let dir: string
let platform: NodePlatform

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'settings-'))
  platform = createNodePlatform({ rootDir: path.join(dir, 'platform') })
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('settings store', () => {
  it('stores the API key encrypted: the file never holds it, the DTO shows it masked, a reload decrypts it', async () => {
    const store = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    await store.setApiKey(`  ${KEY}  `)
    const onDisk = await readFile(store.filePath, 'utf8')
    expect(onDisk).not.toContain(KEY)
    expect(onDisk).not.toContain('1a2b')
    expect(JSON.parse(onDisk).apiKeyEncrypted).toMatch(/^[A-Za-z0-9+/=]+$/)
    const dto = store.toDto(CTX)
    expect(dto).toMatchObject({ hasApiKey: true, apiKeyMasked: '••••••••1a2b', canEncryptKey: true })
    expect(JSON.stringify(dto)).not.toContain(KEY)

    const again = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    expect(again.getApiKey()).toBe(KEY)
    await again.clearApiKey()
    expect(again.toDto(CTX)).toMatchObject({ hasApiKey: false, apiKeyMasked: '' })
    expect(JSON.parse(await readFile(store.filePath, 'utf8')).apiKeyEncrypted).toBeNull()
  })

  it('keeps the key for the session only when the OS cannot encrypt', async () => {
    platform.setEncryptionAvailable(false)
    const store = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    await store.setApiKey(KEY)
    expect(store.toDto(CTX)).toMatchObject({ hasApiKey: true, canEncryptKey: false })
    expect(await readFile(store.filePath, 'utf8')).not.toContain(KEY)
    const again = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    expect(again.getApiKey()).toBeNull()
  })

  it('forgets a key that cannot be decrypted (e.g. another machine) instead of failing', async () => {
    const store = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    await store.setApiKey(KEY)
    const other = createNodePlatform({ rootDir: path.join(dir, 'other-platform') })
    const again = await openSettingsStore({ dir, secrets: other.secrets, env: {} })
    expect(again.getApiKey()).toBeNull()
    expect(again.toDto(CTX).hasApiKey).toBe(false)
  })

  it('base URL: saved value, else PDFCO_BASE_URL, else PDF.co; http only for loopback', async () => {
    const store = await openSettingsStore({ dir, secrets: platform.secrets, env: { PDFCO_BASE_URL: 'http://127.0.0.1:4010/v1/' } })
    expect(store.effectiveBaseUrl()).toBe('http://127.0.0.1:4010/v1')
    await store.update({ baseUrl: 'https://proxy.example.com/v1/' })
    expect(store.toDto(CTX).baseUrl).toBe('https://proxy.example.com/v1')
    await store.update({ baseUrl: '' })
    expect(store.effectiveBaseUrl()).toBe('http://127.0.0.1:4010/v1')
    const plain = await openSettingsStore({ dir: path.join(dir, 'b'), secrets: platform.secrets, env: {} })
    expect(plain.effectiveBaseUrl()).toBe(DEFAULT_PDFCO_BASE_URL)
    await expect(store.update({ baseUrl: 'http://api.example.com/v1' })).rejects.toMatchObject({ code: 'input/invalid' })
    await expect(store.update({ baseUrl: 'file:///etc/passwd' })).rejects.toMatchObject({ code: 'input/invalid' })
    await expect(store.update({ baseUrl: 'https://u:p@x.example.com' })).rejects.toMatchObject({ code: 'input/invalid' })
    expect(normaliseBaseUrl('http://localhost:9/v1')).toBe('http://localhost:9/v1')
  })

  it('persists format, overwrite, concurrency, engine and output folder atomically', async () => {
    const store = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    expect(store.toDto(CTX)).toMatchObject({ engine: 'auto', localDpi: 150, localQuality: 90, localColor: 'color', ...CTX })
    await store.update({ format: 'webp', overwrite: 'overwrite', concurrency: 4, engine: 'pdfco' })
    await store.update({ localDpi: 300, localQuality: 75, localColor: 'gray' })
    await store.setOutputDir(path.join(dir, 'My Images'))
    await expect(store.update({ concurrency: 0 })).rejects.toMatchObject({ code: 'input/invalid' })
    await expect(store.update({ localDpi: 601 })).rejects.toMatchObject({ code: 'input/invalid' })
    await expect(store.update({ localQuality: 0 })).rejects.toMatchObject({ code: 'input/invalid' })
    const again = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    expect(again.toDto(CTX)).toMatchObject({
      format: 'webp',
      overwrite: 'overwrite',
      concurrency: 4,
      engine: 'pdfco',
      outputFolderName: 'My Images',
      defaultOutputFolderName: 'PDF to Image',
      hasLocalEngine: true,
      localDpi: 300,
      localQuality: 75,
      localColor: 'gray',
    })
    expect((await readdir(dir)).filter((n) => n.includes('.part-'))).toEqual([])
  })

  it('a damaged file is moved aside and defaults are used; a bad field falls back alone', async () => {
    await writeFile(path.join(dir, 'settings.json'), '{not json')
    const store = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    expect(store.toDto(CTX)).toMatchObject({ format: 'png', concurrency: 2, hasApiKey: false })
    expect((await readdir(dir)).some((n) => n.startsWith('settings.json.bad-'))).toBe(true)

    await writeFile(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, format: 'bmp', concurrency: 3 }))
    const partial = await openSettingsStore({ dir, secrets: platform.secrets, env: {} })
    expect(partial.toDto(CTX)).toMatchObject({ format: 'png', concurrency: 3 })
  })

  it('masks keys', () => {
    expect(maskApiKey(null)).toBe('')
    expect(maskApiKey('short')).toBe('••••••••')
    expect(maskApiKey('abcdefghijkl')).toBe('••••••••ijkl')
  })
})
