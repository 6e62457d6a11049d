/**
 * Headless CLI: `npm run convert -- <pdf or folder>... [options]`.
 *
 * Same pipeline as the app: every file becomes a ConversionRequest on a ConversionQueue whose
 * engine comes from ./engine.ts: PDF.co or the offline local engine. Without `--engine`, PDF.co is
 * used when PDFCO_API_KEY is set, else the local engine (electron/shared/engine-choice.ts); the
 * first status line says which and why. Live status goes to stdout: a redrawn block on a TTY, line
 * logs otherwise, or with `--json` one JSON object per line (every event, then a summary). Exit
 * code 0 only if every file succeeded.
 *
 * Modules: ./args.ts (command line), ./help.ts, ./inputs.ts (folders → PDFs), ./engine.ts,
 * ./run.ts (the run), ./printers.ts and ./format.ts (output), ./file-view.ts (per-file state).
 * This file is the entry point of `vite build --mode cli` (dist-cli/cli.js) and of `tsx`.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { prestartSpareWorker } from '../engines/local/worker-pool.ts'
import type { CliIo } from './printers.ts'

/**
 * Runs the CLI (see `run.ts`, whose `runCli` this forwards to) and returns the exit code.
 *
 * Every conversion reads its PDFs with PDFium on a render worker (page count before an upload,
 * drawing offline). That thread is started first, so that its start-up (≈ 0.2-0.3 s: the thread,
 * its modules, PDFium's WASM) runs on another core while this thread loads the rest of the CLI,
 * which is imported only now for that reason.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo, cwd?: string): Promise<number> {
  if (argv.length > 0 && !argv.some((a) => a === '--help' || a === '-h')) prestartSpareWorker()
  const run = await import('./run.ts')
  return run.runCli(argv, env, io, cwd)
}

/**
 * Ends the process with `code` once stdout and stderr have taken everything written to them. By
 * then the run has awaited all its work (files, journal); what is left are idle worker threads and
 * keep-alive sockets, whose teardown would add tens of ms to every run.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  for (const stream of [process.stdout, process.stderr]) await new Promise<void>((resolve) => stream.write('', () => resolve()))
  process.exit(code)
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(fileURLToPath(import.meta.url))
if (isMain) await exitWhenFlushed(await runCli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr }))
