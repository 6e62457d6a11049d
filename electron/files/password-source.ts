/**
 * Where the CLI's PDF password comes from, so it need not be typed on the command line (where
 * every user of the machine can read it in the process list, e.g. `ps -ef` or /proc/<pid>/cmdline):
 * 1. `--password` (kept for scripts, with the warning above in `--help`);
 * 2. the environment variable `PDF_PASSWORD`;
 * 3. a prompt on the terminal, echo off, when `--password-prompt` is given and stdin is a TTY.
 */

/** Name of the environment variable holding the PDF password. */
export const PASSWORD_ENV = 'PDF_PASSWORD'

/** stdin as far as the prompt uses it (a `tty.ReadStream` when a terminal is attached). */
export type TerminalInput = NodeJS.ReadableStream & { readonly isTTY?: boolean; setRawMode?: (on: boolean) => unknown }

/** What {@link resolvePassword} needs to know. */
export interface PasswordSources {
  /** `--password` value, if given. */
  readonly flag: string | undefined
  /** True when the user asked to be prompted (`--password-prompt`). */
  readonly prompt: boolean
  readonly env: NodeJS.ProcessEnv
  readonly stdin: TerminalInput
  /** Where the prompt is written (stderr, so stdout stays clean for --json). */
  readonly promptOut: NodeJS.WritableStream
}

/** A prompt was asked for but no terminal is attached. */
export class NoTerminalError extends Error {
  constructor() {
    super(`--password-prompt needs a terminal; without one, set ${PASSWORD_ENV} instead`)
    this.name = 'NoTerminalError'
  }
}

/**
 * The password to use, or undefined when none was given.
 *
 * @throws NoTerminalError when a prompt is asked for and stdin is not a TTY; Error 'cancelled'
 *   when the user presses Ctrl-C or Ctrl-D at the prompt.
 */
export async function resolvePassword(sources: PasswordSources): Promise<string | undefined> {
  if (sources.flag !== undefined) return sources.flag
  const fromEnv = sources.env[PASSWORD_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (!sources.prompt) return undefined
  if (sources.stdin.isTTY !== true || sources.stdin.setRawMode === undefined) throw new NoTerminalError()
  return readHidden(sources.stdin, sources.stdin.setRawMode.bind(sources.stdin), sources.promptOut)
}

/** Reads one line from a TTY in raw mode without echoing it (Backspace edits, Enter ends). */
function readHidden(stdin: NodeJS.ReadableStream, setRawMode: (on: boolean) => unknown, out: NodeJS.WritableStream): Promise<string> {
  out.write('PDF password: ')
  setRawMode(true)
  stdin.resume()
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = (err: Error | null): void => {
      stdin.off('data', onData)
      setRawMode(false)
      stdin.pause()
      out.write('\n')
      if (err === null) resolve(value)
      else reject(err)
    }
    const onData = (chunk: Buffer | string): void => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return finish(null)
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled'))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}
