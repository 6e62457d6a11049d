/**
 * The window's side of keys and credits (jsdom): Settings says at once what PDF.co answered for a
 * saved key, Auto's words and the batch bar follow the key's status, the PDF.co estimate before a
 * batch and the cost after it, and "Convert on this computer instead" on a PDF.co failure.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { App } from '../../../renderer/app.tsx'
import { resetAppStore, useAppStore } from '../../../renderer/store/store.ts'
import { createFakeApi, type FakeApi } from '../../helpers/renderer/fake-api.tsx'
import { makeFile, makeJob, makeSettings } from '../../helpers/renderer/fixtures.tsx'
import { connectFakeApi } from '../../helpers/renderer/app-env.tsx'

const store = useAppStore
let fake: FakeApi
let disconnect: () => void
const REFUSED = 'PDF.co refused this key. Check that you pasted the whole key from your PDF.co dashboard (app.pdf.co).'

function setUp(overrides: Parameters<typeof createFakeApi>[0] = {}): void {
  ;({ fake, disconnect } = connectFakeApi(overrides))
}
beforeEach(() => {
  resetAppStore()
})
afterEach(() => {
  cleanup()
  disconnect()
})
const creditLine = () => document.querySelector('.credit-line')

describe('Settings → API key', () => {
  it('saving a wrong key says at once that PDF.co refused it, and Auto then says it stays on this computer', async () => {
    const refused = makeSettings({ apiKeyStatus: 'refused', apiKeyProblem: REFUSED, remainingCredits: null })
    setUp({ setApiKey: async () => ({ ok: true, value: refused }) })
    store.getState().setSettings(makeSettings({ hasApiKey: false, apiKeyMasked: '' }))
    store.getState().applyAddFilesResult({ added: [makeFile({ pageCount: 3 })], rejected: [], skippedInFolders: [] })
    render(<App />)
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'wrong-key' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save key' }))
    await waitFor(() => expect(document.querySelector('.key-check')?.textContent).toBe(REFUSED))
    expect(document.querySelector('.key-check')?.getAttribute('data-key-status')).toBe('refused')
    expect(fake.calls.filter((c) => c.method === 'setApiKey').map((c) => c.args)).toEqual([['wrong-key']])
    expect(creditLine()?.textContent).toBe('Converting on this computer: PDF.co refused the saved API key. Fix it in Settings → API key.')
    expect(screen.getByRole('option', { name: 'Auto · This computer' })).toBeTruthy()
  })

  it('a checked key shows its credits left', () => {
    setUp()
    store.getState().setSettings(makeSettings({ remainingCredits: 98_765 }))
    render(<App />)
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    expect(document.querySelector('.key-check')?.textContent).toBe('Key works · 98,765 credits left')
  })
})

describe('credits in the batch bar', () => {
  it('before a PDF.co batch: pages × rate + uploads × 7 + expected checks × 2, with the rates’ source', () => {
    setUp()
    store.getState().setSettings(makeSettings({ format: 'jpg' }))
    const a = makeFile({ pageCount: 3 })
    const b = makeFile({ pageCount: 25 })
    store.getState().applyAddFilesResult({ added: [a, b], rejected: [], skippedInFolders: [] })
    store.getState().setPageRange(b.id, '1-12')
    render(<App />)
    // 15 pages × 12 = 180; 2 uploads × 7 = 14; jobs 1 + 2, all in the first wave: 3 × 4 checks × 2 = 24.
    expect(creditLine()?.textContent).toBe(
      'About 218 credits on PDF.co (estimate: 15 pages × 12 + 2 uploads × 7 + ~12 job checks × 2; rates from the PDF.co credit pricing page)',
    )
    expect(creditLine()?.getAttribute('data-kind')).toBe('estimate')
  })

  it('after the batch: what PDF.co charged in total and the credits left; per file on its row', async () => {
    setUp()
    store.getState().setSettings(makeSettings())
    const a = makeFile({ pageCount: 2 })
    const b = makeFile({ pageCount: 2 })
    store.getState().applyAddFilesResult({ added: [a, b], rejected: [], skippedInFolders: [] })
    render(<App />)
    const ja = makeJob(a.id, { stage: 'done', pagesDone: 2, pagesTotal: 2, finishedAtMs: 2000, creditsUsed: 11, balanceBeforeCredits: 1000, remainingCredits: 961 })
    const jb = makeJob(b.id, { stage: 'done', pagesDone: 2, pagesTotal: 2, finishedAtMs: 2000, creditsUsed: 11, balanceBeforeCredits: 989, remainingCredits: 930 })
    act(() => store.getState().startBatch([ja, jb]))
    // The balance fell from 1000 to 930: 70 credits (pages included), 930 left.
    await waitFor(() => expect(document.querySelector('.credits-used')?.textContent).toBe('This batch on PDF.co: Used 70 credits · 930 left'))
    // Convert again would send both files once more: its estimate stays beside the cost.
    expect(document.querySelector('.credits-estimate')?.textContent).toMatch(/^Next: about 90 credits on PDF\.co/)
    const rowCredits = [...document.querySelectorAll('.job-credits')].map((e) => e.textContent)
    // Per file: the 11 credits reported (upload + checks) plus 2 pages × 15 (PNG) left out of the answers.
    expect(rowCredits).toEqual(['About 41 credits · 961 left', 'About 41 credits · 930 left'])
  })
})

describe('a PDF.co failure row', () => {
  it('offers "Convert on this computer instead", which starts that file with the local engine and the same format', async () => {
    setUp()
    store.getState().setSettings(makeSettings({ overwrite: 'overwrite' }))
    const file = makeFile({ pageCount: 4, displayName: 'r.pdf' })
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    store.getState().setPageRange(file.id, '2-3')
    const failed = makeJob(file.id, { format: 'webp', stage: 'failed', finishedAtMs: 2000, error: { code: 'pdfco/no-credits', message: 'Not enough credits', retryable: false } })
    act(() => store.getState().startBatch([failed]))
    render(<App />)
    fireEvent.click(screen.getByRole('button', { name: 'Convert r.pdf on this computer instead' }))
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'startJobs')).toBe(true))
    expect(fake.calls.find((c) => c.method === 'startJobs')?.args).toEqual([
      { items: [{ fileId: file.id, pageRange: '2-3' }], format: 'webp', overwrite: 'overwrite', engine: 'local' },
    ])
  })

  it('is not offered for a local failure', () => {
    setUp()
    store.getState().setSettings(makeSettings())
    const file = makeFile({ displayName: 'l.pdf' })
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    act(() => store.getState().startBatch([makeJob(file.id, { engine: 'local', stage: 'failed', finishedAtMs: 2000, error: { code: 'file/unreadable', message: 'x', retryable: false } })]))
    render(<App />)
    expect(screen.queryByRole('button', { name: /on this computer instead/ })).toBeNull()
  })
})
