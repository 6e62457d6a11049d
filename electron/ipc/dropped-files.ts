/**
 * Turns dropped DOM `File`s into `files:register-dropped` (paths) and, for files without a path,
 * `files:register-dropped-bytes` (their bytes) calls, merging the two answers.
 *
 * Pure (no electron, node or DOM imports) so the preload and the browser harness share it.
 * Electron ≥ 32 has no `File.path`; the preload passes `webUtils.getPathForFile`, which answers ''
 * for files that do not live on disk (e.g. dragged from a browser or an archive viewer).
 */
import type { AddFilesResult, DroppedBytes, InvokeChannels, RejectedFile, Result } from './contract.ts'

/** The part of a DOM `File` used here. */
export interface DroppedFileLike {
  readonly name: string
  readonly size: number
  arrayBuffer(): Promise<ArrayBuffer>
}

/** Largest file sent as bytes (the fallback holds it in memory twice). */
export const MAX_DROPPED_BYTES_FILE = 512 * 1024 * 1024

/** The two invoke calls used. */
export interface DroppedFilesInvoke {
  registerDropped: InvokeChannels['files:register-dropped']
  registerDroppedBytes: InvokeChannels['files:register-dropped-bytes']
}

/**
 * Registers dropped files: by path where `getPathForFile` knows one, else by bytes.
 *
 * Never rejects: a failed call marks its files as rejected with that error; the answer is always
 * `ok` with the merged lists (paths first, then bytes).
 */
export async function resolveDroppedFiles<F extends DroppedFileLike>(
  files: readonly F[],
  getPathForFile: (file: F) => string,
  invoke: DroppedFilesInvoke,
): Promise<Result<AddFilesResult>> {
  const paths: string[] = []
  const pathNames: string[] = []
  const byteFiles: F[] = []
  const rejected: RejectedFile[] = []
  for (const file of files) {
    let filePath: string
    try {
      filePath = getPathForFile(file)
    } catch {
      filePath = ''
    }
    if (typeof filePath === 'string' && filePath !== '') {
      paths.push(filePath)
      pathNames.push(file.name)
    } else if (file.size > MAX_DROPPED_BYTES_FILE) {
      rejected.push({
        displayName: file.name,
        reason: { code: 'file/unreadable', message: `${file.name} is too large to add without a file path; pick it with Add files`, retryable: false },
      })
    } else {
      byteFiles.push(file)
    }
  }

  const added: AddFilesResult['added'][number][] = []
  const skippedInFolders: string[] = []
  const merge = (result: Result<AddFilesResult>, names: readonly string[]): void => {
    if (result.ok) {
      added.push(...result.value.added)
      rejected.push(...result.value.rejected)
      skippedInFolders.push(...result.value.skippedInFolders)
    } else {
      for (const name of names) rejected.push({ displayName: name, reason: result.error })
    }
  }
  const settle = async (call: () => Promise<Result<AddFilesResult>>): Promise<Result<AddFilesResult>> => {
    try {
      return await call()
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err), retryable: false } }
    }
  }

  if (paths.length > 0) merge(await settle(() => invoke.registerDropped(paths)), pathNames)
  if (byteFiles.length > 0) {
    const items: DroppedBytes[] = []
    const readable: string[] = []
    for (const file of byteFiles) {
      try {
        items.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })
        readable.push(file.name)
      } catch {
        rejected.push({ displayName: file.name, reason: { code: 'file/unreadable', message: `${file.name} cannot be read`, retryable: false } })
      }
    }
    if (items.length > 0) merge(await settle(() => invoke.registerDroppedBytes(items)), readable)
  }
  return { ok: true, value: { added, rejected, skippedInFolders } }
}
