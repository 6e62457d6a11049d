/**
 * Special files and silent skips: a FIFO (or socket) given as input, or found in a given folder,
 * is refused from `stat` before any open (opening a FIFO blocks until a writer appears); an
 * unreadable PDF and a name that is not valid UTF-8 inside a folder are reported with their
 * reason, never skipped silently. Through the app's file registry and the shared folder scan the
 * CLI uses (`electron/files/input-scan.ts`).
 *
 * The unreadable case needs a user that permission bits stop: as root the scan runs in a child
 * process under uid 65534 (nobody); without root, as the current user.
 */
import { execFileSync } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkInputFile, scanFolder } from '../../electron/files/input-scan.ts'
import { createFileRegistry, type FileRegistry } from '../../electron/registry/file-registry.ts'
import { makePagesPdf } from '../helpers/make-pdf.ts'

let dir: string
let registry: FileRegistry
const servers: net.Server[] = []

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'special-inputs-'))
  await chmod(dir, 0o755)
  registry = await createFileRegistry({ importsDir: path.join(dir, 'imports') })
})
afterAll(async () => {
  for (const s of servers) s.close()
  await registry?.dispose()
  await rm(dir, { recursive: true, force: true })
})

async function folderWithEverything(name: string): Promise<string> {
  const root = path.join(dir, name)
  await mkdir(root)
  await chmod(root, 0o755)
  await makePagesPdf(root, 'good.pdf', 1)
  for (let i = 1; i <= 4; i++) execFileSync('mkfifo', [path.join(root, `pipe-${i}.pdf`)])
  const server = net.createServer().listen(path.join(root, 'socket.pdf'))
  servers.push(server)
  await makePagesPdf(root, 'locked.pdf', 1)
  await chmod(path.join(root, 'locked.pdf'), 0o000)
  const bad = Buffer.concat([Buffer.from(path.join(root, 'caf')), Buffer.from([0xe9]), Buffer.from('.pdf')])
  await writeFile(bad, '%PDF-1.4\n')
  await writeFile(path.join(root, 'notes.txt'), 'hello')
  return root
}

describe('special files', () => {
  it('a FIFO given directly is refused at once (registry, and the check the CLI calls)', async () => {
    const fifo = path.join(dir, 'direct.pdf')
    execFileSync('mkfifo', [fifo])
    const t0 = Date.now()
    const result = await registry.registerPaths([fifo])
    expect(result.added).toEqual([])
    expect(result.rejected[0]?.reason.code).toBe('file/unreadable')
    expect(result.rejected[0]?.reason.message).toMatch(/named pipe \(FIFO\)/)
    const check = await checkInputFile(fifo)
    expect(check?.message).toMatch(/named pipe/)
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('a folder with four FIFOs, a socket, an unreadable PDF, a non-UTF-8 name: the good PDF is added, every other entry reported', async () => {
    const root = await folderWithEverything('mixed')
    const result = await registry.registerPaths([root])
    // As root permission bits do not stop reads: locked.pdf is then added (checked below as nobody).
    const isRoot = process.getuid?.() === 0
    expect(result.added.map((f) => f.displayName)).toEqual(isRoot ? ['good.pdf', 'locked.pdf'] : ['good.pdf'])
    if (!isRoot) expect(result.rejected.find((r) => r.displayName === 'mixed/locked.pdf')?.reason.message).toMatch(/permission denied/)
    const reasons = Object.fromEntries(result.rejected.map((r) => [r.displayName, r.reason.message]))
    for (let i = 1; i <= 4; i++) expect(reasons[`mixed/pipe-${i}.pdf`]).toMatch(/named pipe/)
    expect(reasons['mixed/socket.pdf']).toMatch(/socket/)
    expect(reasons['mixed/caf\\xe9.pdf']).toMatch(/not valid UTF-8/)
    expect(result.skippedInFolders).toEqual(['mixed/notes.txt'])
  })

  it('the unreadable PDF is reported as "permission denied" (scan as a user the bits stop)', async () => {
    const root = await folderWithEverything('perm')
    const script = path.join(import.meta.dirname, '../helpers/scan-folder.ts')
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, root], {
      ...asNobody,
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, HOME: dir },
    }).toString()
    const scan = JSON.parse(out) as { pdfs: string[]; notPdfs: string[]; skipped: { name: string; code: string; message: string }[] }
    expect(scan.pdfs.map((p) => path.basename(p))).toEqual(['good.pdf'])
    const locked = scan.skipped.find((s) => s.name === 'perm/locked.pdf')
    expect(locked?.message).toMatch(/permission denied/)
    expect(scan.skipped.map((s) => s.name).sort()).toEqual(['perm/caf\\xe9.pdf', 'perm/locked.pdf', 'perm/pipe-1.pdf', 'perm/pipe-2.pdf', 'perm/pipe-3.pdf', 'perm/pipe-4.pdf', 'perm/socket.pdf'])
  }, 60_000)

  it('scanFolder never blocks on FIFOs (in-process, the good file still found)', async () => {
    const root = await folderWithEverything('inproc')
    const scan = await scanFolder(root, { recursive: false, followFolderLinks: false, skipHidden: true })
    expect(scan.pdfs.map((p) => path.basename(p))).toContain('good.pdf')
    expect(scan.skipped.filter((s) => /named pipe/.test(s.error.message))).toHaveLength(4)
  })
})
