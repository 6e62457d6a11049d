import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { NoTerminalError, PASSWORD_ENV, resolvePassword } from '../../../../electron/files/password-source.ts'

type FakeTty = PassThrough & { isTTY: boolean; setRawMode: (on: boolean) => FakeTty; rawModes: boolean[] }

function fakeTty(isTTY: boolean): FakeTty {
  const stream = new PassThrough() as FakeTty
  stream.rawModes = []
  stream.isTTY = isTTY
  stream.setRawMode = (on: boolean) => {
    stream.rawModes.push(on)
    return stream
  }
  return stream
}

describe('resolvePassword', () => {
  it('the flag first, then PDF_PASSWORD, else nothing', async () => {
    const base = { prompt: false, stdin: fakeTty(false), promptOut: new PassThrough() }
    expect(await resolvePassword({ ...base, flag: 'f', env: { [PASSWORD_ENV]: 'e' } })).toBe('f')
    expect(await resolvePassword({ ...base, flag: undefined, env: { [PASSWORD_ENV]: 'ümlaut pw' } })).toBe('ümlaut pw')
    expect(await resolvePassword({ ...base, flag: undefined, env: {} })).toBeUndefined()
  })

  it('prompts on a terminal with echo off (raw mode), Backspace edits, Enter ends; nothing echoed', async () => {
    const stdin = fakeTty(true)
    const out = new PassThrough()
    let written = ''
    out.on('data', (d: Buffer) => (written += d.toString()))
    const answer = resolvePassword({ flag: undefined, prompt: true, env: {}, stdin, promptOut: out })
    stdin.write('sekrx\u007ft\r')
    expect(await answer).toBe('sekrt')
    expect(stdin.rawModes).toEqual([true, false])
    expect(written).toBe('PDF password: \n')
  })

  it('a prompt without a terminal is refused with a hint to use the variable; Ctrl-C at the prompt cancels', async () => {
    await expect(resolvePassword({ flag: undefined, prompt: true, env: {}, stdin: fakeTty(false), promptOut: new PassThrough() })).rejects.toBeInstanceOf(NoTerminalError)
    const stdin = fakeTty(true)
    const answer = resolvePassword({ flag: undefined, prompt: true, env: {}, stdin, promptOut: new PassThrough() })
    stdin.write('ab\u0003')
    await expect(answer).rejects.toThrow('cancelled')
  })
})
