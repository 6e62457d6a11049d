import { describe, expect, it } from 'vitest'
import { escapeForTerminal } from '../../../../electron/shared/terminal-text.ts'

describe('escapeForTerminal', () => {
  it('escapes ESC sequences, newlines, carriage returns and other controls so one name stays one inert line', () => {
    const hostile = 'evil\u001b[2J\u001b]0;owned\u0007\nDone: 0 failed\r.pdf'
    const out = escapeForTerminal(hostile)
    expect(out).toBe('evil\\e[2J\\e]0;owned\\x07\\nDone: 0 failed\\r.pdf')
    expect([...out].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20 || ch === '\u007f')).toBe(false)
  })

  it('escapes C1 controls (CSI U+009B), DEL and the Unicode line separators; keeps printable text of any script', () => {
    expect(escapeForTerminal('a\u009b31mb\u007fc\u2028d')).toBe('a\\x9b31mb\\x7fc\\u2028d')
    expect(escapeForTerminal('Résumé – 日本語 🎉 «test».pdf')).toBe('Résumé – 日本語 🎉 «test».pdf')
  })

  it('escapes the backslash too, so an escaped name never equals a real one', () => {
    expect(escapeForTerminal('a\\nb')).toBe('a\\\\nb')
    expect(escapeForTerminal('a\nb')).not.toBe(escapeForTerminal('a\\nb'))
  })
})
