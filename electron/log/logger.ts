/**
 * The main-process log file users can attach to a bug report.
 *
 * One line per entry: `ISO-time LEVEL [scope] message {json context}`. Every line goes through
 * {@link redactSecrets} with the secrets the app currently knows (the API key), so the key never
 * reaches the file. Writes are appended synchronously: the log is small and must survive a crash.
 * At open, a file over {@link MAX_LOG_BYTES} is moved to `main.old.log`.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import path from 'node:path'
import { redactSecrets } from './redact.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** A scoped logger. */
export interface Logger {
  debug(message: string, context?: Readonly<Record<string, unknown>>): void
  info(message: string, context?: Readonly<Record<string, unknown>>): void
  warn(message: string, context?: Readonly<Record<string, unknown>>): void
  error(message: string, context?: Readonly<Record<string, unknown>>): void
  /** A logger writing to the same file with another scope. */
  child(scope: string): Logger
}

/** The log file and its loggers. */
export interface LogFile {
  /** Absolute path of the log file. */
  readonly filePath: string
  /** File name only (what `app:get-info` shows). */
  readonly fileName: string
  logger(scope: string): Logger
}

/** Size at which the log is rotated when opened. */
export const MAX_LOG_BYTES = 5 * 1024 * 1024

/**
 * Opens (creating the folder) the log file `dir/main.log`.
 *
 * @param getSecrets returns the secrets to redact at each write (e.g. `[apiKey]`).
 */
export function openLogFile(options: {
  readonly dir: string
  readonly getSecrets: () => readonly string[]
  readonly fileName?: string
  /** Also echo to stderr (dev). Default false. */
  readonly echo?: boolean
}): LogFile {
  const fileName = options.fileName ?? 'main.log'
  const filePath = path.join(options.dir, fileName)
  mkdirSync(options.dir, { recursive: true })
  try {
    if (statSync(filePath).size > MAX_LOG_BYTES) renameSync(filePath, path.join(options.dir, fileName.replace(/\.log$/u, '') + '.old.log'))
  } catch {
    // no log yet
  }
  const write = (level: LogLevel, scope: string, message: string, context?: Readonly<Record<string, unknown>>): void => {
    let line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${message}`
    if (context !== undefined && Object.keys(context).length > 0) line += ` ${safeJson(context)}`
    line = redactSecrets(line.replace(/\r?\n/gu, '\\n'), options.getSecrets())
    try {
      appendFileSync(filePath, line + '\n')
    } catch {
      // A full or read-only disk must not break the app.
    }
    if (options.echo === true) process.stderr.write(line + '\n')
  }
  const make = (scope: string): Logger => ({
    debug: (m, c) => write('debug', scope, m, c),
    info: (m, c) => write('info', scope, m, c),
    warn: (m, c) => write('warn', scope, m, c),
    error: (m, c) => write('error', scope, m, c),
    child: (s) => make(`${scope}:${s}`),
  })
  return { filePath, fileName, logger: make }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (v instanceof Error) return { name: v.name, message: v.message, code: (v as { code?: unknown }).code, stack: v.stack }
      if (typeof v === 'bigint') return v.toString()
      return v
    })
  } catch {
    return '"[unserialisable]"'
  }
}
