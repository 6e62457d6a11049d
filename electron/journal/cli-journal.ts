/**
 * The CLI's use of the job journal (`--resume`).
 *
 * Every PDF.co run of the CLI records itself in the journal folder ({@link defaultJournalDir}:
 * `$PDF_TO_IMAGE_STATE_DIR/journal` or the per-user state folder, never the output folder, so the
 * output holds only images). `--resume` picks the newest batch for the same `--out` that did not
 * finish (killed, Ctrl-C, or ended with failures):
 * - without inputs: its files and its options (format, pages, overwrite) are taken from the
 *   journal; files already done are reported as such and not converted again;
 * - with inputs: those inputs and the options given now; an input found in the batch resumes from
 *   its recorded progress, a new one starts fresh.
 * Temp files the killed run left in the output folder for these files are removed first (only those
 * of runs that are gone). Taking the batch over is atomic (its lock, `run-lock.ts`): of two
 * `--resume` started together one runs it, the other fails with {@link BatchRunningError}.
 */
import path from 'node:path'
import type { OutputFormat } from '../shared/formats.ts'
import { sourceStem } from '../files/output-names.ts'
import { BatchRunningError, defaultJournalDir, openJournalStore, type BatchFileEntry, type BatchJournal, type BatchSummary, type JournalStore } from './journal.ts'
import { sweepStaleTemps } from './resume.ts'

export { BatchRunningError }

/** One file of the run, with its key in the journal. */
export interface CliJournalFile {
  readonly path: string
  readonly label: string
  readonly key: string
  /** Converted completely by the interrupted run (not converted again). */
  readonly done: boolean
  /** Done files: their images (absolute paths) as recorded. */
  readonly outputs: readonly string[]
}

/** The journal side of one CLI run. */
export interface CliJournalRun {
  readonly journal: BatchJournal
  readonly files: readonly CliJournalFile[]
  /** Options read from the journal (resume without inputs), else null. */
  readonly options: { readonly format: OutputFormat; readonly pages: string | undefined; readonly overwrite: boolean } | null
  /** The batch resumed, or null for a new one. */
  readonly resumedBatchId: string | null
  /** Lines for the user (stderr). */
  readonly notes: readonly string[]
}

/** `--resume` found nothing to resume and no inputs were given. */
export class NothingToResumeError extends Error {
  constructor(outDir: string) {
    super(`--resume: no interrupted or unfinished batch was recorded for ${outDir}; give the PDFs to convert`)
    this.name = 'NothingToResumeError'
  }
}

/** What {@link openCliJournal} needs to know of the run. */
export interface CliJournalArgs {
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  readonly outDir: string
  readonly resume: boolean
  readonly inputs: readonly { readonly path: string; readonly label: string }[]
  readonly format: OutputFormat
  readonly pages: string | undefined
  readonly overwrite: boolean
  readonly onError: (err: unknown) => void
}

/**
 * Opens the journal for a CLI run (see the module comment).
 *
 * @throws NothingToResumeError; BatchRunningError (another process runs the batch); journal folder errors (the caller may run without a journal).
 */
export async function openCliJournal(args: CliJournalArgs): Promise<CliJournalRun> {
  const store = await openJournalStore({ dir: defaultJournalDir(args.env), onError: args.onError })
  await store.prune().catch(() => 0)
  const found = await store.listResumable({ outputDir: args.outDir, origin: 'cli', includeEnded: args.resume })
  const batch = found[0]
  if (!args.resume || batch === undefined) return startBatch(store, args, batch)
  return resumeBatch(store, args, batch)
}

/**
 * A new batch of the given inputs; a note names an interrupted batch into the same folder (without
 * `--resume`), or says `--resume` found nothing to resume.
 */
async function startBatch(store: JournalStore, args: CliJournalArgs, interrupted: BatchSummary | undefined): Promise<CliJournalRun> {
  const notes: string[] = []
  if (args.resume) {
    const running = await store.listResumable({ outputDir: args.outDir, origin: 'cli', running: true })
    if (running[0] !== undefined) throw new BatchRunningError(running[0].record.batchId)
    if (args.inputs.length === 0) throw new NothingToResumeError(args.outDir)
    notes.push(`--resume: nothing recorded for ${args.outDir}; converting the given files from the start`)
  } else if (interrupted !== undefined) {
    notes.push(
      `note: an interrupted batch into this folder was found (${interrupted.unfinished} of ${interrupted.record.files.length} files unfinished, ` +
        `${interrupted.pagesDone} of ${interrupted.pagesTotal} pages on disk). Add --resume to continue it instead of starting over.`,
    )
  }
  const entries: BatchFileEntry[] = args.inputs.map((f, i) => ({
    key: String(i + 1),
    sourcePath: f.path,
    pages: null,
    pageRange: args.pages ?? null,
    needsPassword: false,
  }))
  const journal = await store.createBatch({ origin: 'cli', outputDir: args.outDir, format: args.format, overwrite: args.overwrite, files: entries })
  return {
    journal,
    files: args.inputs.map((f, i) => ({ path: f.path, label: f.label, key: String(i + 1), done: false, outputs: [] })),
    options: null,
    resumedBatchId: null,
    notes,
  }
}

/**
 * Takes the batch over: its files and options (no inputs given) or the inputs given matched to
 * its files by path; clears what killed runs left in the output folder for the files still to do.
 */
async function resumeBatch(store: JournalStore, args: CliJournalArgs, batch: BatchSummary): Promise<CliJournalRun> {
  const journal = await store.resumeBatch(batch.record.batchId)
  const record = journal.record()
  const fromJournal = args.inputs.length === 0
  const format = fromJournal ? record.format : args.format
  const pages = fromJournal ? (record.files[0]?.pageRange ?? undefined) : args.pages
  const isDone = (entry: BatchFileEntry): boolean =>
    journal.fileRecord(entry.key)?.state === 'done' && record.format === format && (entry.pageRange ?? undefined) === pages
  const fileOf = (entry: BatchFileEntry, p: string, label: string): CliJournalFile => {
    const done = isDone(entry)
    const outputs = done ? (journal.fileRecord(entry.key)?.progress?.written ?? []).map((w) => path.join(record.outputDir, w.name)) : []
    return { path: p, label, key: entry.key, done, outputs }
  }
  const files = fromJournal
    ? record.files.map((entry) => fileOf(entry, entry.sourcePath, labelOf(entry.sourcePath, args.cwd)))
    : await matchInputs(journal, args.inputs, pages, fileOf)
  const swept = await sweepStaleTemps(
    args.outDir,
    files.filter((f) => !f.done).map((f) => sourceStem(f.path)),
  )
  const done = files.filter((f) => f.done).length
  const notes = [
    `Resuming the batch of ${new Date(record.createdAtMs).toLocaleString()}: ${done} of ${files.length} files already done` +
      `${swept.length > 0 ? `, ${swept.length} leftover temp file${swept.length === 1 ? '' : 's'} removed` : ''}`,
  ]
  return {
    journal,
    files,
    options: fromJournal ? { format, pages, overwrite: record.overwrite } : null,
    resumedBatchId: record.batchId,
    notes,
  }
}

/** The inputs given on `--resume`: each matched to the batch's file of the same path, or added to the batch. */
async function matchInputs(
  journal: BatchJournal,
  inputs: CliJournalArgs['inputs'],
  pages: string | undefined,
  fileOf: (entry: BatchFileEntry, p: string, label: string) => CliJournalFile,
): Promise<CliJournalFile[]> {
  const record = journal.record()
  const unused = [...record.files]
  let nextKey = Math.max(0, ...record.files.map((f) => Number(f.key)).filter(Number.isFinite)) + 1
  const added: BatchFileEntry[] = []
  const files: CliJournalFile[] = []
  for (const input of inputs) {
    const at = unused.findIndex((e) => e.sourcePath === input.path)
    if (at >= 0) {
      files.push(fileOf(unused.splice(at, 1)[0] as BatchFileEntry, input.path, input.label))
    } else {
      const key = String(nextKey++)
      added.push({ key, sourcePath: input.path, pages: null, pageRange: pages ?? null, needsPassword: false })
      files.push({ path: input.path, label: input.label, key, done: false, outputs: [] })
    }
  }
  await journal.addFiles(added)
  return files
}

/** A path relative to `cwd` when that is shorter, else the path. */
function labelOf(p: string, cwd: string): string {
  const rel = path.relative(cwd, p)
  return !rel.startsWith('..') && !path.isAbsolute(rel) && rel.length < p.length ? rel : p
}
