/**
 * The window tells the truth: progress, kept pages, per-attempt times, Convert's words, one run
 * per file, refusals, focus after Convert, removal of a converting file, the output folder's path.
 * Expected values are what a user should read, worked out by hand from the inputs.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobDto } from '../../../electron/ipc/contract.ts'
import { App } from '../../../renderer/app.tsx'
import { resetAppStore, useAppStore } from '../../../renderer/store/store.ts'
import { createFakeApi, type FakeApi } from '../../helpers/renderer/fake-api.tsx'
import { makeFile, makeJob, makeOutput, makeSettings } from '../../helpers/renderer/fixtures.tsx'
import { connectFakeApi, fakeElementSize } from '../../helpers/renderer/app-env.tsx'

const store = useAppStore
let fake: FakeApi
let disconnect: () => void
let undoSize: () => void
const add = (...files: ReturnType<typeof makeFile>[]) => store.getState().applyAddFilesResult({ added: files, rejected: [], skippedInFolders: [] })
const update = (job: JobDto) => act(() => fake.emit('jobs:updated', job))

beforeEach(() => {
  undoSize = fakeElementSize()
  resetAppStore()
  ;({ fake, disconnect } = connectFakeApi())
  store.getState().setSettings(makeSettings())
})
afterEach(() => {
  undoSize()
  cleanup()
  disconnect()
})

describe('overall progress', () => {
  it('"0 done, 2 failed" is an empty bar with a failed segment, not a full blue bar', () => {
    const [a, b] = [makeFile({ displayName: 'a.pdf' }), makeFile({ displayName: 'b.pdf' })]
    add(a, b)
    store.getState().startBatch([makeJob(a.id, { stage: 'failed' }), makeJob(b.id, { stage: 'failed' })])
    const { container } = render(<App />)
    const bar = screen.getByRole('progressbar', { name: 'Overall progress' })
    expect(bar.getAttribute('aria-valuenow')).toBe('0')
    expect(bar.getAttribute('aria-valuetext')).toBe('0% done, 2 failed')
    expect(Number.parseFloat((container.querySelector('.overall-done') as HTMLElement).style.width)).toBe(0)
    expect(Number.parseFloat((container.querySelector('.overall-failed') as HTMLElement).style.width)).toBe(100)
    expect(screen.getByText('Finished: 0 done, 2 failed · 0 of 8 pages saved')).toBeTruthy()
  })

  it('weights by pages: 2 of 117 pages on the local engine is 1 %, and cancelling 1 of 2 files is not 66 %', () => {
    const [big, small] = [makeFile({ pageCount: 117 }), makeFile({ pageCount: 117 })]
    add(big, small)
    const running = makeJob(big.id, { engine: 'local', stage: 'converting', pagesDone: 2, pagesTotal: 117 })
    const cancelled = makeJob(small.id, { engine: 'local', stage: 'cancelled', pagesTotal: 117 })
    store.getState().startBatch([running, cancelled])
    render(<App />)
    const bar = screen.getByRole('progressbar', { name: 'Overall progress' })
    expect(bar.getAttribute('aria-valuenow')).toBe('0') // 2 / 234 pages = 0.85 %
    expect(bar.getAttribute('aria-valuetext')).toBe('0% done, 1 cancelled')
    expect(screen.getByText(/^2 of 234 pages · 1 cancelled( · .* left)?$/)).toBeTruthy()
  })
})

describe('a file row', () => {
  it('a cancelled file says what was kept and where', () => {
    const file = makeFile({ displayName: 'thesis.pdf', pageCount: 117 })
    add(file)
    store.getState().startBatch([makeJob(file.id, { stage: 'converting', pagesTotal: 117, outputFolderName: 'Scans 2026' })])
    // The folder changes after the start: the row names the folder main says the pages went to.
    store.getState().setSettings(makeSettings({ outputFolderName: 'Elsewhere' }))
    render(<App />)
    update({ ...store.getState().jobsById[Object.keys(store.getState().jobsById)[0] as JobDto['id']]!, stage: 'cancelled', pagesDone: 19, stageStartedAtMs: 5000 })
    expect(screen.getByText('19 of 117 pages saved in Scans 2026.')).toBeTruthy()
  })

  it('elapsed time is per attempt: a retry that took 1.2 s says 0:01, not 0:14', () => {
    const file = makeFile({ displayName: 'r.pdf' })
    add(file)
    const first = makeJob(file.id, { stage: 'converting', startedAtMs: 1_000, stageStartedAtMs: 1_000 })
    store.getState().startBatch([first])
    render(<App />)
    update({ ...first, stage: 'failed', pagesDone: 0, stageStartedAtMs: 13_000, finishedAtMs: 13_000 })
    // Main reports the retry's own start; the row reads it from the job, not from what it saw.
    const retry = { ...first, stage: 'queued' as const, stageStartedAtMs: 14_000, attemptStartedAtMs: 14_000, finishedAtMs: null }
    act(() => store.getState().addToBatch(retry))
    update({ ...retry, stage: 'done', pagesDone: 4, imagesDone: 4, stageStartedAtMs: 15_200, finishedAtMs: 15_200 })
    expect(screen.getByText('4 images in 0:01 · by PDF.co')).toBeTruthy()
  })

  it('shows only the latest run in its grid; earlier runs are listed apart, collapsed', () => {
    const file = makeFile({ displayName: 'r.pdf', pageCount: 2 })
    add(file)
    const older = makeJob(file.id, { stage: 'done', pagesDone: 2, pagesTotal: 2, format: 'jpg', startedAtMs: 1 })
    const newer = makeJob(file.id, { stage: 'done', pagesDone: 2, pagesTotal: 2, startedAtMs: 2 })
    store.getState().upsertJob(older)
    store.getState().upsertJob(newer)
    for (const job of [older, newer]) for (const page of [1, 2]) store.getState().addOutput(makeOutput(job, page))
    render(<App />)
    const grid = screen.getByRole('list', { name: 'Pages of r.pdf' })
    expect(within(grid).getAllByRole('listitem')).toHaveLength(2)
    const earlier = screen.getByText('Earlier run').closest('details')!
    expect(earlier.open).toBe(false)
    expect(within(earlier).getByText(/^JPG · 2 images · started /)).toBeTruthy()
  })

  it('removing a converting file asks first; Keep converting keeps it', async () => {
    const file = makeFile({ displayName: 'busy.pdf' })
    add(file)
    store.getState().startBatch([makeJob(file.id, { stage: 'converting' })])
    render(<App />)
    fireEvent.click(screen.getByRole('button', { name: 'Remove busy.pdf' }))
    expect(fake.calls.some((c) => c.method === 'removeFile')).toBe(false)
    screen.getByText('busy.pdf is converting. Stop and remove it? Pages already saved stay on disk.')
    fireEvent.click(screen.getByRole('button', { name: 'Keep converting' }))
    expect(screen.queryByRole('button', { name: 'Stop and remove' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Remove busy.pdf' }))
    fireEvent.click(screen.getByRole('button', { name: 'Stop and remove' }))
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'removeFile')).toHaveLength(1))
  })

  it('after removing a card, its space is held so the next × does not slide under the pointer', async () => {
    const [a, b] = [makeFile({ displayName: 'a.pdf' }), makeFile({ displayName: 'b.pdf' })]
    add(a, b)
    const { container } = render(<App />)
    fireEvent.click(screen.getByRole('button', { name: 'Remove a.pdf' }))
    await waitFor(() => expect(screen.queryByText('a.pdf')).toBeNull())
    const list = screen.getByRole('list', { name: 'PDF files' })
    expect(list.firstElementChild?.classList.contains('file-gap')).toBe(true)
    fireEvent.pointerMove(list.firstElementChild!) // still over the held space: it stays
    expect(container.querySelector('.file-gap')).not.toBeNull()
    fireEvent.pointerMove(document.body)
    expect(container.querySelector('.file-gap')).toBeNull()
  })
})

describe('Convert', () => {
  it('says exactly what it will do while a batch runs, or why it cannot', async () => {
    const [busy, fresh] = [makeFile({ displayName: 'busy.pdf' }), makeFile({ displayName: 'fresh.pdf' })]
    add(busy)
    store.getState().startBatch([makeJob(busy.id, { stage: 'converting' })])
    render(<App />)
    const convert = screen.getByRole('button', { name: /^Convert/ }) as HTMLButtonElement
    expect(convert.disabled).toBe(true)
    expect(convert.getAttribute('aria-describedby')).not.toBeNull()
    expect(document.getElementById(convert.getAttribute('aria-describedby')!)?.textContent).toBe('Converting… Add more PDFs to queue them.')
    act(() => add(fresh))
    expect(convert.textContent).toBe('Convert 1 more')
    expect(document.getElementById(convert.getAttribute('aria-describedby')!)?.textContent).toBe('Adds 1 file to the running batch.')
  })

  it('moves focus to the first running file after Convert', async () => {
    const file = makeFile({ displayName: 'go.pdf' })
    add(file)
    const job = makeJob(file.id)
    fake = createFakeApi({ startJobs: () => Promise.resolve({ ok: true, value: [job] }) })
    window.pdfApp = fake.api
    render(<App />)
    fireEvent.click(screen.getByRole('button', { name: 'Convert 1 file' }))
    await waitFor(() => expect(document.activeElement?.classList.contains('job-status')).toBe(true))
    expect(document.activeElement?.closest('[data-file-id]')?.getAttribute('data-file-id')).toBe(file.id)
  })
})

describe('adding files and the output folder', () => {
  it('an empty file is reported as empty, by its code (the message is not read)', () => {
    store.getState().applyAddFilesResult({
      added: [],
      rejected: [{ displayName: 'blank.pdf', reason: { code: 'file/empty', message: 'blank.pdf has nothing in it', retryable: false } }],
      skippedInFolders: [],
    })
    render(<App />)
    expect(screen.getByText('The file is empty (0 bytes).')).toBeTruthy()
  })

  it("the output folder's full path is in its tooltip and description when main sends it", () => {
    store.getState().setSettings(makeSettings({ outputFolderName: 'Images', outputFolderDisplayPath: '~/Pictures/Images' }))
    render(<App />)
    const button = screen.getByRole('button', { name: /Output folder Images/ })
    expect(button.title).toBe('~/Pictures/Images · Choose another folder')
    expect(document.getElementById(button.getAttribute('aria-describedby')!)?.textContent).toBe('~/Pictures/Images')
  })
})
