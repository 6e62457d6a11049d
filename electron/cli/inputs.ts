/**
 * The CLI's inputs: files as given, folders expanded to the PDFs in them (by content), and every
 * entry that was looked at and not used, with why.
 *
 * Nothing here opens a file before `stat` says it is a regular file (`files/input-scan.ts`): a
 * FIFO, socket or device given as input, or found in a folder, is refused at once instead of
 * hanging the run.
 */
import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { FileError } from '../errors.ts'
import type { ErrorCode } from '../shared/error-codes.ts'
import { checkInputFile, scanFolder } from '../files/input-scan.ts'

/** One input file after expanding folders. */
export interface InputFile {
  readonly path: string
  /** How it was named on the command line (for messages). */
  readonly label: string
}

/** An argument or folder entry that is not converted, with the reason. */
export interface SkippedEntry {
  /** The path as the user knows it (as given, or relative to the folder given). */
  readonly label: string
  /** Why, naming the entry by its label (e.g. `in/pipe.pdf is a named pipe (FIFO), …`). */
  readonly message: string
  readonly code: ErrorCode
}

/** What {@link collectInputs} found. */
export interface CollectedInputs {
  /** Files to convert, in the order given (folders: sorted by name). */
  readonly files: InputFile[]
  /** Notes on the arguments (e.g. a folder without PDFs). */
  readonly warnings: string[]
  /**
   * Entries refused: special files (FIFO, socket, device), unreadable files or folders, names that
   * are not valid UTF-8. Any of them makes the batch incomplete.
   */
  readonly skipped: SkippedEntry[]
  /** Regular files inside the given folders that are not PDFs (by content), as the app lists them. */
  readonly notPdfs: string[]
}

/**
 * Expands the arguments: a file argument is checked with `stat` first (a special file is refused
 * there, never opened); a missing one is kept, so the engine reports 'file/not-found' like any
 * other failure, and a non-PDF then fails with 'file/not-pdf'. Folders give the files in them that
 * start with `%PDF-` (within 1024 bytes), sorted by name, sub-folders only when `recursive`;
 * symbolic links to files are followed, links to folders are not (no loops). Duplicates are
 * dropped, also through symbolic links (same real path). Never throws for a bad path.
 */
export async function collectInputs(args: readonly string[], cwd: string, recursive: boolean): Promise<CollectedInputs> {
  const found: CollectedInputs = { files: [], warnings: [], skipped: [], notPdfs: [] }
  const seen = new Set<string>()
  const add = async (p: string, label: string): Promise<void> => {
    const real = await realpath(p).catch(() => p)
    if (seen.has(real)) {
      found.warnings.push(`${label}: given more than once, converted once`)
      return
    }
    seen.add(real)
    found.files.push({ path: p, label: shorterLabel(p, label, cwd) })
  }
  for (const arg of args) {
    const abs = path.resolve(cwd, arg)
    const info = await stat(abs).catch(() => null)
    if (info?.isDirectory() === true) {
      await addFolder(found, abs, arg, recursive, add)
      continue
    }
    const refusal = await checkInputFile(abs)
    if (refusal === null || refusal.code === 'file/not-found') await add(abs, arg)
    else found.skipped.push(skippedEntry(arg, path.basename(abs), refusal))
  }
  return found
}

/** The PDFs of one folder argument, its refused entries and its non-PDFs. */
async function addFolder(
  found: CollectedInputs,
  abs: string,
  arg: string,
  recursive: boolean,
  add: (p: string, label: string) => Promise<void>,
): Promise<void> {
  const scan = await scanFolder(abs, { recursive, followFolderLinks: false, skipHidden: false })
  // The scan names entries from the folder's own name; show them from the argument as typed.
  const asTyped = (shown: string): string => path.join(arg, ...shown.split('/').slice(1))
  for (const s of scan.skipped) found.skipped.push(s.path === abs ? skippedEntry(arg, path.basename(abs), s.error) : skippedEntry(asTyped(s.name), s.name, s.error))
  for (const n of scan.notPdfs) found.notPdfs.push(asTyped(n))
  if (scan.pdfs.length === 0 && !scan.skipped.some((s) => s.path === abs)) {
    found.warnings.push(`${arg}: no PDF files found${recursive ? '' : ' (use --recursive for sub-folders)'}`)
  } else if (scan.notSearched.length > 0) {
    const n = scan.notSearched.length
    found.warnings.push(`${arg}: ${n} sub-folder${n === 1 ? '' : 's'} not searched (add --recursive to convert the PDFs in ${n === 1 ? 'it' : 'them'})`)
  }
  for (const f of scan.pdfs) await add(f, path.join(arg, path.relative(abs, f)))
}

/** The refusal with its message naming the entry by `label` rather than by `known` (the name the check used). */
function skippedEntry(label: string, known: string, error: FileError): SkippedEntry {
  const reason = error.message.replace(/: skipped$/u, '')
  const message = reason.startsWith(known) ? `${label}${reason.slice(known.length)}` : `${label}: ${reason}`
  return { label, message, code: error.code }
}

/** The path relative to `cwd` when that is shorter than the label given, else the label. */
function shorterLabel(p: string, label: string, cwd: string): string {
  const rel = path.relative(cwd, p)
  return !rel.startsWith('..') && !path.isAbsolute(rel) && rel.length < label.length ? rel : label
}
