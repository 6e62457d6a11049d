/**
 * The renderer side of resume, kept small: the banner shows what main reported (names and counts
 * only), "Resume" puts the files and jobs main answered into the store (skipped files with their
 * reason, like refused drops), "Dismiss" asks main to forget the batch. Main's side is in
 * app-resume.test.ts.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ResumableBatchDto, ResumeResult } from '../../../electron/ipc/contract.ts'
import { ResumeBanner } from '../../../renderer/components/resume-banner.tsx'
import { resetAppStore, useAppStore } from '../../../renderer/store/store.ts'
import { createFakeApi, type FakeApi } from '../../helpers/renderer/fake-api.tsx'
import { makeFile, makeJob } from '../../helpers/renderer/fixtures.tsx'

const offer: ResumableBatchDto = {
  batchId: '0mx1sjrao-408a329d',
  startedAtMs: 1,
  fileCount: 3,
  unfinished: 2,
  pagesDone: 7,
  pagesTotal: 20,
  fileNames: ['one.pdf', 'two.pdf'],
  outputFolderName: 'Converted',
}
let fake: FakeApi
let remaining: ResumableBatchDto | null

beforeEach(() => {
  resetAppStore()
  remaining = offer
  const file = makeFile({ displayName: 'one.pdf' })
  const result: ResumeResult = {
    added: [file],
    jobs: [makeJob(file.id, { pagesTotal: 8 })],
    skipped: [{ displayName: 'locked.pdf', reason: { code: 'file/password-required', message: 'locked.pdf needs its password again', retryable: false } }],
  }
  fake = createFakeApi({
    getResumableBatch: async () => ({ ok: true, value: remaining }),
    resumeBatch: async () => {
      remaining = null
      return { ok: true, value: result }
    },
    discardResumableBatch: async () => {
      remaining = null
      return { ok: true, value: undefined }
    },
  })
  window.pdfApp = fake.api
})
afterEach(() => {
  cleanup()
  delete window.pdfApp
})

describe('resume banner', () => {
  it('shows the interrupted batch and resumes it into the store', async () => {
    render(<ResumeBanner />)
    const banner = await screen.findByRole('region', { name: 'Interrupted conversion' })
    expect(banner.textContent).toContain('2 of 3 files unfinished (one.pdf, two.pdf)')
    expect(banner.textContent).toContain('7 of 20 pages are already in “Converted”')
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }))
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Interrupted conversion' })).toBeNull())
    expect(fake.calls.find((c) => c.method === 'resumeBatch')?.args).toEqual([offer.batchId])
    const s = useAppStore.getState()
    expect(s.fileOrder).toHaveLength(1)
    expect(Object.values(s.jobsById)).toHaveLength(1)
    expect(JSON.stringify(s)).toContain('locked.pdf needs its password again')
  })

  it('dismiss forgets it; nothing to resume renders nothing', async () => {
    render(<ResumeBanner />)
    await screen.findByRole('region', { name: 'Interrupted conversion' })
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Interrupted conversion' })).toBeNull())
    expect(fake.calls.some((c) => c.method === 'discardResumableBatch')).toBe(true)
    cleanup()
    render(<ResumeBanner />)
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'getResumableBatch').length).toBeGreaterThanOrEqual(3))
    expect(screen.queryByRole('region', { name: 'Interrupted conversion' })).toBeNull()
  })
})
