/**
 * The file registry: source PDFs the user added, known to the renderer only by opaque ids.
 *
 * Invariant: absolute paths stay in main. The renderer gets {@link FileDescriptor}s (lowercase UUID
 * `id`, `displayName` = file name only). Passwords given to unlock a PDF live here, in memory only.
 *
 * Adding a path checks, in order: it exists and is readable, `%PDF-` appears in the first 1024
 * bytes (PDF 32000-1 §7.5.2, readers' leniency), size is 1 byte..{@link MAX_SOURCE_BYTES}, it is not
 * already registered (same real path, or same size and SHA-256), and PDFium can open it (page
 * count, or "needs a password"). Folders are expanded recursively: PDFs (by content) are added,
 * other files are listed as skipped; dot-files and dot-folders are ignored.
 * Registrations run one at a time so duplicates inside one drop are caught too.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Stats } from 'node:fs'
import { mkdir, realpath, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { AppError, FileError, InputError, toErrorDto } from '../errors.ts'
import type { AddFilesResult, DroppedBytes, FileDescriptor, FileId, RejectedFile } from '../ipc/contract.ts'
import type { Logger } from '../log/logger.ts'
import { inspectPdf, type PdfInfo } from '../render/inspect.ts'
import { hasPdfMagic, sha256File } from '../util/pdf-file.ts'
import { hasPdfHeader, scanFolder, specialKind } from '../files/input-scan.ts'

/** Largest source PDF accepted (PDF.co's limit on a presigned upload). */
export const MAX_SOURCE_BYTES = 2 * 1024 ** 3
/** Most files looked at while expanding dropped folders. */
export const MAX_FOLDER_ENTRIES = 10_000

/** A registered PDF, main-process view. */
export interface RegisteredFile {
  readonly id: FileId
  /** Real (symlink-resolved) absolute path. */
  readonly path: string
  readonly displayName: string
  readonly sizeBytes: number
  pageCount: number
  readonly needsPassword: boolean
  /** Set by a successful unlock; never leaves main. */
  password: string | undefined
  /** True when the file is a copy made from dropped bytes (deleted on remove). */
  readonly isImported: boolean
  sha256: string | undefined
}

/** The registry API used by the services. */
export interface FileRegistry {
  registerPaths(paths: readonly string[]): Promise<AddFilesResult>
  registerBytes(files: readonly DroppedBytes[]): Promise<AddFilesResult>
  get(id: string): RegisteredFile | undefined
  /** @throws InputError 'input/invalid' when the id is unknown. */
  require(id: string): RegisteredFile
  describe(file: RegisteredFile): FileDescriptor
  /** Forgets a file (and deletes an imported copy). @throws InputError for an unknown id. */
  remove(id: string): Promise<void>
  /**
   * Checks a password with PDFium and keeps it for conversions.
   *
   * @throws InputError for an unknown id; FileError 'file/wrong-password' and the other inspect errors.
   */
  unlock(id: string, password: string): Promise<FileDescriptor>
  /** Deletes imported copies. */
  dispose(): Promise<void>
}

type Inspect = (filePath: string, options: { password?: string; maxPages?: number }) => Promise<PdfInfo>

/**
 * Creates an empty registry; dropped bytes are saved under `importsDir` (swept at start).
 */
export async function createFileRegistry(options: {
  readonly importsDir: string
  /** Base of thumbnail URLs (as the output registry's); each descriptor gets `<base>page/<id>/`. Default 'pdf-thumb://'. */
  readonly thumbUrlBase?: string
  readonly logger?: Logger
  /** Replaceable for tests; default electron/render/inspect.ts's `inspectPdf`. */
  readonly inspect?: Inspect
  readonly maxSourceBytes?: number
}): Promise<FileRegistry> {
  const { importsDir, logger } = options
  const thumbUrlBase = options.thumbUrlBase ?? 'pdf-thumb://'
  const inspect: Inspect = options.inspect ?? ((p, o) => inspectPdf(p, o))
  const maxBytes = options.maxSourceBytes ?? MAX_SOURCE_BYTES
  await rm(importsDir, { recursive: true, force: true }).catch(() => undefined)

  const files = new Map<FileId, RegisteredFile>()
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task)
    queue = run.catch(() => undefined)
    return run
  }

  const describe = (file: RegisteredFile): FileDescriptor => describeFile(file, thumbUrlBase)

  const hashOf = async (file: RegisteredFile): Promise<string> => {
    file.sha256 ??= await sha256File(file.path)
    return file.sha256
  }

  /** Adds one file; throws an AppError explaining the refusal. */
  const addOne = async (inputPath: string, isImported: boolean, knownHash?: string): Promise<RegisteredFile> => {
    const { real, info } = await checkSourceFile(inputPath, maxBytes)
    const sha256 = await assertNotRegistered(files.values(), { inputPath, real, sizeBytes: info.size, knownHash }, hashOf)
    const { pageCount, needsPassword } = await firstLook(inspect, real)
    const entry: RegisteredFile = {
      id: randomUUID() as FileId,
      path: real,
      displayName: path.basename(inputPath),
      sizeBytes: info.size,
      pageCount,
      needsPassword,
      password: undefined,
      isImported,
      sha256,
    }
    files.set(entry.id, entry)
    logger?.info('file added', { id: entry.id, pageCount, sizeBytes: entry.sizeBytes, needsPassword })
    return entry
  }

  const reject = (displayName: string, err: unknown): RejectedFile => {
    if (!(err instanceof AppError)) logger?.error('unexpected error while adding a file', { error: err })
    return { displayName, reason: toErrorDto(err) }
  }

  const ctx: AddContext = { addOne, describe, reject }
  return {
    registerPaths: (paths) => serial(() => registerPathsNow(paths, ctx)),
    registerBytes: (dropped) => serial(() => importDroppedBytes(dropped, importsDir, ctx)),
    get: (id) => files.get(id as FileId),
    require(id) {
      const file = files.get(id as FileId)
      if (file === undefined) throw new InputError('input/invalid', 'This file is no longer in the list')
      return file
    },
    describe,
    async remove(id) {
      const file = files.get(id as FileId)
      if (file === undefined) throw new InputError('input/invalid', 'This file is no longer in the list')
      files.delete(file.id)
      if (file.isImported) await rm(path.dirname(file.path), { recursive: true, force: true }).catch(() => undefined)
    },
    async unlock(id, password) {
      const file = files.get(id as FileId)
      if (file === undefined) throw new InputError('input/invalid', 'This file is no longer in the list')
      if (password === '') throw new FileError('file/password-required', `${file.displayName} needs a password`)
      const info = await inspect(file.path, { password, maxPages: 1 })
      file.pageCount = info.pageCount
      file.password = password
      logger?.info('file unlocked', { id: file.id, pageCount: info.pageCount })
      return describe(file)
    },
    async dispose() {
      files.clear()
      await rm(importsDir, { recursive: true, force: true }).catch(() => undefined)
    },
  }
}

/** What the add paths share with the registry. */
interface AddContext {
  readonly addOne: (inputPath: string, isImported: boolean, knownHash?: string) => Promise<RegisteredFile>
  readonly describe: (file: RegisteredFile) => FileDescriptor
  readonly reject: (displayName: string, err: unknown) => RejectedFile
}

/** The renderer's view of a file: id, name, counts, and its page-thumbnail URL base. */
function describeFile(file: RegisteredFile, thumbUrlBase: string): FileDescriptor {
  return {
    id: file.id,
    displayName: file.displayName,
    pageCount: file.pageCount,
    sizeBytes: file.sizeBytes,
    needsPassword: file.needsPassword,
    isUnlocked: file.password !== undefined,
    pageThumbUrlBase: `${thumbUrlBase}page/${file.id}/`,
  }
}

/**
 * The checks before a file is read as a PDF: absolute path, exists, regular file, 1 byte to
 * `maxBytes`, a `%PDF-` header. @throws InputError or FileError naming the file.
 */
async function checkSourceFile(inputPath: string, maxBytes: number): Promise<{ real: string; info: Stats }> {
  if (!path.isAbsolute(inputPath)) throw new InputError('input/invalid', 'Only absolute paths can be added')
  let real: string
  try {
    real = await realpath(inputPath)
  } catch (err) {
    throw fsError(err, inputPath)
  }
  const info = await stat(real).catch((err: unknown) => {
    throw fsError(err, inputPath)
  })
  // stat, never open, decides: opening a FIFO would block until a writer appears.
  if (!info.isFile()) throw new FileError('file/unreadable', `${path.basename(inputPath)} is ${specialKind(info)}, not a PDF file`)
  if (info.size === 0) throw new FileError('file/empty', `${path.basename(inputPath)} is empty (0 bytes)`)
  if (info.size > maxBytes) {
    throw new FileError('file/unreadable', `${path.basename(inputPath)} is larger than ${Math.round(maxBytes / 1024 ** 2)} MB`)
  }
  if (!(await hasPdfHeader(real))) throw new FileError('file/not-pdf', `${path.basename(inputPath)} is not a PDF`)
  return { real, info }
}

/** Adds paths one by one: files, and the PDFs found in folders; every refusal is listed. */
async function registerPathsNow(paths: readonly string[], ctx: AddContext): Promise<AddFilesResult> {
  const { addOne, describe, reject } = ctx
  const added: FileDescriptor[] = []
  const rejected: RejectedFile[] = []
  const skippedInFolders: string[] = []
  for (const p of paths) {
    const displayName = path.basename(p) || p
    try {
      if (!path.isAbsolute(p)) throw new InputError('input/invalid', 'Only absolute paths can be added')
      const info = await stat(p).catch((err: unknown) => {
        throw fsError(err, p)
      })
      if (info.isDirectory()) {
        const scan = await scanFolder(p, { recursive: true, followFolderLinks: true, skipHidden: true, maxEntries: MAX_FOLDER_ENTRIES })
        skippedInFolders.push(...scan.notPdfs)
        // Special files, unreadable files and names that are not UTF-8: refused with their reason.
        for (const s of scan.skipped) rejected.push({ displayName: s.name, reason: s.error.toDto() })
        for (const pdf of scan.pdfs) {
          try {
            added.push(describe(await addOne(pdf, false)))
          } catch (err) {
            rejected.push(reject(path.basename(pdf), err))
          }
        }
        continue
      }
      added.push(describe(await addOne(p, false)))
    } catch (err) {
      rejected.push(reject(displayName, err))
    }
  }
  return { added, rejected, skippedInFolders }
}

/** Saves each dropped PDF's bytes under `importsDir` (one folder each) and adds it. */
async function importDroppedBytes(dropped: readonly DroppedBytes[], importsDir: string, ctx: AddContext): Promise<AddFilesResult> {
  const { addOne, describe, reject } = ctx
    const added: FileDescriptor[] = []
    const rejected: RejectedFile[] = []
    for (const item of dropped) {
      const name = safeDisplayName(item.name)
      const bytes = Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength)
      if (!hasPdfMagic(bytes)) {
        rejected.push({ displayName: name, reason: new FileError('file/not-pdf', `${name} is not a PDF`).toDto() })
        continue
      }
      const folder = path.join(importsDir, randomUUID())
      const target = path.join(folder, name)
      try {
        await mkdir(folder, { recursive: true })
        await writeFile(target, bytes, { flag: 'wx' })
        const entry = await addOne(target, true, createHash('sha256').update(bytes).digest('hex'))
        added.push(describe(entry))
      } catch (err) {
        await rm(folder, { recursive: true, force: true }).catch(() => undefined)
        rejected.push(reject(name, err))
      }
    }
    return { added, rejected, skippedInFolders: [] }
}

/**
 * Refuses a file already registered: same real path, or same size and SHA-256. Returns the file's
 * SHA-256 when it had to be computed (or was known). @throws FileError 'file/exists'.
 */
async function assertNotRegistered(
  files: Iterable<RegisteredFile>,
  candidate: { readonly inputPath: string; readonly real: string; readonly sizeBytes: number; readonly knownHash: string | undefined },
  hashOf: (file: RegisteredFile) => Promise<string>,
): Promise<string | undefined> {
  const others = [...files]
  const name = path.basename(candidate.inputPath)
  if (others.some((other) => other.path === candidate.real)) throw new FileError('file/exists', `${name} is already in the list`)
  let sha256 = candidate.knownHash
  for (const other of others) {
    if (other.sizeBytes !== candidate.sizeBytes) continue
    sha256 ??= await sha256File(candidate.real)
    if ((await hashOf(other)) === sha256) {
      throw new FileError('file/exists', `${name} is already in the list (same content as ${other.displayName})`)
    }
  }
  return sha256
}

/** Page count of a PDF, or "needs a password" (page count 0). @throws the inspector's other errors. */
async function firstLook(inspect: Inspect, real: string): Promise<{ pageCount: number; needsPassword: boolean }> {
  try {
    return { pageCount: (await inspect(real, { maxPages: 1 })).pageCount, needsPassword: false }
  } catch (err) {
    if (err instanceof AppError && err.code === 'file/password-required') return { pageCount: 0, needsPassword: true }
    throw err
  }
}

function fsError(err: unknown, filePath: string): FileError {
  if (err instanceof FileError) return err
  const code = (err as NodeJS.ErrnoException).code
  const name = path.basename(filePath)
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileError('file/not-found', `${name} was not found`, { cause: err })
  return new FileError('file/unreadable', `${name} cannot be read (${code ?? 'error'})`, { cause: err })
}

/**
 * A safe file name from a dropped file's name: last segment, no control or path characters,
 * at most 200 characters, `.pdf` kept; 'dropped.pdf' when nothing is left.
 */
export function safeDisplayName(name: string): string {
  const last = name.split(/[\\/]/u).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const cleaned = last.replace(/[\u0000-\u001f\u007f<>:"|?*]/gu, '_').replace(/^\.+/u, '').trim().slice(-200)
  return cleaned === '' ? 'dropped.pdf' : cleaned
}
