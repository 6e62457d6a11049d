/**
 * Finding source PDFs on disk without ever blocking and without skipping anything silently:
 * shared by the app's file registry (dropped or picked files and folders) and the CLI's input
 * discovery.
 *
 * - Every entry is `lstat`/`stat`ed before anything opens it: a FIFO, socket or device is refused
 *   with its kind (opening a FIFO for reading blocks until a writer appears, and a blocked open
 *   holds one of Node's few file-system threads, starving the other files).
 * - A file that cannot be read (permissions) or whose name is not valid UTF-8 (it cannot be named
 *   back to the file system through a JavaScript string) is reported with that reason, never
 *   skipped as if it were not a PDF.
 * - Non-PDFs (by content: `%PDF-` in the first 1024 bytes, PDF 32000-1 §7.5.2) are listed apart.
 */
import type { Dirent, Stats } from 'node:fs'
import { readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { FileError } from '../errors.ts'
import { fileHasPdfMagic } from '../util/pdf-file.ts'


/** An entry that was looked at and not used, with why (a specific FileError). */
export interface SkippedInput {
  /** The path as the user knows it (relative to the folder given, `/`-separated; escaped if not UTF-8). */
  readonly name: string
  /** Absolute path, when it can be written as a string. */
  readonly path: string | undefined
  readonly error: FileError
}

/** What a folder scan found. */
export interface FolderScan {
  /** PDFs by content, absolute paths, sorted by name within each folder. */
  readonly pdfs: string[]
  /** Regular files that are not PDFs (display names). */
  readonly notPdfs: string[]
  /** Entries refused with a reason: special files, unreadable files, names that are not UTF-8. */
  readonly skipped: SkippedInput[]
  /** Sub-folders not searched because the scan was not recursive (display names). */
  readonly notSearched: string[]
}

/** Options of {@link scanFolder}. */
export interface ScanOptions {
  /** Descend into sub-folders. */
  readonly recursive: boolean
  /** Follow symbolic links to folders (loops are detected by real path). */
  readonly followFolderLinks: boolean
  /** Ignore names starting with a dot (hidden files, temp files). */
  readonly skipHidden: boolean
  /** Most files looked at; the rest are ignored. Default 10,000. */
  readonly maxEntries?: number
}

/** The kind of a non-regular, non-folder file, for messages. */
export function specialKind(info: Pick<Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  return 'not a regular file'
}

/**
 * Checks one input before it is opened: it must exist and be a regular file (symbolic links are
 * followed with `stat`, which never blocks). Returns null when it may be opened, else the refusal.
 */
export async function checkInputFile(filePath: string): Promise<FileError | null> {
  const name = path.basename(filePath)
  let info: Stats
  try {
    info = await stat(filePath)
  } catch (err) {
    return fileSystemError(err, name)
  }
  if (info.isDirectory()) return new FileError('file/unreadable', `${name} is a folder`)
  if (!info.isFile()) return new FileError('file/unreadable', `${name} is ${specialKind(info)}, not a PDF file: skipped`)
  return null
}

/** An fs error as a specific FileError naming the file. */
export function fileSystemError(err: unknown, name: string): FileError {
  if (err instanceof FileError) return err
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileError('file/not-found', `${name} was not found`, { cause: err })
  if (code === 'EACCES' || code === 'EPERM') return new FileError('file/unreadable', `${name} cannot be read: permission denied`, { cause: err })
  return new FileError('file/unreadable', `${name} cannot be read (${code ?? 'error'})`, { cause: err })
}

/**
 * True when `%PDF-` occurs in the first 1024 (+5) bytes. Call it only on a regular file.
 * @throws FileError 'file/unreadable' (e.g. permission denied), 'file/not-found'.
 */
export async function hasPdfHeader(filePath: string): Promise<boolean> {
  return fileHasPdfMagic(filePath).catch((err: unknown) => {
    throw fileSystemError(err, path.basename(filePath))
  })
}

/** A raw file name shown safely: invalid UTF-8 bytes as `\xNN`. */
export function displayRawName(raw: Buffer): string {
  let out = ''
  let i = 0
  while (i < raw.length) {
    const len = utf8SequenceLength(raw, i)
    if (len === 0) {
      out += `\\x${(raw[i] ?? 0).toString(16).padStart(2, '0')}`
      i++
    } else {
      out += raw.subarray(i, i + len).toString('utf8')
      i += len
    }
  }
  return out
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are not valid UTF-8. */
function utf8SequenceLength(b: Buffer, i: number): number {
  const c = b[i] ?? 0
  const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0
  if (len <= 1 || i + len > b.length) return len === 1 ? 1 : 0
  for (let k = 1; k < len; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return 0
  // Reject overlong forms, surrogates and code points past U+10FFFF.
  const decoded = b.subarray(i, i + len).toString('utf8')
  return decoded.includes('\ufffd') ? 0 : len
}

/** True when `raw` is valid UTF-8 (so the name round-trips through a string). */
export function isValidUtf8Name(raw: Buffer): boolean {
  return Buffer.from(raw.toString('utf8'), 'utf8').equals(raw)
}

/**
 * Scans a folder for PDFs (see the module comment). Never throws: an unreadable folder is itself
 * reported in `skipped`.
 */
export async function scanFolder(root: string, options: ScanOptions): Promise<FolderScan> {
  const result: FolderScan = { pdfs: [], notPdfs: [], skipped: [], notSearched: [] }
  const seen = new Set<string>()
  const rootName = path.basename(root)
  const shown = (full: string): string => path.join(rootName, path.relative(root, full)).split(path.sep).join('/')
  let budget = options.maxEntries ?? 10_000
  const walk = async (dir: string, isRoot: boolean): Promise<void> => {
    const realDir = await realpath(dir).catch(() => dir)
    if (seen.has(realDir)) return
    seen.add(realDir)
    let entries: Dirent<Buffer>[]
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' })
    } catch (err) {
      result.skipped.push({ name: isRoot ? rootName : shown(dir), path: dir, error: fileSystemError(err, isRoot ? rootName : shown(dir)) })
      return
    }
    const named = entries.map((e) => ({ e, name: e.name.toString('utf8') })).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
    for (const { e, name } of named) {
      if (budget <= 0) return
      if (options.skipHidden && name.startsWith('.')) continue
      if (!isValidUtf8Name(e.name)) {
        budget--
        const display = path.posix.join(shown(dir), displayRawName(e.name))
        result.skipped.push({ name: display, path: undefined, error: new FileError('file/unreadable', `${display}: the name is not valid UTF-8; rename the file to convert it`) })
        continue
      }
      await visit(path.join(dir, name), e)
    }
  }
  const visit = async (full: string, entry: Dirent<Buffer>): Promise<void> => {
    let kind: Pick<Stats, 'isDirectory' | 'isFile' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'> = entry
    if (entry.isSymbolicLink()) {
      const target = await stat(full).catch(() => null)
      if (target === null) return // dangling link: nothing to convert
      if (target.isDirectory() && !options.followFolderLinks) return
      kind = target
    }
    if (kind.isDirectory()) {
      if (options.recursive) await walk(full, false)
      else result.notSearched.push(shown(full))
      return
    }
    budget--
    if (!kind.isFile()) {
      result.skipped.push({ name: shown(full), path: full, error: new FileError('file/unreadable', `${shown(full)} is ${specialKind(kind)}, not a PDF file: skipped`) })
      return
    }
    try {
      if (await hasPdfHeader(full)) result.pdfs.push(full)
      else result.notPdfs.push(shown(full))
    } catch (err) {
      result.skipped.push({ name: shown(full), path: full, error: fileSystemError(err, shown(full)) })
    }
  }
  await walk(root, true)
  return result
}
