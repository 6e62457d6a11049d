/**
 * Atomic file writes: content goes to a temp file in the destination folder, then appears under
 * its final name in one step, so no reader ever sees a half-written image (common
 * rule "never leave half-written files").
 *
 * Temp files are named `.<final name>.part-<run id>-<8 hex>` (hidden on macOS/Linux, recognisable
 * by {@link isTempFileName}) and removed on every failure path. The run id names the process that
 * made them (`journal/run-lock.ts`): a resumed batch sweeps only the temp files of runs that are
 * gone, never those of a run still writing into the same folder.
 *
 * Names are claimed through the batch's {@link OutputBatch} when the caller has one: a batch never
 * gives one name to two images, and `overwrite` replaces only files from before the batch.
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
import { holdRunLock } from '../journal/run-lock.ts'
import type { OutputBatch } from './output-batch.ts'
import { collisionVariant, fitFileName, releaseClaim, resolveCollision } from './output-names.ts'

/** `.<name>.part-<8 hex>` (before run ids) or `.<name>.part-<16 hex run id>-<8 hex>`. */
const TEMP_PATTERN = /^\..*\.part-(?:([0-9a-f]{16})-)?[0-9a-f]{8}$/u

/**
 * A fresh temp name for `finalName`: `.<finalName>.part-<run id>-<8 hex>`, at most 255 UTF-8 bytes.
 * Takes this process's run lock on first use, so the run id is provably alive while it writes.
 */
export function tempFileName(finalName: string): string {
  const runId = holdRunLock()
  return `.${fitFileName(finalName, `.part-${runId}-${randomBytes(4).toString('hex')}`, 254)}`
}

/** True for names made by {@link tempFileName} (e.g. to sweep leftovers after a crash). */
export function isTempFileName(name: string): boolean {
  return TEMP_PATTERN.test(name)
}

/** The run id inside a temp file name, or undefined (not a temp name, or one made without run id). */
export function tempFileRunId(name: string): string | undefined {
  return TEMP_PATTERN.exec(name)?.[1]
}

/** How {@link commitTempFile} names the file; a `ConversionRequest` fits as it is. */
export interface CommitOptions {
  /** Replace a file from before the batch instead of writing `name (2).png`. Default false. */
  readonly overwrite?: boolean | undefined
  /** The batch's name registry; without it only the files on disk are considered. */
  readonly outputBatch?: OutputBatch | undefined
  /** The source PDF the image comes from (keys its claims in the batch). */
  readonly sourcePath?: string | undefined
}

/** Deletes a file, ignoring every error (used on cleanup paths). */
export async function removeQuietly(filePath: string): Promise<void> {
  await rm(filePath, { force: true }).catch(() => undefined)
}

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'])

/**
 * Publishes a finished temp file under `name` in `dir` and returns the final path.
 *
 * Candidates: `name`, `name (2)`, `name (3)` … or, with `outputBatch`, the batch's candidates
 * for this source (never a name the batch gave another image, see `output-batch.ts`).
 * - `overwrite` true: `rename(temp, dir/candidate)` (replaces a file from before the batch
 *   atomically);
 * - otherwise: the first candidate free on disk, claimed and published in one step by a hard link
 *   (see the module comment).
 *
 * The temp file is gone afterwards, whether this succeeds or throws.
 * @throws FileError 'file/write-failed' (e.g. read-only folder, disk full: 'file/no-space'),
 *   'file/exists' when 9999 variants are taken.
 */
export async function commitTempFile(tempPath: string, dir: string, name: string, options: CommitOptions): Promise<string> {
  const batch = options.outputBatch
  const source = options.sourcePath ?? tempPath
  const candidates = batch === undefined ? plainVariants(name) : batch.candidates(dir, name, source)
  try {
    for (const candidateName of candidates) {
      const candidate = path.join(dir, candidateName)
      // Claimed before the first await: a concurrent commit of this batch never picks it too.
      batch?.claim(dir, candidateName, source)
      try {
        if (options.overwrite === true) {
          await rename(tempPath, candidate)
          return candidate
        }
        await link(tempPath, candidate)
        await unlink(tempPath).catch(() => undefined)
        return candidate
      } catch (err) {
        batch?.unclaim(dir, candidateName)
        const code = (err as NodeJS.ErrnoException).code ?? ''
        if (code === 'EEXIST' && options.overwrite !== true) continue
        if (NO_HARD_LINKS.has(code) && options.overwrite !== true) return await commitByPlaceholder(tempPath, dir, candidateName, batch, source)
        throw writeError(err, candidate)
      }
    }
    throw new FileError('file/exists', `Too many files named like ${name} in ${dir}`)
  } finally {
    await removeQuietly(tempPath)
  }
}

function* plainVariants(name: string): Generator<string> {
  for (let n = 1; n <= 9999; n++) yield collisionVariant(name, n)
}

/**
 * Without hard links: claims the name with an empty placeholder (`open(…, 'wx')`), then renames the
 * temp file over it. A kill between the two leaves an empty file under an output name; a resumed
 * batch removes those (`journal/resume.ts`, an image is never empty).
 */
async function commitByPlaceholder(tempPath: string, dir: string, name: string, batch: OutputBatch | undefined, source: string): Promise<string> {
  const claimed = await resolveCollision(dir, name, false)
  batch?.claim(dir, path.basename(claimed), source)
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
  options: CommitOptions,
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
