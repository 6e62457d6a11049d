import { existsSync } from 'node:fs'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileError } from '../../../../electron/errors.ts'
import { createOutputFolder, systemFolderOf } from '../../../../electron/files/output-folder.ts'

describe.runIf(process.platform === 'linux')('output folders', () => {
  it('refuses /proc and /sys before any mkdir (one inside /proc never returns), also through a link', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'out-folder-'))
    try {
      await symlink('/proc', path.join(dir, 'link'))
      for (const target of ['/proc/pdf-to-image-out', '/sys/kernel/x/y', path.join(dir, 'link', 'a', 'b')]) {
        const err = await createOutputFolder(target).then(() => undefined, (e: unknown) => e)
        expect(err, target).toBeInstanceOf(FileError)
        expect((err as FileError).code).toBe('file/write-failed')
        expect((err as FileError).message).toMatch(/is a view of the operating system, not a folder for files\. Choose another folder\.$/)
      }
      expect(await systemFolderOf('/procedures/out')).toBeUndefined()
      expect(await systemFolderOf('/proc/self', 'darwin')).toBeUndefined()
      const ok = path.join(dir, 'a', 'b')
      await createOutputFolder(ok)
      expect(existsSync(ok)).toBe(true)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
