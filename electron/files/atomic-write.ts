/**
 * Atomic file writes: content goes to a temp file in the destination folder, then appears under
 * its final name in one step, so no reader ever sees a half-written image (issue 2 §3, common
 * rule "never leave half-written files").
 *
 * Temp files are named `.<final name>.part-<8 hex>` (hidden on macOS/Linux, recognisable by
 * {@link isTempFileName}) and removed on every failure path.
 *
 * Committing without overwrite uses `link(temp, final)`: the hard link fails with EEXIST when the
 * name is taken, so claiming the name and publishing the complete content are one atomic step. On
 * file systems without hard links (FAT, some network shares) it falls back to claiming the name
 * with `open(…, 'wx')` and renaming over the empty placeholder.
 */
import { randomBytes } from 'node:crypto'
import { link, rename, rm, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { FileError } from '../errors.ts'
import { collisionVariant, fitFileName, releaseClaim, resolveCollision } from './output-names.ts'

const TEMP_PATTERN = /^\..*\.part-[0-9a-f]{8}$/u

/** A fresh temp name for `finalName`: `.<finalName>.part-<8 hex>`, at most 255 UTF-8 bytes. */
export function tempFileName(finalName: string): string {
  return `.${fitFileName(finalName, `.part-${randomBytes(4).toString('hex')}`, 254)}`
}

/** True for names made by {@link tempFileName} (e.g. to sweep leftovers after a crash). */
export function isTempFileName(name: string): boolean {
  return TEMP_PATTERN.test(name)
}

/** Deletes a file, ignoring every error (used on cleanup paths). */
export async function removeQuietly(filePath: string): Promise<void> {
  await rm(filePath, { force: true }).catch(() => undefined)
}

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'])

/**
 * Publishes a finished temp file under `name` in `dir` and returns the final path.
 *
 * - `overwrite` true: `rename(temp, dir/name)` (replaces an existing file atomically).
 * - otherwise: the first free of `name`, `name (2)`, `name (3)` … (see the module comment).
 *
 * The temp file is gone afterwards, whether this succeeds or throws.
 * @throws FileError 'file/write-failed' (e.g. read-only folder, disk full: 'file/no-space'),
 *   'file/exists' when 9999 variants are taken.
 */
export async function commitTempFile(
  tempPath: string,
  dir: string,
  name: string,
  options: { overwrite: boolean },
): Promise<string> {
  try {
    if (options.overwrite) {
      const finalPath = path.join(dir, name)
      await rename(tempPath, finalPath).catch((err: unknown) => {
        throw writeError(err, finalPath)
      })
      return finalPath
    }
    for (let n = 1; n <= 9999; n++) {
      const candidate = path.join(dir, collisionVariant(name, n))
      try {
        await link(tempPath, candidate)
        await unlink(tempPath).catch(() => undefined)
        return candidate
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? ''
        if (code === 'EEXIST') continue
        if (NO_HARD_LINKS.has(code)) return await commitByPlaceholder(tempPath, dir, name)
        throw writeError(err, candidate)
      }
    }
    throw new FileError('file/exists', `Too many files named like ${name} in ${dir}`)
  } finally {
    await removeQuietly(tempPath)
  }
}

async function commitByPlaceholder(tempPath: string, dir: string, name: string): Promise<string> {
  const claimed = await resolveCollision(dir, name, false)
  try {
    await rename(tempPath, claimed)
    return claimed
  } catch (err) {
    await releaseClaim(claimed)
    throw writeError(err, claimed)
  }
}

/**
 * Writes `data` to `dir/name` atomically (temp file + commit) and returns the final path.
 *
 * @throws FileError as {@link commitTempFile}.
 */
export async function writeFileAtomic(
  dir: string,
  name: string,
  data: string | Uint8Array,
  options: { overwrite: boolean },
): Promise<string> {
  const temp = path.join(dir, tempFileName(name))
  try {
    await writeFile(temp, data, { flag: 'wx' })
  } catch (err) {
    await removeQuietly(temp)
    throw writeError(err, temp)
  }
  return commitTempFile(temp, dir, name, options)
}

/** Maps a file-system error while writing to 'file/no-space' or 'file/write-failed'. */
export function writeError(err: unknown, filePath: string): FileError {
  if (err instanceof FileError) return err
  const code = (err as NodeJS.ErrnoException).code
  const reason = err instanceof Error ? err.message : String(err)
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new FileError('file/no-space', `No space left to write ${filePath}`, { cause: err })
  }
  return new FileError('file/write-failed', `Cannot write ${filePath}: ${reason}`, { cause: err })
}
