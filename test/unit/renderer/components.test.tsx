import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { App } from '../../../renderer/app.tsx'
import { PageRangeField } from '../../../renderer/components/page-range-field.tsx'
import { resetAppStore, useAppStore } from '../../../renderer/store/store.ts'
import { createFakeApi, type FakeApi } from '../../helpers/renderer/fake-api.tsx'
import { makeFile, makeJob, makeOutput, makeSettings } from '../../helpers/renderer/fixtures.tsx'
import { connectFakeApi, fakeElementSize } from '../../helpers/renderer/app-env.tsx'

const store = useAppStore
let fake: FakeApi
/** Emits a main event inside act(), as React needs for store-driven renders. */
const emit: FakeApi['emit'] = (channel, payload) => act(() => fake.emit(channel, payload))
let disconnect: () => void
let undoSize: () => void

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

describe('PageRangeField', () => {
  it('validates live, names the bad part, and wires aria-invalid + aria-describedby', () => {
    const file = makeFile({ pageCount: 4, displayName: 'r.pdf' })
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    render(<PageRangeField fileId={file.id} pageCount={4} fileName="r.pdf" isDisabled={false} />)
    const input = screen.getByRole('textbox', { name: 'Pages' })
    expect(input.getAttribute('aria-invalid')).toBe('false')
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toMatch(/All 4 pages/)

    fireEvent.change(input, { target: { value: '2-3, 7' } })
    expect(input.getAttribute('aria-invalid')).toBe('true')
    const error = document.getElementById(input.getAttribute('aria-describedby')!)
    expect(error?.textContent).toBe('page 7 is past the end: this PDF has 4 pages')
    expect(store.getState().pageRangeById[file.id]).toBe('2-3, 7')

    fireEvent.change(input, { target: { value: '2-3, last' } })
    expect(input.getAttribute('aria-invalid')).toBe('false')
    expect(screen.getByText('3 of 4 pages')).toBeTruthy()
  })
})

describe('App', () => {
  it('disables Convert with the reason while a range is invalid, and sends the typed range', async () => {
    const file = makeFile({ pageCount: 4, displayName: 'r.pdf' })
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    render(<App />)
    const convert = screen.getByRole('button', { name: /^Convert/ })
    expect((convert as HTMLButtonElement).disabled).toBe(false)
    fireEvent.change(screen.getByRole('textbox', { name: 'Pages' }), { target: { value: '5' } })
    expect((convert as HTMLButtonElement).disabled).toBe(true)
    expect(document.getElementById(convert.getAttribute('aria-describedby')!)?.textContent).toBe('Fix the page range of r.pdf.')
    fireEvent.change(screen.getByRole('textbox', { name: 'Pages' }), { target: { value: '1, 3' } })
    fireEvent.click(screen.getByRole('button', { name: 'Convert 1 file' }))
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'startJobs')).toBe(true))
    expect(fake.calls.find((c) => c.method === 'startJobs')?.args[0]).toEqual({
      items: [{ fileId: file.id, pageRange: '1, 3' }],
      format: 'png',
      overwrite: 'keep-both',
    })
  })

  it('lists refused files with their reason and folder-skipped names', () => {
    store.getState().applyAddFilesResult({
      added: [],
      rejected: [{ displayName: 'fake.pdf', reason: { code: 'file/not-pdf', message: 'x', retryable: false } }],
      skippedInFolders: ['notes.txt'],
    })
    render(<App />)
    expect(screen.getByText('fake.pdf')).toBeTruthy()
    expect(screen.getByText(/Not a PDF/)).toBeTruthy()
    expect(screen.getByText('notes.txt')).toBeTruthy()
  })

  it('shows live job status and thumbnails from main events, and the failure reason with Retry', async () => {
    const file = makeFile({ displayName: 'r.pdf' })
    const retried = makeJob(file.id, { stage: 'queued', startedAtMs: 5000, stageStartedAtMs: 5000 })
    disconnect()
    ;({ fake, disconnect } = connectFakeApi({ retryJob: async () => ({ ok: true, value: retried }) }))
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    render(<App />)
    const job = makeJob(file.id, { stage: 'uploading', uploadPercent: 42, stageStartedAtMs: 2 })
    emit('jobs:updated', job)
    expect(screen.getByText('Uploading 42%')).toBeTruthy()
    emit('jobs:updated', { ...job, stage: 'downloading', pagesDone: 1, pagesTotal: 4, stageStartedAtMs: 3 })
    expect(screen.getByText('Downloading 1 of 4')).toBeTruthy()
    emit('outputs:added', makeOutput(job, 1))
    const img = screen.getByRole('img', { name: 'Page 1 of r.pdf' }) as HTMLImageElement
    expect(img.getAttribute('src')).toMatch(/^pdf-thumb:\/\/output\/[0-9a-f-]+\?w=160$/)
    // A page whose event brings its thumbnail is drawn from it, with no request.
    const inline = 'data:image/png;base64,iVBORw0KGgo='
    emit('outputs:added', { ...makeOutput(job, 2), thumbnailDataUrl: inline })
    expect((screen.getByRole('img', { name: 'Page 2 of r.pdf' }) as HTMLImageElement).getAttribute('src')).toBe(inline)
    emit('jobs:updated', {
      ...job,
      stage: 'failed',
      stageStartedAtMs: 4,
      error: { code: 'pdfco/no-credits', message: 'x', retryable: false },
    })
    expect(screen.getByText(/run out of credits/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Retry r.pdf' }))
    expect(fake.calls.some((c) => c.method === 'retryJob' && c.args[0] === job.id)).toBe(true)
    await screen.findByText('Queued')
  })

  it('asks for a password and reports a wrong one as such', async () => {
    const file = makeFile({ displayName: 'secret.pdf', needsPassword: true, pageCount: 0 })
    fake = createFakeApi({
      unlockFile: async () => ({ ok: false, error: { code: 'file/wrong-password', message: 'x', retryable: false } }),
    })
    window.pdfApp = fake.api
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    render(<App />)
    const field = screen.getByLabelText(/Password/)
    fireEvent.change(field, { target: { value: 'nope' } })
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }))
    await screen.findByText('Wrong password. Try again.')
    expect(field.getAttribute('aria-invalid')).toBe('true')
  })

  it('explains the offline engine and optional keys on first launch without a key; the emulator only in Settings → Advanced', () => {
    store.getState().setSettings(makeSettings({ hasApiKey: false, apiKeyMasked: '', outputFolderName: null }))
    render(<App />)
    expect(screen.getByRole('heading', { name: 'Welcome to PDF to Image' })).toBeTruthy()
    expect(screen.getByText(/it works offline, with no account or API key/)).toBeTruthy()
    expect(screen.getByRole('heading', { name: 'Optional: convert with PDF.co' })).toBeTruthy()
    // The engine select says what Auto means now; the local options show.
    const engine = screen.getByRole('combobox', { name: 'Engine' }) as HTMLSelectElement
    expect(engine.value).toBe('auto')
    expect(engine.selectedOptions[0]?.textContent).toBe('Auto · This computer')
    expect(screen.getByRole('combobox', { name: 'Resolution' })).toBeTruthy()
    expect(screen.getByRole('button', { name: /Output folder PDF to Image/ })).toBeTruthy()
    expect(screen.queryByText(/emulator/i)).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    expect(screen.getByText('Advanced')).toBeTruthy()
    expect(screen.getByText('npm run emulator -- --port 8787 --key test-key')).toBeTruthy()
    expect(screen.getByText('http://127.0.0.1:8787/v1')).toBeTruthy()
  })

  it('hands dropped files to registerDroppedFiles', async () => {
    render(<App />)
    const file = new File([new Uint8Array([37, 80, 68, 70])], 'dropped.pdf', { type: 'application/pdf' })
    const drop = new Event('drop', { bubbles: true, cancelable: true })
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [file], types: ['Files'] } })
    window.dispatchEvent(drop)
    expect(drop.defaultPrevented).toBe(true)
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'registerDroppedFiles')).toBe(true))
    expect((fake.calls.find((c) => c.method === 'registerDroppedFiles')?.args[0] as File[])[0]?.name).toBe('dropped.pdf')
  })

  it('no key-missing banner with the local engine; a banner when PDF.co is chosen without a key', async () => {
    fake = createFakeApi({ updateSettings: async () => ({ ok: true, value: makeSettings({ hasApiKey: false, apiKeyMasked: '', engine: 'local' }) }) })
    window.pdfApp = fake.api
    store.getState().setSettings(makeSettings({ hasApiKey: false, apiKeyMasked: '' }))
    store.getState().applyAddFilesResult({ added: [makeFile()], rejected: [], skippedInFolders: [] })
    const { unmount } = render(<App />)
    expect(screen.queryByText(/no API key is set/)).toBeNull()
    expect((screen.getByRole('button', { name: /^Convert/ }) as HTMLButtonElement).disabled).toBe(false)
    unmount()
    store.getState().setSettings(makeSettings({ hasApiKey: false, apiKeyMasked: '', engine: 'pdfco' }))
    render(<App />)
    expect(screen.getByText(/PDF.co is chosen as the engine, but no API key is set/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'convert on this computer' }))
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'updateSettings')?.args[0]).toEqual({ engine: 'local' }))
  })
})

describe('page picker', () => {
  const pressed = () =>
    screen
      .getAllByRole('button', { name: /^Page \d+$/ })
      .filter((b) => b.getAttribute('aria-pressed') === 'true')
      .map((b) => Number(b.getAttribute('data-page')))

  it('opens under the file; click, shift-click and the range text stay in sync both ways', () => {
    const file = makeFile({ pageCount: 6, displayName: 'six.pdf' })
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    render(<App />)
    const toggle = screen.getByRole('button', { name: 'Choose pages' })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    screen.getByRole('group', { name: 'Choose pages of six.pdf' })
    const field = screen.getByRole('textbox', { name: 'Pages' }) as HTMLInputElement
    const page = (n: number) => screen.getByRole('button', { name: `Page ${n}` })
    expect(page(3).querySelector('img')?.getAttribute('src')).toBe(`pdf-thumb://page/${file.id}/3?w=160`)
    // Empty text = every page selected, each with a check mark.
    expect(pressed()).toEqual([1, 2, 3, 4, 5, 6])
    expect(page(1).querySelector('.picker-check svg')).not.toBeNull()
    screen.getByText('All 6 pages selected')

    fireEvent.click(page(2))
    expect(field.value).toBe('1, 3-6')
    expect(page(2).querySelector('.picker-check svg')).toBeNull()
    // Shift-click: the span from the last clicked page takes that page's new state (unselected).
    fireEvent.click(page(5), { shiftKey: true })
    expect(field.value).toBe('1, 6')
    expect(pressed()).toEqual([1, 6])
    screen.getByText('2 of 6 pages selected')
    fireEvent.click(page(3))
    fireEvent.click(page(4), { shiftKey: true })
    expect(field.value).toBe('1, 3-4, 6')

    // Text → selection.
    fireEvent.change(field, { target: { value: '2-3, last' } })
    expect(pressed()).toEqual([2, 3, 6])
    // Invalid text: nothing marked; a click starts a new selection.
    fireEvent.change(field, { target: { value: '9' } })
    expect(pressed()).toEqual([])
    fireEvent.click(page(4))
    expect(field.value).toBe('4')
    // The last selected page stays selected (the grammar has no "none").
    fireEvent.click(page(4))
    expect(field.value).toBe('4')
    screen.getByText(/At least one page stays selected/)
    fireEvent.click(screen.getByRole('button', { name: 'All pages' }))
    expect(field.value).toBe('')
    expect(pressed()).toHaveLength(6)
  })

  it('moves focus with arrow keys (one tab stop) and is only offered once a protected PDF is unlocked', () => {
    const locked = makeFile({ pageCount: 0, needsPassword: true, displayName: 'locked.pdf' })
    store.getState().applyAddFilesResult({ added: [locked], rejected: [], skippedInFolders: [] })
    render(<App />)
    expect(screen.queryByRole('button', { name: 'Choose pages' })).toBeNull()
    act(() => store.getState().replaceFile({ ...locked, pageCount: 3, isUnlocked: true }))
    fireEvent.click(screen.getByRole('button', { name: 'Choose pages' }))
    const buttons = screen.getAllByRole('button', { name: /^Page \d$/ })
    expect(buttons.map((b) => b.tabIndex)).toEqual([0, -1, -1])
    buttons[0]!.focus()
    fireEvent.keyDown(buttons[0]!, { key: 'ArrowRight' })
    expect(screen.getByRole('button', { name: 'Page 2' }).tabIndex).toBe(0)
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Page 2' }))
    fireEvent.keyDown(document.activeElement!, { key: 'End' })
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Page 3' }))
  })
})
