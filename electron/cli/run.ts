/**
 * One CLI run: parse, collect inputs, pick the engine, open the resume journal (PDF.co), convert
 * every file on a {@link ConversionQueue}, print, and return the exit code.
 */
import { Readable } from 'node:stream'
import { ConversionQueue } from '../engines/queue.ts'
import type { ConversionEngine, ConversionRequest } from '../engines/types.ts'
import { OutputBatch } from '../files/output-batch.ts'
import { NoTerminalError, resolvePassword, type TerminalInput } from '../files/password-source.ts'
import { BatchRunningError, NothingToResumeError, openCliJournal, type CliJournalRun } from '../journal/cli-journal.ts'
import { redact } from '../pdfco/redact.ts'
import { escapeForTerminal as esc } from '../shared/terminal-text.ts'
import { parseCliArgs, UsageError, type CliOptions } from './args.ts'
import { createEngine } from './engine.ts'
import { applyEvent, newFileView, noteCredits, type FileView } from './file-view.ts'
import { HELP } from './help.ts'
import { collectInputs, type CollectedInputs, type InputFile } from './inputs.ts'
import { createPrinter, type CliIo, type NotConverted } from './printers.ts'

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, interrupted: 130 } as const

/** Everything a run needs once the command line and inputs are accepted. */
interface Prepared {
  readonly options: CliOptions
  readonly engine: ConversionEngine
  readonly inputs: readonly InputFile[]
  readonly journalRun: CliJournalRun | null
  /** Arguments and folder entries not converted (listed at the start and in the summary). */
  readonly notConverted: NotConverted
}

/** Stands in for stdin when no prompt is asked for (resolvePassword then never reads it). */
const NO_STDIN: TerminalInput = Readable.from([])

/** Most not-PDF folder entries named one by one at the start (the summary counts them all). */
const NOT_PDF_LINES = 20

/**
 * Runs the CLI and returns the exit code (see {@link EXIT}); never throws.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo, cwd = process.cwd()): Promise<number> {
  let prepared: Prepared | 'help'
  try {
    prepared = await prepare(argv, env, io, cwd)
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${esc(redact(err.message))}\nRun with --help for usage.\n`)
      return EXIT.usage
    }
    io.stderr.write(`error: ${esc(redact(err instanceof Error ? err.message : String(err)))}\n`)
    return EXIT.usage
  }
  if (prepared === 'help') {
    io.stdout.write(HELP)
    return EXIT.ok
  }
  return convertAll(prepared, io)
}

/** @throws UsageError (or any error of opening the engine): the run does not start. */
async function prepare(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo, cwd: string): Promise<Prepared | 'help'> {
  let options = parseCliArgs(argv, cwd, env)
  if (options.help) return 'help'
  if (options.resume && options.engine !== 'pdfco') throw new UsageError('--resume works with the PDF.co engine (--engine pdfco)')
  if (options.inputs.length === 0 && !options.resume) throw new UsageError('no input: give one or more PDF files or folders')
  const collected: CollectedInputs =
    options.inputs.length === 0 ? { files: [], warnings: [], skipped: [], notPdfs: [] } : await collectInputs(options.inputs, cwd, options.recursive)
  reportInputs(collected, io)
  let inputs: readonly InputFile[] = collected.files
  if (inputs.length === 0 && !options.resume) throw new UsageError('no PDF files to convert')
  options = { ...options, password: await passwordFor(options, env, io) }
  const engine = createEngine(options.engine, options, env)
  const problem = (engine as { readonly problem?: string | undefined }).problem
  if (problem !== undefined) io.stderr.write(`warning: ${esc(problem)}\n`)
  let journalRun: CliJournalRun | null = null
  if (options.engine === 'pdfco') {
    journalRun = await openJournalFor(options, inputs, env, cwd, io)
    if (journalRun !== null) {
      for (const note of journalRun.notes) io.stderr.write(`${esc(note)}\n`)
      if (journalRun.options !== null) {
        options = { ...options, format: journalRun.options.format, pages: journalRun.options.pages, overwrite: journalRun.options.overwrite }
      }
      inputs = journalRun.files.map((f) => ({ path: f.path, label: f.label }))
    }
  }
  return { options, engine, inputs, journalRun, notConverted: { skipped: collected.skipped, notPdfs: collected.notPdfs } }
}

/** Warnings on stderr: arguments without PDFs, every entry refused, the first not-PDF entries. */
function reportInputs(collected: CollectedInputs, io: CliIo): void {
  for (const w of collected.warnings) io.stderr.write(`warning: ${esc(w)}\n`)
  for (const s of collected.skipped) io.stderr.write(`skipped: ${esc(s.message)} [${s.code}]\n`)
  for (const name of collected.notPdfs.slice(0, NOT_PDF_LINES)) io.stderr.write(`note: ${esc(name)} is not a PDF: not converted\n`)
  const more = collected.notPdfs.length - NOT_PDF_LINES
  if (more > 0) io.stderr.write(`note: ${more} more file${more === 1 ? '' : 's'} in the folders given ${more === 1 ? 'is not a PDF' : 'are not PDFs'}\n`)
}

/**
 * The open password: `--password`, else PDF_PASSWORD, else the terminal prompt with
 * `--password-prompt` (`files/password-source.ts`).
 * @throws UsageError when a prompt is asked for without a terminal, or the prompt is cancelled.
 */
async function passwordFor(options: CliOptions, env: NodeJS.ProcessEnv, io: CliIo): Promise<string | undefined> {
  // process.stdin is opened only for a prompt: a CLI that never reads stdin leaves it alone.
  const stdin = io.stdin ?? (options.passwordPrompt ? process.stdin : NO_STDIN)
  try {
    return await resolvePassword({ flag: options.password, prompt: options.passwordPrompt, env, stdin, promptOut: io.stderr })
  } catch (err) {
    if (err instanceof NoTerminalError) throw new UsageError(err.message)
    throw new UsageError('no password given: the prompt was cancelled')
  }
}

/** Converts every input, prints as it goes, and returns the exit code. */
async function convertAll({ options, engine, inputs, journalRun, notConverted }: Prepared, io: CliIo): Promise<number> {
  const startedMs = Date.now()
  const views = new Map<string, FileView>()
  const journal = journalRun?.journal
  const keyOf = (id: string): string | undefined => journalRun?.files[Number(id) - 1]?.key
  const queue = new ConversionQueue({
    engineFor: () => engine,
    concurrency: options.concurrency,
    checkpointFor: (id) => {
      const key = keyOf(id)
      return journal === undefined || key === undefined ? undefined : journal.checkpoint(key)
    },
  })
  const printer = createPrinter(options, io, views)
  queue.on('event', (id, event) => {
    const view = views.get(id)
    if (view === undefined) return
    applyEvent(view, event)
    printer.onEvent(view, id, event)
    const key = keyOf(id)
    if (journal !== undefined && key !== undefined && event.type === 'stage' && event.stage === 'inspecting') void journal.setFileState(key, 'running')
  })
  const settledWrites: Promise<void>[] = []
  queue.on('settled', (id, status) => {
    const view = views.get(id)
    if (view !== undefined) noteCredits(view, status.outcome, status.request.format)
    const key = keyOf(id)
    if (journal === undefined || key === undefined) return
    const state = status.state === 'done' ? 'done' : status.state === 'cancelled' ? 'cancelled' : 'failed'
    settledWrites.push(journal.setFileState(key, state, status.error))
  })
  const sigint = interruptOnSigint(queue, io)
  enqueueAll(queue, views, inputs, options, journalRun, io)
  printer.start()
  await queue.whenIdle()
  printer.stop()
  sigint.remove()
  if (journal !== undefined) {
    await Promise.all(settledWrites)
    await journal.end(sigint.interrupted() ? 'interrupted' : 'ended')
  }
  // The local engine owns worker threads; PDF.co's engine holds nothing to close.
  await (engine as { close?: () => Promise<void> }).close?.().catch(() => undefined)
  const all = [...views.values()]
  const failed = all.length - all.filter((v) => v.state === 'done').length
  printer.summary(all, Date.now() - startedMs, notConverted)
  if (sigint.interrupted()) return EXIT.interrupted
  return failed === 0 && notConverted.skipped.length === 0 ? EXIT.ok : EXIT.someFailed
}

/**
 * First Ctrl-C (or SIGTERM) cancels the queue cleanly: pages on disk are kept, no temp file is left
 * behind; a second one quits at once.
 */
function interruptOnSigint(queue: ConversionQueue, io: CliIo): { interrupted(): boolean; remove(): void } {
  let interrupted = false
  const onSigint = (): void => {
    if (interrupted) process.exit(EXIT.interrupted)
    interrupted = true
    io.stderr.write('\nInterrupted: cancelling (press Ctrl-C again to quit at once)…\n')
    queue.cancelAll()
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigint)
  const remove = (): void => {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigint)
  }
  return { interrupted: () => interrupted, remove }
}

/**
 * The run's output-name registry: every input registered in input order (so same-name PDFs are
 * numbered by that order), and the images of files a resumed run already finished claimed by
 * their source (no other file of the batch replaces them, even with --overwrite).
 */
function outputBatchFor(inputs: readonly InputFile[], journalRun: CliJournalRun | null): OutputBatch {
  const batch = new OutputBatch()
  for (const file of inputs) batch.register(file.path)
  inputs.forEach((file, i) => {
    const resumed = journalRun?.files[i]
    if (resumed?.done === true) for (const out of resumed.outputs) batch.claimPath(out, file.path)
  })
  return batch
}

/** One view per input; files a resumed run already finished are shown done and not queued. */
function enqueueAll(
  queue: ConversionQueue,
  views: Map<string, FileView>,
  inputs: readonly InputFile[],
  options: CliOptions,
  journalRun: CliJournalRun | null,
  io: CliIo,
): void {
  const outputBatch = outputBatchFor(inputs, journalRun)
  inputs.forEach((file, i) => {
    const id = String(i + 1)
    const resumed = journalRun?.files[i]
    if (resumed?.done === true) {
      views.set(id, newFileView(file, resumed.outputs))
      if (!options.json) io.stderr.write(`[${esc(file.label)}] already converted by the interrupted run\n`)
      return
    }
    views.set(id, newFileView(file))
    const request: ConversionRequest = {
      sourcePath: file.path,
      outputDir: options.outDir,
      format: options.format,
      pages: null,
      ...(options.pages === undefined ? {} : { pageRange: options.pages }),
      ...(options.password === undefined ? {} : { password: options.password }),
      overwrite: options.overwrite,
      outputBatch,
      // TIFF: one file per page unless --multi-page-tiff, with either engine (PDF.co's one file per
      // job is split on this computer; the local engine reads the same flag from its options).
      ...(options.format === 'tiff' ? { multiPageTiff: options.local.multiPageTiff === true } : {}),
    }
    queue.enqueue(id, request)
  })
}

/**
 * The journal of a PDF.co run (`electron/journal/cli-journal.ts`); null when the journal folder
 * cannot be used (a warning says so and the run goes on without `--resume` support).
 * @throws UsageError when `--resume` finds nothing and no inputs were given.
 */
async function openJournalFor(options: CliOptions, inputs: readonly InputFile[], env: NodeJS.ProcessEnv, cwd: string, io: CliIo): Promise<CliJournalRun | null> {
  let warned = false
  const onError = (err: unknown): void => {
    if (warned) return
    warned = true
    io.stderr.write(`warning: cannot record progress for --resume: ${esc(redact(err instanceof Error ? err.message : String(err)))}\n`)
  }
  try {
    return await openCliJournal({
      env,
      cwd,
      outDir: options.outDir,
      resume: options.resume,
      inputs,
      format: options.format,
      pages: options.pages,
      overwrite: options.overwrite,
      onError,
    })
  } catch (err) {
    if (err instanceof NothingToResumeError || err instanceof BatchRunningError) throw new UsageError(err.message)
    if (options.resume) throw new UsageError(`--resume: cannot read the journal: ${err instanceof Error ? err.message : String(err)}`)
    onError(err)
    return null
  }
}
