/**
 * Creating an output folder, refusing the operating system's own pseudo file systems first.
 *
 * Why: on Linux `/proc` and `/sys` are views of the kernel, not storage. A recursive `mkdir` inside
 * `/proc` never returns on Node 20 (the thread spins at 100 % CPU and cannot be cancelled), so the
 * path is checked before any call: the folder itself, or the nearest folder above it that exists
 * (through symbolic links, so `/tmp/link-to-proc/out` is caught too).
 */
import { mkdir, realpath } from 'node:fs/promises'
import path from 'node:path'
import { FileError } from '../errors.ts'

/** Kernel pseudo file systems that can hold no output (Linux). */
const SYSTEM_ROOTS = ['/proc', '/sys']

/**
 * The pseudo file system root that `dir` lies in (e.g. `/proc`), or undefined. Linux only; never
 * throws.
 */
export async function systemFolderOf(dir: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  if (platform !== 'linux') return undefined
  let probe = path.resolve(dir)
  for (;;) {
    const real = await realpath(probe).catch(() => undefined)
    if (real !== undefined) return SYSTEM_ROOTS.find((root) => real === root || real.startsWith(`${root}/`))
    const parent = path.dirname(probe)
    if (parent === probe) return undefined
    probe = parent
  }
}

/**
 * Creates `dir` and its missing parents (`mkdir -p`).
 *
 * @throws FileError 'file/write-failed' naming the folder when it lies in `/proc` or `/sys`; the
 *   `mkdir` error itself otherwise (callers word it for their context).
 */
export async function createOutputFolder(dir: string): Promise<void> {
  const system = await systemFolderOf(dir)
  if (system !== undefined) {
    throw new FileError('file/write-failed', `Cannot save images in ${dir}: ${system} is a view of the operating system, not a folder for files. Choose another folder.`)
  }
  await mkdir(dir, { recursive: true })
}

/**
 * Creates `dir` like {@link createOutputFolder}, for the window: a failure names only the
 * folder's last segment (the window shows folder names, not paths).
 *
 * @throws FileError 'file/write-failed': the refusal of a system folder as is, any other failure
 *   as "Cannot create the output folder <name>" with the `mkdir` error as its cause.
 */
export async function createOutputFolderForWindow(dir: string): Promise<void> {
  await createOutputFolder(dir).catch((err: unknown) => {
    if (err instanceof FileError) throw err
    throw new FileError('file/write-failed', `Cannot create the output folder ${path.basename(dir)}`, { cause: err })
  })
}
