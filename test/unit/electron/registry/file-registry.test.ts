import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFileRegistry, safeDisplayName, type FileRegistry } from '../../../../electron/registry/file-registry.ts'
import { makePdfBytes, writeEncryptedPdf, writePdf } from '../../../helpers/test-pdfs.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let dir: string
let registry: FileRegistry

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'registry-'))
  registry = await createFileRegistry({ importsDir: path.join(dir, 'imports') })
})
afterEach(async () => {
  await registry.dispose()
  await rm(dir, { recursive: true, force: true })
})

describe('file registry', () => {
  it('adds PDFs by content with lowercase UUID ids and names only; refuses non-PDFs, missing, empty and relative paths', async () => {
    const a = await writePdf(path.join(dir, 'a.pdf'), 3)
    const fake = path.join(dir, 'fake.pdf')
    await writeFile(fake, 'hello, not a pdf')
    const renamed = path.join(dir, 'really-a-pdf.dat')
    await writeFile(renamed, await makePdfBytes(1, 'renamed'))
    const empty = path.join(dir, 'empty.pdf')
    await writeFile(empty, '')
    const result = await registry.registerPaths([a, fake, renamed, path.join(dir, 'missing.pdf'), empty, 'relative.pdf'])
    expect(result.added.map((f) => [f.displayName, f.pageCount, f.needsPassword])).toEqual([
      ['a.pdf', 3, false],
      ['really-a-pdf.dat', 1, false],
    ])
    for (const f of result.added) expect(f.id).toMatch(UUID)
    expect(JSON.stringify(result)).not.toContain(dir)
    expect(result.rejected.map((r) => [r.displayName, r.reason.code])).toEqual([
      ['fake.pdf', 'file/not-pdf'],
      ['missing.pdf', 'file/not-found'],
      ['empty.pdf', 'file/empty'],
      ['relative.pdf', 'input/invalid'],
    ])
  })

  it('refuses duplicates: same path, a symlink to it, and a copy with the same content', async () => {
    const a = await writePdf(path.join(dir, 'a.pdf'), 2, 'same')
    await cp(a, path.join(dir, 'copy.pdf'))
    await symlink(a, path.join(dir, 'link.pdf'))
    const other = await writePdf(path.join(dir, 'other.pdf'), 2, 'different')
    const result = await registry.registerPaths([a, a, path.join(dir, 'link.pdf'), path.join(dir, 'copy.pdf'), other])
    expect(result.added.map((f) => f.displayName)).toEqual(['a.pdf', 'other.pdf'])
    expect(result.rejected.map((r) => [r.displayName, r.reason.code])).toEqual([
      ['a.pdf', 'file/exists'],
      ['link.pdf', 'file/exists'],
      ['copy.pdf', 'file/exists'],
    ])
  })

  it('expands folders recursively, listing non-PDFs (by content) as skipped and ignoring dot-files', async () => {
    const folder = path.join(dir, 'scans')
    await mkdir(path.join(folder, 'deep', 'deeper'), { recursive: true })
    await writePdf(path.join(folder, 'one.pdf'), 1)
    await writePdf(path.join(folder, 'deep', 'deeper', 'two.PDF'), 2)
    await writeFile(path.join(folder, 'notes.txt'), 'text')
    await writeFile(path.join(folder, 'deep', 'fake.pdf'), 'nope')
    await writeFile(path.join(folder, '.DS_Store'), 'junk')
    await symlink(folder, path.join(folder, 'deep', 'loop'))
    const result = await registry.registerPaths([folder])
    expect(result.added.map((f) => f.displayName).sort()).toEqual(['one.pdf', 'two.PDF'])
    expect([...result.skippedInFolders].sort()).toEqual(['scans/deep/fake.pdf', 'scans/notes.txt'])
    expect(result.rejected).toEqual([])
  })

  it('detects password-protected PDFs, rejects a wrong password and unlocks with the right one', async () => {
    const locked = await writeEncryptedPdf(path.join(dir, 'locked.pdf'), 'open-sesame', 3)
    const result = await registry.registerPaths([locked])
    const file = result.added[0]!
    expect(file).toMatchObject({ pageCount: 0, needsPassword: true, isUnlocked: false })
    await expect(registry.unlock(file.id, 'wrong')).rejects.toMatchObject({ code: 'file/wrong-password' })
    const unlocked = await registry.unlock(file.id, 'open-sesame')
    expect(unlocked).toMatchObject({ pageCount: 3, needsPassword: true, isUnlocked: true })
    expect(JSON.stringify(unlocked)).not.toContain('open-sesame')
    expect(registry.get(file.id)?.password).toBe('open-sesame')
  })

  it('registers dropped bytes into a private import folder, refuses non-PDF bytes and duplicates, deletes copies on remove', async () => {
    const bytes = await makePdfBytes(2, 'dropped')
    const result = await registry.registerBytes([
      { name: '../../evil/dropped.pdf', bytes },
      { name: 'again.pdf', bytes },
      { name: 'text.pdf', bytes: new TextEncoder().encode('plain text') },
    ])
    expect(result.added.map((f) => [f.displayName, f.pageCount])).toEqual([['dropped.pdf', 2]])
    expect(result.rejected.map((r) => [r.displayName, r.reason.code])).toEqual([
      ['again.pdf', 'file/exists'],
      ['text.pdf', 'file/not-pdf'],
    ])
    const stored = registry.get(result.added[0]!.id)!
    expect(stored.path.startsWith(path.join(dir, 'imports') + path.sep)).toBe(true)
    expect((await readdir(path.join(dir, 'imports'))).length).toBe(1)
    await registry.remove(result.added[0]!.id)
    expect(await readdir(path.join(dir, 'imports'))).toEqual([])
    await expect(registry.remove(result.added[0]!.id)).rejects.toMatchObject({ code: 'input/invalid' })
  })

  it('makes safe display names', () => {
    expect(safeDisplayName('C:\\Users\\x\\a.pdf')).toBe('a.pdf')
    expect(safeDisplayName('..')).toBe('dropped.pdf')
    expect(safeDisplayName('a\u0000b?.pdf')).toBe('a_b_.pdf')
  })
})
