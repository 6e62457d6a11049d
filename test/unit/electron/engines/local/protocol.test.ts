import { describe, expect, it } from 'vitest'
import { AppError, CancelledError, FileError, InputError } from '../../../../../electron/errors.ts'
import { deserializeError, serializeError } from '../../../../../electron/engines/local/protocol.ts'

describe('worker error transport', () => {
  it('keeps class, code and message of AppErrors', () => {
    const file = deserializeError(serializeError(new FileError('file/wrong-password', 'Wrong password for x.pdf')))
    expect(file).toBeInstanceOf(FileError)
    expect(file).toMatchObject({ code: 'file/wrong-password', message: 'Wrong password for x.pdf' })
    expect(deserializeError(serializeError(new InputError('input/invalid', 'bad')))).toBeInstanceOf(InputError)
    expect(deserializeError(serializeError(new CancelledError()))).toBeInstanceOf(CancelledError)
    const app = deserializeError(serializeError(new AppError('file/damaged', 'Page 2 cannot be drawn')))
    expect(app).toMatchObject({ code: 'file/damaged', message: 'Page 2 cannot be drawn' })
  })

  it('turns anything else into an internal error', () => {
    const err = deserializeError(serializeError(new TypeError('x is undefined')))
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('internal')
    expect(err.message).toContain('TypeError: x is undefined')
    expect(deserializeError({ name: 'FileError', code: 'no/such-code', message: 'm' }).code).toBe('internal')
  })
})
