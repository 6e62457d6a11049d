/**
 * inspectPdf on generated PDFs: page counts and displayed sizes, encryption, each FileError code.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileError } from '../../../../electron/errors.ts'
import { closeInspector, inspectPdf } from '../../../../electron/render/inspect.ts'
import { makeDamagedPdf, makeEncryptedPdf, makeNotPdf, makePaddedPdf, makePagesPdf, makeRotatedPdf } from '../../../helpers/make-pdf.ts'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inspect-test-'))
})
afterAll(async () => {
  await closeInspector()
  await rm(dir, { recursive: true, force: true })
})

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(FileError)
    return (err as FileError).code
  }
  return 'no error'
}

describe('inspectPdf', () => {
  it('reads the page count and page sizes in points', async () => {
    const file = await makePagesPdf(dir, 'three.pdf', 3, { widthPt: 300, heightPt: 500 })
    const info = await inspectPdf(file)
    expect(info.pageCount).toBe(3)
    expect(info.encrypted).toBe(false)
    expect(info.pages).toEqual([1, 2, 3].map((page) => ({ page, widthPt: 300, heightPt: 500, rotate: 0 })))
  })

  it('applies /Rotate to the displayed size', async () => {
    const info = await inspectPdf(await makeRotatedPdf(dir))
    expect(info.pages.map((p) => [p.widthPt, p.heightPt, p.rotate])).toEqual([
      [200, 100, 0],
      [100, 200, 90],
      [200, 100, 180],
      [100, 200, 270],
    ])
  })

  it('limits the page list to maxPages but still counts every page', async () => {
    const info = await inspectPdf(await makePagesPdf(dir, 'ten.pdf', 10), { maxPages: 2 })
    expect(info.pageCount).toBe(10)
    expect(info.pages.map((p) => p.page)).toEqual([1, 2])
  })

  it('needs the user password of a protected PDF, and says when it is wrong', async () => {
    const file = await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'open-sesame', pages: 2 })
    expect(await codeOf(inspectPdf(file))).toBe('file/password-required')
    expect(await codeOf(inspectPdf(file, { password: '' }))).toBe('file/password-required')
    expect(await codeOf(inspectPdf(file, { password: 'nope' }))).toBe('file/wrong-password')
    const info = await inspectPdf(file, { password: 'open-sesame' })
    expect(info).toMatchObject({ pageCount: 2, encrypted: true })
  })

  it('flags an owner-password-only PDF as encrypted though it opens without a password', async () => {
    const info = await inspectPdf(await makeEncryptedPdf(dir, 'owner-only.pdf', { ownerPassword: 'boss' }))
    expect(info).toMatchObject({ pageCount: 1, encrypted: true })
  })

  it('reports a missing file, a non-PDF and a damaged PDF', async () => {
    expect(await codeOf(inspectPdf(path.join(dir, 'missing.pdf')))).toBe('file/not-found')
    expect(await codeOf(inspectPdf(await makeNotPdf(dir)))).toBe('file/not-pdf')
    expect(await codeOf(inspectPdf(await makeDamagedPdf(dir)))).toBe('file/damaged')
    expect(await codeOf(inspectPdf(dir))).toBe('file/unreadable')
  })

  it('stops with CancelledError when the signal is already aborted', async () => {
    const file = await makePagesPdf(dir, 'one.pdf', 1)
    await expect(inspectPdf(file, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('reads big files block by block (page count of a 40 MB PDF)', async () => {
    const file = await makePaddedPdf(dir, 'padded.pdf', 40 * 1024 * 1024)
    expect((await inspectPdf(file)).pageCount).toBe(1)
  })
})

