import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commitTempFile, isTempFileName,
  tempFileRunId, tempFileName, writeFileAtomic } from '../../../../electron/files/atomic-write.ts'

describe('atomic writes', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'atomic-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  it('temp names are hidden, recognisable and short enough', () => {
    const t = tempFileName('doc-01.png')
    expect(t).toMatch(/^\.doc-01\.png\.part-[0-9a-f]{16}-[0-9a-f]{8}$/)
    expect(tempFileRunId(t)).toMatch(/^[0-9a-f]{16}$/)
    expect(isTempFileName('.doc-01.png.part-0a1b2c3d')).toBe(true) // made before run ids
    expect(isTempFileName(t)).toBe(true)
    expect(isTempFileName('doc-01.png')).toBe(false)
    expect(Buffer.byteLength(tempFileName('x'.repeat(255)))).toBeLessThanOrEqual(255)
  })
  it('writes, never overwrites by default, and leaves no temp files', async () => {
    const a = await writeFileAtomic(dir, 'a.txt', 'one', { overwrite: false })
    const b = await writeFileAtomic(dir, 'a.txt', 'two', { overwrite: false })
    expect(path.basename(a)).toBe('a.txt')
    expect(path.basename(b)).toBe('a (2).txt')
    expect(await readFile(a, 'utf8')).toBe('one')
    expect(await readFile(b, 'utf8')).toBe('two')
    const c = await writeFileAtomic(dir, 'a.txt', 'three', { overwrite: true })
    expect(c).toBe(a)
    expect(await readFile(a, 'utf8')).toBe('three')
    expect((await readdir(dir)).sort()).toEqual(['a (2).txt', 'a.txt'])
  })
  it('concurrent commits of the same name get distinct files', async () => {
    const temps = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const t = path.join(dir, tempFileName('p.png'))
        await writeFile(t, `v${i}`)
        return t
      }),
    )
    const finals = await Promise.all(temps.map((t) => commitTempFile(t, dir, 'p.png', { overwrite: false })))
    expect(new Set(finals).size).toBe(10)
    expect((await readdir(dir)).filter(isTempFileName)).toEqual([])
  })
  it('removes the temp file when the commit fails', async () => {
    const t = path.join(dir, tempFileName('q.png'))
    await writeFile(t, 'x')
    await expect(commitTempFile(t, path.join(dir, 'missing'), 'q.png', { overwrite: false })).rejects.toMatchObject({
      code: 'file/write-failed',
    })
    expect(await readdir(dir)).toEqual([])
  })
})
