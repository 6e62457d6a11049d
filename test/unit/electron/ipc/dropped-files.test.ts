import { describe, expect, it } from 'vitest'
import type { AddFilesResult, DroppedBytes, Result } from '../../../../electron/ipc/contract.ts'
import { MAX_DROPPED_BYTES_FILE, resolveDroppedFiles } from '../../../../electron/ipc/dropped-files.ts'

interface FakeFile {
  name: string
  size: number
  path: string
  arrayBuffer(): Promise<ArrayBuffer>
}
const file = (name: string, filePath: string, text = '%PDF-1.7'): FakeFile => ({
  name,
  path: filePath,
  size: text.length,
  arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer,
})
const ok = (value: Partial<AddFilesResult>): Result<AddFilesResult> => ({ ok: true, value: { added: [], rejected: [], skippedInFolders: [], ...value } })

describe('resolveDroppedFiles', () => {
  it('sends files with a path as paths and files without one as bytes, and merges the answers', async () => {
    const calls: { paths?: readonly string[]; bytes?: readonly DroppedBytes[] } = {}
    const result = await resolveDroppedFiles(
      [file('a.pdf', '/home/u/a.pdf'), file('b.pdf', ''), file('c.pdf', '/home/u/c')],
      (f) => f.path,
      {
        registerDropped: async (paths) => {
          calls.paths = paths
          return ok({ skippedInFolders: ['c/notes.txt'] })
        },
        registerDroppedBytes: async (bytes) => {
          calls.bytes = bytes
          return ok({ rejected: [{ displayName: 'b.pdf', reason: { code: 'file/exists', message: 'dup', retryable: false } }] })
        },
      },
    )
    expect(calls.paths).toEqual(['/home/u/a.pdf', '/home/u/c'])
    expect(calls.bytes?.map((b) => [b.name, new TextDecoder().decode(b.bytes)])).toEqual([['b.pdf', '%PDF-1.7']])
    expect(result).toEqual(ok({ skippedInFolders: ['c/notes.txt'], rejected: [{ displayName: 'b.pdf', reason: { code: 'file/exists', message: 'dup', retryable: false } }] }))
  })

  it('turns a failed call, a throwing getPathForFile, unreadable and oversized files into rejections', async () => {
    const unreadable = { ...file('x.pdf', ''), arrayBuffer: async () => Promise.reject(new Error('gone')) }
    const huge = { ...file('huge.pdf', ''), size: MAX_DROPPED_BYTES_FILE + 1 }
    const result = await resolveDroppedFiles(
      [file('a.pdf', '/a.pdf'), file('t.pdf', 'THROW'), unreadable, huge],
      (f) => {
        if (f.path === 'THROW') throw new Error('no path')
        return f.path
      },
      {
        registerDropped: async () => ({ ok: false, error: { code: 'ipc/forbidden', message: 'no', retryable: false } }),
        registerDroppedBytes: async () => {
          throw new Error('bridge down')
        },
      },
    )
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.rejected.map((r) => [r.displayName, r.reason.code])).toEqual([
      ['huge.pdf', 'file/unreadable'],
      ['a.pdf', 'ipc/forbidden'],
      ['x.pdf', 'file/unreadable'],
      ['t.pdf', 'internal'],
    ])
  })
})
