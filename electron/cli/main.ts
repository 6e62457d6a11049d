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
import { runCli } from './run.ts'

export { describeEngineChoice, parseCliArgs, UsageError, type CliOptions } from './args.ts'
export { createEngine } from './engine.ts'
export { collectInputs, type InputFile } from './inputs.ts'
export type { CliIo } from './printers.ts'
export { EXIT, runCli } from './run.ts'

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(fileURLToPath(import.meta.url))
if (isMain) {
  const code = await runCli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr })
  process.exitCode = code
}
