import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodePlatform } from '../../../../electron/platform/node-platform.ts'
import { assertHttpsUrl, normaliseProgress } from '../../../../electron/platform/platform.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'platform-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('node platform', () => {
  it('really encrypts secrets with a key kept in its root folder', async () => {
    const platform = createNodePlatform({ rootDir: dir })
    const blob = platform.secrets.encryptString('secret-key-123')
    expect(blob.toString('latin1')).not.toContain('secret-key-123')
    expect(platform.secrets.decryptString(blob)).toBe('secret-key-123')
    expect(platform.secrets.encryptString('secret-key-123').equals(blob)).toBe(false)
    const tampered = Buffer.from(blob)
    tampered[tampered.length - 1]! ^= 1
    expect(() => platform.secrets.decryptString(tampered)).toThrow()
    expect(createNodePlatform({ rootDir: dir }).secrets.decryptString(blob)).toBe('secret-key-123')
    const keyFile = (await readdir(dir)).find((n) => n.endsWith('.key'))!
    expect((await readFile(path.join(dir, keyFile))).length).toBe(32)
  })

  it('answers dialogs from scripted queues and records shell, notifications and progress', async () => {
    const platform = createNodePlatform({ rootDir: dir })
    platform.dialogs.queueOpenFiles(['/a.pdf'])
    platform.dialogs.queueOpenFolder('/out')
    expect(await platform.showOpenFilesDialog({ title: 'Add', filters: [] })).toEqual(['/a.pdf'])
    expect(await platform.showOpenFilesDialog({ title: 'Add', filters: [] })).toBeNull()
    expect(await platform.showOpenFolderDialog({ title: 'Out' })).toBe('/out')
    await platform.openPath('/out')
    platform.showItemInFolder('/out/a.png')
    await platform.openExternal('https://pdf.co/')
    await expect(platform.openExternal('file:///etc/passwd')).rejects.toMatchObject({ code: 'input/invalid' })
    await expect(platform.openExternal('javascript:alert(1)')).rejects.toMatchObject({ code: 'input/invalid' })
    platform.showNotification({ title: 't', body: 'b' })
    platform.setProgressBar(0.5)
    platform.setProgressBar(0.25, 'error')
    platform.setProgressBar(Number.NaN)
    platform.startFileDrag({ absolutePath: '/out/a.png', iconPng: new Uint8Array(70) })
    expect(platform.recorded).toEqual({
      openedPaths: ['/out'],
      shownInFolder: ['/out/a.png'],
      dragged: [{ path: '/out/a.png', iconBytes: 70 }],
      openedExternal: ['https://pdf.co/'],
      notifications: [{ title: 't', body: 'b' }],
      progress: [0.5, 0.25, -1],
      progressModes: ['normal', 'error', 'normal'],
    })
    expect(platform.dialogs.shown).toEqual(['Add', 'Add', 'Out'])
  })

  it('helpers', () => {
    expect(assertHttpsUrl('https://x.example/a?b')).toBe('https://x.example/a?b')
    expect(() => assertHttpsUrl('http://x.example')).toThrow(/https/)
    expect(normaliseProgress(2)).toBe(1)
    expect(normaliseProgress(-0.5)).toBe(-1)
  })
})
