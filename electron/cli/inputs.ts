/**
 * The CLI's inputs: files as given, folders expanded to the PDFs in them (by content).
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileHasPdfMagic } from '../util/pdf-file.ts'

/** One input file after expanding folders. */
export interface InputFile {
  readonly path: string
  /** How it was named on the command line (for messages). */
  readonly label: string
}

/**
 * Expands the arguments: files are kept as given (a non-PDF then fails with 'file/not-pdf');
 * folders give the files in them that start with `%PDF-` (within 1024 bytes), sorted by name.
 * Duplicates are dropped, also through symlinks (same real path). In folders, symlinks to files
 * are followed, symlinks to folders are not (no loops). @throws UsageError for a missing path.
 */
export async function collectInputs(args: readonly string[], cwd: string, recursive: boolean): Promise<{ files: InputFile[]; warnings: string[] }> {
  const files: InputFile[] = []
  const warnings: string[] = []
  const seen = new Set<string>()
  const add = async (p: string, label: string): Promise<void> => {
    const real = await realpath(p).catch(() => p)
    if (seen.has(real)) return
    seen.add(real)
    const rel = path.relative(cwd, p)
    files.push({ path: p, label: !rel.startsWith('..') && !path.isAbsolute(rel) && rel.length < label.length ? rel : label })
  }
  for (const arg of args) {
    const abs = path.resolve(cwd, arg)
    let info
    try {
      info = await stat(abs)
    } catch {
      // Kept: the engine reports 'file/not-found' for it like for any other failure.
      await add(abs, arg)
      continue
    }
    if (!info.isDirectory()) {
      await add(abs, arg)
      continue
    }
    const found = await pdfsInFolder(abs, recursive)
    if (found.length === 0) warnings.push(`${arg}: no PDF files found${recursive ? '' : ' (use --recursive for sub-folders)'}`)
    for (const f of found) await add(f, path.join(arg, path.relative(abs, f)))
  }
  return { files, warnings }
}

async function pdfsInFolder(dir: string, recursive: boolean): Promise<string[]> {
  const out: string[] = []
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  entries.sort((a, b) => a.name.localeCompare(b.name))
  for (const e of entries) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) {
      if (recursive) out.push(...(await pdfsInFolder(p, true)))
    } else if ((e.isFile() || (e.isSymbolicLink() && (await stat(p).catch(() => null))?.isFile() === true)) && (await looksLikePdf(p))) {
      out.push(p)
    }
  }
  return out
}

async function looksLikePdf(p: string): Promise<boolean> {
  return fileHasPdfMagic(p).catch(() => false)
}
