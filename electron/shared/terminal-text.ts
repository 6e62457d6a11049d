/**
 * Text from outside (file names, server messages) made safe for one line of a terminal: control
 * characters cannot move the cursor, clear the screen, change colours or the window title (ESC
 * sequences, ECMA-48), nor start a new line that looks like the program's own output.
 *
 * Pure string code, shared by the CLI printer and anything else that writes lines.
 */

/** C0 controls, DEL, C1 controls (U+0080-U+009F, e.g. CSI U+009B) and the Unicode line/paragraph separators. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e', '\\': '\\\\' }

/**
 * Escapes `text` for one terminal line: `\n`, `\r`, `\t`, ESC as `\e`, other controls as `\xNN`
 * (or `\u2028`), and the backslash itself as `\\` so an escaped name cannot be confused with a
 * real one. Printable text (any script, emoji) is unchanged.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(/\\/gu, '\\\\').replace(UNSAFE, (ch) => {
    const named = NAMED[ch]
    if (named !== undefined) return named
    const code = ch.codePointAt(0) ?? 0
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`
  })
}
