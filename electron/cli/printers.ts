/**
 * The CLI's three printers: JSON lines (`--json`), a redrawn status block (a terminal), or one
 * line per step (a pipe or a log file). Each ends with a summary.
 */
import type { ConversionEvent } from '../engines/types.ts'
import type { TerminalInput } from '../files/password-source.ts'
import type { EngineKind } from '../shared/engine-choice.ts'
import { describeCreditsUsed, describeFileCredits, fileCreditsUsed, summariseCredits } from '../shared/credits.ts'
import { describeBatchProgress } from '../shared/progress.ts'
import { escapeForTerminal as esc } from '../shared/terminal-text.ts'
import { describeEngineChoice, type CliOptions } from './args.ts'
import { runProgress, type FileView } from './file-view.ts'
import { describe, describePages, formatBytes, icon, percent, seconds, truncate, truncateStart } from './format.ts'
import type { SkippedEntry } from './inputs.ts'

/** Where the CLI writes (and, for `--password-prompt`, reads; default process.stdin). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number }
  readonly stderr: NodeJS.WritableStream
  readonly stdin?: TerminalInput
}

/** Inputs that were looked at and not converted (see `inputs.ts`). */
export interface NotConverted {
  readonly skipped: readonly SkippedEntry[]
  readonly notPdfs: readonly string[]
}

/** Shows a run: called at start, on each event, at the end, and for the summary. */
export interface Printer {
  start(): void
  onEvent(view: FileView, id: string, event: ConversionEvent): void
  stop(): void
  summary(views: readonly FileView[], elapsedMs: number, notConverted: NotConverted): void
}

/** The printer for this run: JSON lines with `--json`, else a redrawn block on a TTY, else lines. */
export function createPrinter(options: CliOptions, io: CliIo, views: Map<string, FileView>): Printer {
  if (options.json) return createJsonPrinter(options, io.stdout)
  if (io.stdout.isTTY === true) return createTtyPrinter(options, io.stdout, views)
  return createLinePrinter(options, io.stdout, views)
}

function createJsonPrinter(options: CliOptions, out: CliIo['stdout']): Printer {
  return {
    start() {},
    stop() {},
    onEvent(view, id, event) {
      out.write(`${JSON.stringify({ type: 'event', id, file: view.file.path, event })}\n`)
    },
    summary(all, elapsedMs, notConverted) {
      const ok = all.filter((v) => v.state === 'done').length
      out.write(
        `${JSON.stringify({
          type: 'summary',
          engine: options.engine,
          ok,
          failed: all.length - ok,
          elapsedMs,
          ...progressFields(all, options.engine),
          ...creditFields(all),
          files: all.map((v) => ({
            file: v.file.path,
            state: v.state,
            pagesDone: v.pagesDone,
            pagesTotal: v.pagesTotal,
            outputs: v.outputs,
            error: v.error,
            credits: v.credits === null ? null : fileCreditsUsed(v.credits),
          })),
          skipped: notConverted.skipped.map((s) => ({ file: s.label, code: s.code, message: s.message })),
          notPdfs: notConverted.notPdfs,
        })}\n`,
      )
    },
  }
}

function createTtyPrinter(options: CliOptions, out: CliIo['stdout'], views: Map<string, FileView>): Printer {
  let drawn = 0
  let timer: NodeJS.Timeout | undefined
  const draw = (): void => {
    const list = [...views.values()]
    const cols = Math.max(40, out.columns || 100)
    const lines = [truncate(describeBatchProgress(runProgress(list, options.engine)), cols - 1), ...statusLines(list, cols, Math.max(3, (out.rows || 30) - 3))]
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
    summary(all, elapsedMs, notConverted) {
      writeSummary(out, all, elapsedMs, options, notConverted)
    },
  }
}

/** The status block: one row per file, or the active ones and a count when they do not fit. */
function statusLines(list: readonly FileView[], cols: number, maxRows: number): string[] {
  const nameWidth = Math.min(Math.max(...list.map((v) => esc(v.file.label).length)), Math.floor(cols * 0.45))
  const row = (v: FileView): string => truncate(`${icon(v)} ${truncateStart(esc(v.file.label), nameWidth).padEnd(nameWidth)}  ${esc(describe(v))}`, cols - 1)
  const lines = list.map(row)
  if (lines.length <= maxRows) return lines
  const active = list.filter((v) => v.state !== 'queued' && v.state !== 'done')
  const done = list.filter((v) => v.state === 'done').length
  const queued = list.filter((v) => v.state === 'queued').length
  return [...active.slice(0, maxRows - 1).map(row), `  … ${done} done, ${queued} queued`]
}

function createLinePrinter(options: CliOptions, out: CliIo['stdout'], views: Map<string, FileView>): Printer {
  return {
    start() {
      out.write(`${describeEngineChoice(options)}\n`)
    },
    stop() {},
    onEvent(view, _id, event) {
      const line = lineFor(view, event, options.engine)
      if (line !== null) out.write(`[${esc(view.file.label)}] ${esc(line)}\n`)
      if (event.type === 'stage' && (event.stage === 'done' || event.stage === 'failed' || event.stage === 'cancelled') && views.size > 1) {
        out.write(`[batch] ${describeBatchProgress(runProgress([...views.values()], options.engine))}\n`)
      }
    },
    summary(all, elapsedMs, notConverted) {
      writeSummary(out, all, elapsedMs, options, notConverted)
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
      // A message that already starts by naming its page(s) is not prefixed with the page again.
      return `warning: ${event.page === undefined || /^(\S+ )?pages? \d/i.test(event.message) ? '' : `page ${event.page}: `}${event.message}`
    case 'failed':
      return event.error.code === 'cancelled' ? null : `failed: ${event.error.message} [${event.error.code}]`
  }
}

/** The summary block: counts, then one line per file and per input not converted (escaped). */
function writeSummary(out: NodeJS.WritableStream, all: readonly FileView[], elapsedMs: number, options: CliOptions, notConverted: NotConverted): void {
  const ok = all.filter((v) => v.state === 'done').length
  const isCancelled = (v: FileView): boolean => v.state === 'cancelled' || v.error?.code === 'cancelled'
  const cancelled = all.filter(isCancelled).length
  const failed = all.length - ok - cancelled
  const engine = options.engine === 'local' ? 'the local engine' : 'PDF.co'
  const cancelledPart = cancelled > 0 ? `, ${cancelled} cancelled` : ''
  const skippedPart = notConverted.skipped.length > 0 ? `, ${notConverted.skipped.length} skipped` : ''
  let s = `\nSummary: ${ok} converted, ${failed} failed${cancelledPart}${skippedPart}, in ${seconds(elapsedMs)} with ${engine} → ${esc(options.outDir)}\n`
  s += `  ${describeBatchProgress(runProgress(all, options.engine))}\n`
  const credits = summariseCredits(all.flatMap((v) => (v.credits === null ? [] : [v.credits])))
  if (credits !== null) s += `  PDF.co: ${describeCreditsUsed(credits)}\n`
  for (const v of all) {
    const label = esc(v.file.label)
    const credits = v.credits === null ? null : describeFileCredits(v.credits)
    const creditsPart = credits === null ? '' : ` (${credits.charAt(0).toLowerCase()}${credits.slice(1)})`
    if (v.state === 'done') s += `  ✓ ${label}: ${v.outputs.length} file${v.outputs.length === 1 ? '' : 's'}${creditsPart}\n`
    else if (isCancelled(v)) s += `  - ${label}: cancelled (${v.outputs.length} page files kept)\n`
    else s += `  ✗ ${label}: ${esc(v.error?.message ?? v.state)} [${v.error?.code ?? 'internal'}]\n`
  }
  for (const skipped of notConverted.skipped) s += `  ✗ ${esc(skipped.message)} [${skipped.code}]\n`
  const notPdfs = notConverted.notPdfs.length
  if (notPdfs > 0) s += `  · ${notPdfs === 1 ? '1 file in the folders given is not a PDF' : `${notPdfs} files in the folders given are not PDFs`}\n`
  out.write(s)
}

/** The run's page counts and shares of work, as `--json` reports them (the shared progress rules). */
function progressFields(all: readonly FileView[], engine: EngineKind): Record<string, unknown> {
  const p = runProgress(all, engine)
  return {
    pagesDone: p.pagesDone,
    pagesTotal: p.pagesTotal,
    progress: { done: p.doneRatio, failed: p.failedRatio, cancelled: p.cancelledRatio, percent: p.percent },
  }
}

/** What the run's PDF.co conversions did cost, as `--json` reports it (null when none reported). */
function creditFields(all: readonly FileView[]): Record<string, unknown> {
  const summary = summariseCredits(all.flatMap((v) => (v.credits === null ? [] : [v.credits])))
  return { credits: summary === null ? null : { used: summary.total, reported: summary.reported, byBalance: summary.byBalance, remaining: summary.remainingCredits } }
}
