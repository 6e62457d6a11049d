/**
 * Headless CLI: `npm run convert -- <pdf or folder>... [options]` (issue 2 §6).
 *
 * Same pipeline as the app: every file becomes a {@link ConversionRequest} on a
 * {@link ConversionQueue} whose engine comes from {@link createEngine}: PDF.co (issue 2) or the
 * offline local engine (issue 4 §2). Without `--engine`, PDF.co is used when PDFCO_API_KEY is set,
 * else the local engine; the first status line says which and why.
 * Live status goes to stdout: a redrawn block on a TTY, line logs otherwise, or with `--json` one
 * JSON object per line (every event, then a summary). Exit code 0 only if every file succeeded.
 */
import { existsSync, statSync } from 'node:fs'
import { open, readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ConversionQueue } from './engines/queue.ts'
import { createPdfCoEngine } from './engines/pdfco/engine.ts'
import { NothingToResumeError, openCliJournal, type CliJournalRun } from './journal/cli-journal.ts'
import type { ConversionEngine, ConversionEvent, ConversionRequest, EngineKind } from './engines/types.ts'
import { AppError } from './errors.ts'
import { createLocalEngine, type LocalRenderOptions } from './engines/local/local-engine.ts'
import { MAX_DPI, MAX_SCALE_TO_PX, MIN_DPI, MIN_SCALE_TO_PX, resolveLocalOptions, type ColorMode } from './engines/local/options.ts'
import { DEFAULT_BASE_URL } from './pdfco/client.ts'
import { redact } from './pdfco/redact.ts'
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from './shared/formats.ts'
import type { ErrorDto } from './shared/error-codes.ts'

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, interrupted: 130 } as const

const HELP = `Convert PDF pages to images, offline (local engine) or through PDF.co.

Usage: npm run convert -- <pdf or folder>... [options]
       npx tsx electron/cli.ts <pdf or folder>... [options]

Arguments:
  <pdf or folder>      PDF files, or folders: a folder stands for the PDFs directly in it
                       (recognised by content: a %PDF- header, whatever the extension; not
                       sub-folders unless --recursive). Files are converted in the order given.

Options:
  --pages RANGE        pages to convert, 1-based: "1,3-5,8-", "2-last", "last"; whitespace
                       allowed; default: every page. Checked against each file's page count.
  --format FMT         png (default), jpg, webp or tiff. With PDF.co, TIFF gives one multi-page
                       file per PDF; the local engine writes one TIFF per page unless
                       --multi-page-tiff.
  --out DIR            output folder, created if missing. Default: the folder you run the command in.
                       Files are named <pdf name>-<page>.<ext>, the page zero-padded to the
                       width of the page count (tracemonkey-02.png).
  --password PW        open password, used for every PDF that needs one.
  --overwrite          replace existing files (default: keep them and write "name-02 (2).png").
  --json               print one JSON object per line: {"type":"event",...} for every event,
                       then {"type":"summary",...}. Nothing else is printed on stdout.
  --concurrency N      PDFs converted at once (default 2).
  --chunk-size N       pages per PDF.co job; a long PDF is split into jobs that run in
                       parallel on one upload (default 10).
  --parallel-jobs N    PDF.co jobs at once per PDF (default 3).
  --job-timeout SEC    give up on a PDF.co job still working after SEC seconds (default 1800).
  --recursive          also take PDFs from sub-folders of folder arguments.
  --resume             continue the interrupted or unfinished batch recorded for --out (PDF.co
                       engine): pages already on disk are kept (checked by size and SHA-256),
                       PDF.co jobs whose links are still valid are fetched instead of converted
                       again, the upload is reused while PDF.co keeps it (1 h). Without inputs the
                       batch's files and options are used; with inputs, those.
  --engine NAME        local: render on this computer (pdf.js), offline, no key needed;
                       pdfco: convert through the PDF.co Web API (needs PDFCO_API_KEY).
                       Default: pdfco when PDFCO_API_KEY is set, else local.
  -h, --help           show this help.

Local engine only (an error with --engine pdfco; PDF.co renders at its own resolution):
  --dpi N              resolution, ${MIN_DPI}-${MAX_DPI} dots per inch (default 150).
  --scale-to N         instead of --dpi: fit each page's long side to N pixels (${MIN_SCALE_TO_PX}-${MAX_SCALE_TO_PX}).
  --quality N          JPG and WebP quality, 1-100 (default 90).
  --color MODE         color (default), gray (greyscale) or bw (black and white).
  --transparent        transparent background instead of white (png and webp only).
  --multi-page-tiff    with --format tiff: one multi-page file per PDF (name.tif, or name-2-4.tif
                       for a page range).
  --workers N          render threads (default 2, at most the number of CPUs).

Environment:
  PDFCO_API_KEY        your PDF.co API key (needed for --engine pdfco). Never printed.
  PDFCO_BASE_URL       API base URL (default ${DEFAULT_BASE_URL}); point it at the emulator,
                       e.g. http://127.0.0.1:8787/v1 after \`npm run emulator -- --port 8787\`.
  PDF_TO_IMAGE_STATE_DIR  where PDF.co runs record their progress for --resume (default: the
                       per-user state folder, e.g. ~/.local/state/pdf-to-image/journal). The
                       record holds links and page checksums, never the API key or a password;
                       it is deleted when every file converted.

Output:
  On a terminal a status block is redrawn: per file uploading %, converting (elapsed),
  downloading n/m, done or failed with the reason. Otherwise one line per step.
  A summary ends the run. Completed pages stay on disk if a file fails or you press Ctrl-C;
  unfinished pages leave no partial files.

Exit codes:
  0  every file converted
  1  at least one file failed (the others were still converted)
  2  usage error: bad option, no input, PDFCO_API_KEY missing for --engine pdfco
  130 interrupted (Ctrl-C)
`

/** Parsed command line. */
export interface CliOptions {
  readonly inputs: readonly string[]
  readonly pages: string | undefined
  readonly format: OutputFormat
  readonly outDir: string
  readonly password: string | undefined
  readonly overwrite: boolean
  readonly json: boolean
  readonly concurrency: number
  readonly chunkSize: number
  readonly parallelJobs: number
  readonly jobTimeoutMs: number
  readonly recursive: boolean
  readonly engine: EngineKind
  /** `--resume`: continue the batch recorded for `outDir` (electron/journal/cli-journal.ts). */
  readonly resume: boolean
  /** Why this engine: given with --engine, or chosen by the PDFCO_API_KEY default. */
  readonly engineChoice: 'flag' | 'key-set' | 'no-key'
  /** Local render options (only set with the local engine). */
  readonly local: LocalRenderOptions
  /** Local render threads. */
  readonly workers: number | undefined
  readonly help: boolean
}

/** Options that only the local engine understands (an error with --engine pdfco). */
const LOCAL_ONLY_OPTIONS = ['dpi', 'scale-to', 'quality', 'color', 'transparent', 'multi-page-tiff', 'workers'] as const

/** A usage problem: printed with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * Parses argv (without `node script`); `env` decides the default engine (PDFCO_API_KEY set →
 * pdfco, else local). @throws UsageError for any bad or misplaced option.
 */
export function parseCliArgs(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliOptions {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        pages: { type: 'string' },
        format: { type: 'string', default: 'png' },
        out: { type: 'string' },
        password: { type: 'string' },
        overwrite: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        concurrency: { type: 'string', default: '2' },
        'chunk-size': { type: 'string', default: '10' },
        'parallel-jobs': { type: 'string', default: '3' },
        'job-timeout': { type: 'string', default: '1800' },
        recursive: { type: 'boolean', default: false },
        resume: { type: 'boolean', default: false },
        engine: { type: 'string' },
        dpi: { type: 'string' },
        'scale-to': { type: 'string' },
        quality: { type: 'string' },
        color: { type: 'string' },
        transparent: { type: 'boolean' },
        'multi-page-tiff': { type: 'boolean' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const v = parsed.values
  const format = (v.format ?? 'png').toLowerCase().replace(/^jpeg$/, 'jpg').replace(/^tif$/, 'tiff')
  if (!isOutputFormat(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${v.format}")`)
  const hasKey = (env['PDFCO_API_KEY'] ?? '').trim() !== ''
  const engine = v.engine === undefined ? (hasKey ? 'pdfco' : 'local') : v.engine.toLowerCase()
  if (engine !== 'pdfco' && engine !== 'local') throw new UsageError(`--engine must be local or pdfco (got "${v.engine}")`)
  const engineChoice = v.engine !== undefined ? 'flag' : hasKey ? 'key-set' : 'no-key'
  const given = LOCAL_ONLY_OPTIONS.filter((name) => v[name] !== undefined)
  if (engine === 'pdfco' && given.length > 0) {
    const list = given.map((n) => `--${n}`).join(', ')
    throw new UsageError(
      `${list} ${given.length === 1 ? 'applies' : 'apply'} to the local engine only; PDF.co renders at its own resolution. ` +
        (engineChoice === 'key-set' ? 'PDF.co was chosen because PDFCO_API_KEY is set: add --engine local.' : 'Use --engine local.'),
    )
  }
  if (v.dpi !== undefined && v['scale-to'] !== undefined) throw new UsageError('give either --dpi or --scale-to, not both')
  const color = v.color?.toLowerCase().replace(/^(grey|greyscale|grayscale)$/, 'gray').replace(/^colou?r$/, 'color')
  if (color !== undefined && color !== 'color' && color !== 'gray' && color !== 'bw') {
    throw new UsageError(`--color must be color, gray or bw (got "${v.color}")`)
  }
  const local: LocalRenderOptions = {
    ...(v.dpi === undefined ? {} : { dpi: numberIn('--dpi', v.dpi, MIN_DPI, MAX_DPI, false) }),
    ...(v['scale-to'] === undefined ? {} : { scaleToPx: numberIn('--scale-to', v['scale-to'], MIN_SCALE_TO_PX, MAX_SCALE_TO_PX, true) }),
    ...(v.quality === undefined ? {} : { quality: numberIn('--quality', v.quality, 1, 100, true) }),
    ...(color === undefined ? {} : { color: color satisfies ColorMode }),
    ...(v.transparent === true ? { background: 'transparent' as const } : {}),
    ...(v['multi-page-tiff'] === true ? { multiPageTiff: true } : {}),
  }
  if (local.background === 'transparent' && format !== 'png' && format !== 'webp') {
    throw new UsageError(`--transparent needs --format png or webp (${format} is always on white)`)
  }
  if (local.multiPageTiff === true && format !== 'tiff') throw new UsageError('--multi-page-tiff needs --format tiff')
  if (local.quality !== undefined && format !== 'jpg' && format !== 'webp') {
    throw new UsageError(`--quality applies to jpg and webp only (got --format ${format})`)
  }
  if (engine === 'local') {
    try {
      resolveLocalOptions(format, undefined, local)
    } catch (err) {
      throw new UsageError(err instanceof AppError ? err.message : String(err))
    }
  }
  const outDir = path.resolve(cwd, v.out ?? '.')
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UsageError(`--out ${v.out ?? '.'} is a file, not a folder: choose a folder (it is created if missing)`)
  }
  return {
    inputs: parsed.positionals,
    pages: v.pages,
    format,
    outDir,
    password: v.password,
    overwrite: v.overwrite ?? false,
    json: v.json ?? false,
    concurrency: positiveInt('--concurrency', v.concurrency),
    chunkSize: positiveInt('--chunk-size', v['chunk-size']),
    parallelJobs: positiveInt('--parallel-jobs', v['parallel-jobs']),
    jobTimeoutMs: positiveInt('--job-timeout', v['job-timeout']) * 1000,
    recursive: v.recursive ?? false,
    engine,
    resume: v.resume ?? false,
    engineChoice,
    local,
    workers: v.workers === undefined ? undefined : positiveInt('--workers', v.workers),
    help: v.help ?? false,
  }
}

function numberIn(name: string, value: string, min: number, max: number, isInteger: boolean): number {
  const n = Number(value.trim())
  if (value.trim() === '' || !Number.isFinite(n) || (isInteger && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`${name} must be a ${isInteger ? 'whole ' : ''}number from ${min} to ${max} (got "${value}")`)
  }
  return n
}

/** One line naming the engine of a run and why it was chosen (printed first, and in the summary). */
export function describeEngineChoice(options: Pick<CliOptions, 'engine' | 'engineChoice' | 'local'>): string {
  const what = options.engine === 'local' ? 'local engine (offline, on this computer)' : 'PDF.co'
  const why =
    options.engineChoice === 'flag' ? '--engine' : options.engineChoice === 'key-set' ? 'PDFCO_API_KEY is set' : 'PDFCO_API_KEY is not set'
  let resolution = ''
  if (options.engine === 'local') {
    resolution =
      options.local.scaleToPx !== undefined ? `, long side ${options.local.scaleToPx} px` : `, ${options.local.dpi ?? 150} dpi`
  }
  return `Engine: ${what}${resolution} (${why})`
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number ≥ 1 (got "${value}")`)
  return n
}

/** The engine for a run; the one place a new engine kind (e.g. `local`) is wired in. */
export function createEngine(kind: EngineKind, options: CliOptions, env: NodeJS.ProcessEnv): ConversionEngine {
  switch (kind) {
    case 'pdfco': {
      const apiKey = env['PDFCO_API_KEY'] ?? ''
      if (apiKey.trim() === '') {
        throw new UsageError(
          'PDFCO_API_KEY is not set. Export your PDF.co API key, e.g. PDFCO_API_KEY=... npm run convert -- file.pdf ' +
            '(or run the emulator: npm run emulator -- --port 8787 --key test-key, then PDFCO_BASE_URL=http://127.0.0.1:8787/v1 PDFCO_API_KEY=test-key)',
        )
      }
      const baseUrl = env['PDFCO_BASE_URL']
      try {
        if (baseUrl !== undefined && baseUrl !== '') new URL(baseUrl)
      } catch {
        throw new UsageError(`PDFCO_BASE_URL is not a URL: "${baseUrl}"`)
      }
      return createPdfCoEngine({
        apiKey: apiKey.trim(),
        ...(baseUrl === undefined || baseUrl === '' ? {} : { baseUrl }),
        chunkSize: options.chunkSize,
        parallelJobs: options.parallelJobs,
        jobDeadlineMs: options.jobTimeoutMs,
      })
    }
    case 'local':
      return createLocalEngine({
        defaults: options.local,
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        // The CLI ends when the queue is idle; idle workers need not linger.
        idleTimeoutMs: 0,
      })
  }
}

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
  try {
    const h = await open(p, 'r')
    try {
      const buf = Buffer.alloc(1029)
      const { bytesRead } = await h.read(buf, 0, buf.length, 0)
      return buf.subarray(0, bytesRead).indexOf('%PDF-', 0, 'latin1') >= 0
    } finally {
      await h.close()
    }
  } catch {
    return false
  }
}

/** Where the CLI writes. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number }
  readonly stderr: NodeJS.WritableStream
}

interface FileView {
  readonly file: InputFile
  state: 'queued' | 'inspecting' | 'uploading' | 'converting' | 'downloading' | 'done' | 'failed' | 'cancelled'
  bytesSent: number
  bytesTotal: number
  pagesDone: number
  pagesTotal: number | null
  convertingSinceMs: number | null
  startedMs: number | null
  endedMs: number | null
  outputs: string[]
  jobs: number
  error: ErrorDto | null
  lastLineMs: number
}

/**
 * Runs the CLI and returns the exit code (see {@link EXIT}); never throws.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo, cwd = process.cwd()): Promise<number> {
  let options: CliOptions
  let engine: ConversionEngine
  let inputs: InputFile[]
  let journalRun: CliJournalRun | null = null
  try {
    options = parseCliArgs(argv, cwd, env)
    if (options.help) {
      io.stdout.write(HELP)
      return EXIT.ok
    }
    if (options.resume && options.engine !== 'pdfco') throw new UsageError('--resume works with the PDF.co engine (--engine pdfco)')
    if (options.inputs.length === 0 && !options.resume) throw new UsageError('no input: give one or more PDF files or folders')
    const collected = options.inputs.length === 0 ? { files: [], warnings: [] } : await collectInputs(options.inputs, cwd, options.recursive)
    for (const w of collected.warnings) io.stderr.write(`warning: ${w}\n`)
    inputs = collected.files
    if (inputs.length === 0 && !options.resume) throw new UsageError('no PDF files to convert')
    engine = createEngine(options.engine, options, env)
    if (options.engine === 'pdfco') {
      journalRun = await openJournalFor(options, inputs, env, cwd, io)
      if (journalRun !== null) {
        for (const note of journalRun.notes) io.stderr.write(`${note}\n`)
        if (journalRun.options !== null) {
          options = { ...options, format: journalRun.options.format, pages: journalRun.options.pages, overwrite: journalRun.options.overwrite }
        }
        inputs = journalRun.files.map((f) => ({ path: f.path, label: f.label }))
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${redact(err.message)}\nRun with --help for usage.\n`)
      return EXIT.usage
    }
    io.stderr.write(`error: ${redact(err instanceof Error ? err.message : String(err))}\n`)
    return EXIT.usage
  }

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
    const key = keyOf(id)
    if (journal === undefined || key === undefined) return
    const state = status.state === 'done' ? 'done' : status.state === 'cancelled' ? 'cancelled' : 'failed'
    settledWrites.push(journal.setFileState(key, state, status.error))
  })

  let interrupted = false
  const onSigint = (): void => {
    if (interrupted) process.exit(EXIT.interrupted)
    interrupted = true
    io.stderr.write('\nInterrupted: cancelling (press Ctrl-C again to quit at once)…\n')
    queue.cancelAll()
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigint) // same clean cancel: no temp file left behind

  inputs.forEach((file, i) => {
    const id = String(i + 1)
    const resumed = journalRun?.files[i]
    if (resumed?.done === true) {
      views.set(id, {
        file,
        state: 'done',
        bytesSent: 0,
        bytesTotal: 0,
        pagesDone: resumed.outputs.length,
        pagesTotal: resumed.outputs.length,
        convertingSinceMs: null,
        startedMs: null,
        endedMs: null,
        outputs: [...resumed.outputs],
        jobs: 0,
        error: null,
        lastLineMs: 0,
      })
      if (!options.json) io.stderr.write(`[${file.label}] already converted by the interrupted run\n`)
      return
    }
    views.set(id, {
      file,
      state: 'queued',
      bytesSent: 0,
      bytesTotal: 0,
      pagesDone: 0,
      pagesTotal: null,
      convertingSinceMs: null,
      startedMs: null,
      endedMs: null,
      outputs: [],
      jobs: 0,
      error: null,
      lastLineMs: 0,
    })
    const request: ConversionRequest = {
      sourcePath: file.path,
      outputDir: options.outDir,
      format: options.format,
      pages: null,
      ...(options.pages === undefined ? {} : { pageRange: options.pages }),
      ...(options.password === undefined ? {} : { password: options.password }),
      overwrite: options.overwrite,
    }
    queue.enqueue(id, request)
  })
  printer.start()
  await queue.whenIdle()
  printer.stop()
  process.off('SIGINT', onSigint)
  process.off('SIGTERM', onSigint)
  if (journal !== undefined) {
    await Promise.all(settledWrites)
    await journal.end(interrupted ? 'interrupted' : 'ended')
  }
  // The local engine owns worker threads; PDF.co's engine holds nothing to close.
  await (engine as { close?: () => Promise<void> }).close?.().catch(() => undefined)

  const all = [...views.values()]
  const ok = all.filter((v) => v.state === 'done').length
  const failed = all.length - ok
  printer.summary(all, Date.now() - startedMs)
  if (interrupted) return EXIT.interrupted
  return failed === 0 ? EXIT.ok : EXIT.someFailed
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
    io.stderr.write(`warning: cannot record progress for --resume: ${redact(err instanceof Error ? err.message : String(err))}\n`)
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
    if (err instanceof NothingToResumeError) throw new UsageError(err.message)
    if (options.resume) throw new UsageError(`--resume: cannot read the journal: ${err instanceof Error ? err.message : String(err)}`)
    onError(err)
    return null
  }
}

function applyEvent(view: FileView, event: ConversionEvent): void {
  const t = Date.now()
  switch (event.type) {
    case 'stage':
      view.state = event.stage
      if (event.stage === 'inspecting') view.startedMs ??= t
      if (event.stage === 'converting') view.convertingSinceMs = t
      if (event.stage === 'done' || event.stage === 'failed' || event.stage === 'cancelled') view.endedMs = t
      break
    case 'inspected':
      view.pagesTotal = event.pagesTotal
      break
    case 'upload-progress':
      view.bytesSent = event.bytesSent
      view.bytesTotal = event.bytesTotal
      break
    case 'job-submitted':
      view.jobs++
      break
    case 'page-written':
      view.pagesDone = event.pagesDone
      view.pagesTotal = event.pagesTotal
      view.outputs.push(event.path)
      break
    case 'failed':
      view.error = event.error
      break
    default:
      break
  }
}

interface Printer {
  start(): void
  onEvent(view: FileView, id: string, event: ConversionEvent): void
  stop(): void
  summary(views: readonly FileView[], elapsedMs: number): void
}

function createPrinter(options: CliOptions, io: CliIo, views: Map<string, FileView>): Printer {
  const out = io.stdout
  if (options.json) {
    return {
      start() {},
      stop() {},
      onEvent(view, id, event) {
        out.write(`${JSON.stringify({ type: 'event', id, file: view.file.path, event })}\n`)
      },
      summary(all, elapsedMs) {
        const ok = all.filter((v) => v.state === 'done').length
        out.write(
          `${JSON.stringify({
            type: 'summary',
            engine: options.engine,
            ok,
            failed: all.length - ok,
            elapsedMs,
            files: all.map((v) => ({ file: v.file.path, state: v.state, pagesDone: v.pagesDone, pagesTotal: v.pagesTotal, outputs: v.outputs, error: v.error })),
          })}\n`,
        )
      },
    }
  }
  if (out.isTTY === true) {
    let drawn = 0
    let timer: NodeJS.Timeout | undefined
    const draw = (): void => {
      const cols = Math.max(40, out.columns || 100)
      const maxRows = Math.max(3, (out.rows || 30) - 2)
      const list = [...views.values()]
      const nameWidth = Math.min(Math.max(...list.map((v) => v.file.label.length)), Math.floor(cols * 0.45))
      const row = (v: FileView): string =>
        truncate(`${icon(v)} ${truncateStart(v.file.label, nameWidth).padEnd(nameWidth)}  ${describe(v)}`, cols - 1)
      let lines = list.map(row)
      if (lines.length > maxRows) {
        const active = list.filter((v) => v.state !== 'queued' && v.state !== 'done')
        const done = list.filter((v) => v.state === 'done').length
        const queued = list.filter((v) => v.state === 'queued').length
        lines = [...active.slice(0, maxRows - 1).map(row), `  … ${done} done, ${queued} queued`]
      }
      let s = drawn > 0 ? `\x1b[${drawn}A` : ''
      for (const line of lines) s += `\x1b[2K${line}\n`
      for (let i = lines.length; i < drawn; i++) s += '\x1b[2K\n'
      if (drawn > lines.length) s += `\x1b[${drawn - lines.length}A`
      drawn = lines.length
      out.write(s)
    }
    return {
      start() {
        out.write(`${describeEngineChoice(options)}\n`)
        draw()
        timer = setInterval(draw, 200)
      },
      stop() {
        clearInterval(timer)
        draw()
      },
      onEvent() {},
      summary(all, elapsedMs) {
        writeSummary(out, all, elapsedMs, options)
      },
    }
  }
  return {
    start() {
      out.write(`${describeEngineChoice(options)}\n`)
    },
    stop() {},
    onEvent(view, _id, event) {
      const line = lineFor(view, event, options.engine)
      if (line !== null) out.write(`[${view.file.label}] ${line}\n`)
    },
    summary(all, elapsedMs) {
      writeSummary(out, all, elapsedMs, options)
    },
  }
}

function lineFor(view: FileView, event: ConversionEvent, engine: EngineKind): string | null {
  const t = Date.now()
  switch (event.type) {
    case 'stage':
      switch (event.stage) {
        case 'queued':
        case 'downloading':
          return null
        case 'converting':
          return `converting${view.jobs > 0 ? '' : '…'}`
        case 'done':
          return `done: ${view.pagesDone} page${view.pagesDone === 1 ? '' : 's'} in ${seconds((view.endedMs ?? t) - (view.startedMs ?? t))}`
        case 'failed':
          return null
        case 'cancelled':
          return 'cancelled'
        default:
          return event.stage
      }
    case 'inspected':
      return `${event.pagesTotal} of ${event.pageCount} pages selected`
    case 'upload-progress': {
      if (event.bytesSent !== event.bytesTotal && t - view.lastLineMs < 1000) return null
      view.lastLineMs = t
      return `uploading ${percent(event.bytesSent, event.bytesTotal)} of ${formatBytes(event.bytesTotal)}`
    }
    case 'job-submitted':
      return `job ${event.jobId} submitted for page${event.pages.length === 1 ? '' : 's'} ${describePages(event.pages)}`
    case 'job-status':
      if (event.status === 'working' && t - view.lastLineMs < 5000) return null
      view.lastLineMs = t
      return `converting: job ${event.status} (${seconds(event.elapsedMs)})`
    case 'page-written':
      if (event.pagesDone !== event.pagesTotal && t - view.lastLineMs < 1000) return null
      view.lastLineMs = t
      return `${engine === 'local' ? 'rendered' : 'downloading'} ${event.pagesDone}/${event.pagesTotal}`
    case 'warning':
      return `warning: ${event.page === undefined ? '' : `page ${event.page}: `}${event.message}`
    case 'failed':
      return event.error.code === 'cancelled' ? null : `failed: ${event.error.message} [${event.error.code}]`
  }
}

function writeSummary(out: NodeJS.WritableStream, all: readonly FileView[], elapsedMs: number, options: CliOptions): void {
  const ok = all.filter((v) => v.state === 'done').length
  const isCancelled = (v: FileView): boolean => v.state === 'cancelled' || v.error?.code === 'cancelled'
  const cancelled = all.filter(isCancelled).length
  const failed = all.length - ok - cancelled
  const engine = options.engine === 'local' ? 'the local engine' : 'PDF.co'
  const cancelledPart = cancelled > 0 ? `, ${cancelled} cancelled` : ''
  let s = `\nSummary: ${ok} converted, ${failed} failed${cancelledPart}, in ${seconds(elapsedMs)} with ${engine} → ${options.outDir}\n`
  for (const v of all) {
    if (v.state === 'done') s += `  ✓ ${v.file.label}: ${v.outputs.length} file${v.outputs.length === 1 ? '' : 's'}\n`
    else if (isCancelled(v)) s += `  - ${v.file.label}: cancelled (${v.outputs.length} page files kept)\n`
    else s += `  ✗ ${v.file.label}: ${v.error?.message ?? v.state} [${v.error?.code ?? 'internal'}]\n`
  }
  out.write(s)
}

function icon(v: FileView): string {
  switch (v.state) {
    case 'done':
      return '✓'
    case 'failed':
      return '✗'
    case 'cancelled':
      return '-'
    case 'queued':
      return '·'
    default:
      return '›'
  }
}

function describe(v: FileView): string {
  const t = Date.now()
  switch (v.state) {
    case 'queued':
      return 'queued'
    case 'inspecting':
      return 'reading the PDF'
    case 'uploading':
      return `uploading ${percent(v.bytesSent, v.bytesTotal)}`
    case 'converting':
      return `converting ${seconds(t - (v.convertingSinceMs ?? t))}${v.jobs > 1 ? ` (${v.jobs} jobs)` : ''}${v.pagesDone > 0 ? `, ${v.pagesDone}/${v.pagesTotal ?? '?'} pages` : ''}`
    case 'downloading':
      return `downloading ${v.pagesDone}/${v.pagesTotal ?? '?'}`
    case 'done':
      return `done: ${v.pagesDone} pages in ${seconds((v.endedMs ?? t) - (v.startedMs ?? t))}`
    case 'failed':
      return `failed: ${v.error?.message ?? ''}`
    case 'cancelled':
      return 'cancelled'
  }
}

function describePages(pages: readonly number[]): string {
  if (pages.length === 0) return ''
  const first = pages[0]
  const last = pages[pages.length - 1]
  return pages.length === 1 ? `${first}` : `${first}-${last}`
}

function percent(a: number, b: number): string {
  return b <= 0 ? '0%' : `${Math.floor((a / b) * 100)}%`
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}

/** Keeps the end (the file name) of a long path: `…/folder/file.pdf`. */
function truncateStart(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(s.length - max + 1)}`
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)
if (isMain) {
  const code = await runCli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr })
  process.exitCode = code
}
