/**
 * The CLI's use of the job journal (`--resume`, issue 5 §1).
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
import { BatchRunningError, defaultJournalDir, openJournalStore, type BatchFileEntry, type BatchJournal } from './journal.ts'

export { BatchRunningError }
import { sweepStaleTemps } from './resume.ts'

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

/**
 * Opens the journal for a CLI run (see the module comment).
 *
 * @throws NothingToResumeError; BatchRunningError (another process runs the batch); journal folder errors (the caller may run without a journal).
 */
export async function openCliJournal(args: {
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  readonly outDir: string
  readonly resume: boolean
  readonly inputs: readonly { readonly path: string; readonly label: string }[]
  readonly format: OutputFormat
  readonly pages: string | undefined
  readonly overwrite: boolean
  readonly onError: (err: unknown) => void
}): Promise<CliJournalRun> {
  const store = await openJournalStore({ dir: defaultJournalDir(args.env), onError: args.onError })
  await store.prune().catch(() => 0)
  const notes: string[] = []
  const found = await store.listResumable({ outputDir: args.outDir, origin: 'cli', includeEnded: args.resume })
  const label = (p: string): string => {
    const rel = path.relative(args.cwd, p)
    return !rel.startsWith('..') && !path.isAbsolute(rel) && rel.length < p.length ? rel : p
  }

  if (!args.resume || found.length === 0) {
    if (args.resume) {
      const running = await store.listResumable({ outputDir: args.outDir, origin: 'cli', running: true })
      if (running[0] !== undefined) throw new BatchRunningError(running[0].record.batchId)
      if (args.inputs.length === 0) throw new NothingToResumeError(args.outDir)
      notes.push(`--resume: nothing recorded for ${args.outDir}; converting the given files from the start`)
    } else if (found[0] !== undefined) {
      const b = found[0]
      notes.push(
        `note: an interrupted batch into this folder was found (${b.unfinished} of ${b.record.files.length} files unfinished, ` +
          `${b.pagesDone} of ${b.pagesTotal} pages on disk). Add --resume to continue it instead of starting over.`,
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

  const batch = found[0] as NonNullable<(typeof found)[0]>
  const journal = await store.resumeBatch(batch.record.batchId)
  const record = journal.record()
  const fromJournal = args.inputs.length === 0
  const format = fromJournal ? record.format : args.format
  const pages = fromJournal ? (record.files[0]?.pageRange ?? undefined) : args.pages
  const isDone = (entry: BatchFileEntry): boolean =>
    journal.fileRecord(entry.key)?.state === 'done' && record.format === format && (entry.pageRange ?? undefined) === pages
  const outputsOf = (entry: BatchFileEntry): string[] =>
    (journal.fileRecord(entry.key)?.progress?.written ?? []).map((w) => path.join(record.outputDir, w.name))

  const files: CliJournalFile[] = []
  if (fromJournal) {
    for (const entry of record.files) {
      files.push({ path: entry.sourcePath, label: label(entry.sourcePath), key: entry.key, done: isDone(entry), outputs: isDone(entry) ? outputsOf(entry) : [] })
    }
  } else {
    const unused = [...record.files]
    let nextKey = Math.max(0, ...record.files.map((f) => Number(f.key)).filter(Number.isFinite)) + 1
    const added: BatchFileEntry[] = []
    for (const input of args.inputs) {
      const at = unused.findIndex((e) => e.sourcePath === input.path)
      if (at >= 0) {
        const entry = unused.splice(at, 1)[0] as BatchFileEntry
        files.push({ path: input.path, label: input.label, key: entry.key, done: isDone(entry), outputs: isDone(entry) ? outputsOf(entry) : [] })
      } else {
        const key = String(nextKey++)
        added.push({ key, sourcePath: input.path, pages: null, pageRange: pages ?? null, needsPassword: false })
        files.push({ path: input.path, label: input.label, key, done: false, outputs: [] })
      }
    }
    await journal.addFiles(added)
  }
  const swept = await sweepStaleTemps(
    args.outDir,
    files.filter((f) => !f.done).map((f) => sourceStem(f.path)),
  )
  const done = files.filter((f) => f.done).length
  notes.push(
    `Resuming the batch of ${new Date(record.createdAtMs).toLocaleString()}: ${done} of ${files.length} files already done` +
      `${swept.length > 0 ? `, ${swept.length} leftover temp file${swept.length === 1 ? '' : 's'} removed` : ''}`,
  )
  return {
    journal,
    files,
    options: fromJournal ? { format, pages, overwrite: record.overwrite } : null,
    resumedBatchId: record.batchId,
    notes,
  }
}
