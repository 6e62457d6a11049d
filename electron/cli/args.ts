/**
 * The CLI's command line: parsing, checking every option against the others, and the one line
 * that names the engine of a run and why.
 */
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { resolveLocalOptions, type ColorMode, type LocalRenderOptions } from '../engines/local/options.ts'
import { AppError } from '../errors.ts'
import { isEngineKind, resolveEngine, type EngineKind } from '../shared/engine-choice.ts'
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from '../shared/formats.ts'
import {
  LOCAL_DPI_DEFAULT,
  LOCAL_DPI_MAX,
  LOCAL_DPI_MIN,
  QUALITY_MAX,
  QUALITY_MIN,
  SCALE_TO_PX_MAX,
  SCALE_TO_PX_MIN,
} from '../shared/limits.ts'

/** Parsed command line. */
export interface CliOptions {
  readonly inputs: readonly string[]
  readonly pages: string | undefined
  readonly format: OutputFormat
  readonly outDir: string
  /** `--password` as given; the run resolves it with PDF_PASSWORD and `--password-prompt`. */
  readonly password: string | undefined
  /** `--password-prompt`: ask for the password on the terminal (echo off). */
  readonly passwordPrompt: boolean
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
const LOCAL_ONLY_OPTIONS = ['dpi', 'scale-to', 'quality', 'color', 'transparent', 'workers'] as const

/** A usage problem: printed with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

const OPTION_SPEC = {
  pages: { type: 'string' },
  format: { type: 'string', default: 'png' },
  out: { type: 'string' },
  password: { type: 'string' },
  'password-prompt': { type: 'boolean', default: false },
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
} as const

type RawValues = ReturnType<typeof parseRaw>['values']

function parseRaw(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTION_SPEC })
  } catch (err) {
    // Node's parser words some errors on several lines; an error line is one line.
    throw new UsageError((err as Error).message.replace(/\s*\n\s*/g, ' '))
  }
}

/**
 * Parses argv (without `node script`); `env` decides the default engine (PDFCO_API_KEY set →
 * pdfco, else local). @throws UsageError for any bad or misplaced option.
 */
export function parseCliArgs(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliOptions {
  const parsed = parseRaw(argv)
  const v = parsed.values
  const format = (v.format ?? 'png').toLowerCase().replace(/^jpeg$/, 'jpg').replace(/^tif$/, 'tiff')
  if (!isOutputFormat(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${v.format}")`)
  const { engine, engineChoice } = chooseEngine(v, env)
  const local = parseLocalOptions(v, format)
  if (engine === 'local') {
    try {
      resolveLocalOptions(format, undefined, local)
    } catch (err) {
      throw new UsageError(err instanceof AppError ? err.message : String(err))
    }
  }
  return {
    inputs: parsed.positionals,
    pages: v.pages,
    format,
    outDir: outDirOf(v.out, cwd),
    password: v.password,
    passwordPrompt: v['password-prompt'] ?? false,
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

/** `--engine`, else the shared 'auto' rule (PDF.co when PDFCO_API_KEY is set); local-only options are refused with PDF.co. */
function chooseEngine(v: RawValues, env: NodeJS.ProcessEnv): Pick<CliOptions, 'engine' | 'engineChoice'> {
  const hasKey = (env['PDFCO_API_KEY'] ?? '').trim() !== ''
  const named = v.engine?.toLowerCase()
  if (named !== undefined && !isEngineKind(named)) throw new UsageError(`--engine must be local or pdfco (got "${v.engine}")`)
  const engine = resolveEngine(named, hasKey)
  const engineChoice = named !== undefined ? 'flag' : hasKey ? 'key-set' : 'no-key'
  const given = LOCAL_ONLY_OPTIONS.filter((name) => v[name] !== undefined)
  if (engine === 'pdfco' && given.length > 0) {
    const list = given.map((n) => `--${n}`).join(', ')
    throw new UsageError(
      `${list} ${given.length === 1 ? 'applies' : 'apply'} to the local engine only; PDF.co renders at its own resolution. ` +
        (engineChoice === 'key-set' ? 'PDF.co was chosen because PDFCO_API_KEY is set: add --engine local.' : 'Use --engine local.'),
    )
  }
  return { engine, engineChoice }
}

/** The local engine's options as given, checked against each other and the format. */
function parseLocalOptions(v: RawValues, format: OutputFormat): LocalRenderOptions {
  if (v.dpi !== undefined && v['scale-to'] !== undefined) throw new UsageError('give either --dpi or --scale-to, not both')
  const color = v.color?.toLowerCase().replace(/^(grey|greyscale|grayscale)$/, 'gray').replace(/^colou?r$/, 'color')
  if (color !== undefined && color !== 'color' && color !== 'gray' && color !== 'bw') {
    throw new UsageError(`--color must be color, gray or bw (got "${v.color}")`)
  }
  const local: LocalRenderOptions = {
    ...(v.dpi === undefined ? {} : { dpi: numberIn('--dpi', v.dpi, LOCAL_DPI_MIN, LOCAL_DPI_MAX, false) }),
    ...(v['scale-to'] === undefined ? {} : { scaleToPx: numberIn('--scale-to', v['scale-to'], SCALE_TO_PX_MIN, SCALE_TO_PX_MAX, true) }),
    ...(v.quality === undefined ? {} : { quality: numberIn('--quality', v.quality, QUALITY_MIN, QUALITY_MAX, true) }),
    ...(color === undefined ? {} : { color: color satisfies ColorMode }),
    ...(v.transparent === true ? { background: 'transparent' as const } : {}),
    ...(v['multi-page-tiff'] === true ? { multiPageTiff: true } : {}),
  }
  if (local.background === 'transparent' && format !== 'png' && format !== 'webp') {
    throw new UsageError(`--transparent needs --format png or webp (${format} is always on white)`)
  }
  if (local.background === 'transparent' && local.color === 'bw') {
    throw new UsageError('--transparent does not apply to --color bw (black-and-white pages are 1-bit, always on white)')
  }
  if (local.multiPageTiff === true && format !== 'tiff') throw new UsageError('--multi-page-tiff needs --format tiff')
  if (local.quality !== undefined && format !== 'jpg' && format !== 'webp') {
    throw new UsageError(`--quality applies to jpg and webp only (got --format ${format})`)
  }
  return local
}

function outDirOf(out: string | undefined, cwd: string): string {
  const outDir = path.resolve(cwd, out ?? '.')
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UsageError(`--out ${out ?? '.'} is a file, not a folder: choose a folder (it is created if missing)`)
  }
  return outDir
}

function numberIn(name: string, value: string, min: number, max: number, isInteger: boolean): number {
  const n = Number(value.trim())
  if (value.trim() === '' || !Number.isFinite(n) || (isInteger && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`${name} must be a ${isInteger ? 'whole ' : ''}number from ${min} to ${max} (got "${value}")`)
  }
  return n
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number ≥ 1 (got "${value}")`)
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
      options.local.scaleToPx !== undefined ? `, long side ${options.local.scaleToPx} px` : `, ${options.local.dpi ?? LOCAL_DPI_DEFAULT} dpi`
  }
  return `Engine: ${what}${resolution} (${why})`
}
