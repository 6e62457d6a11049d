/**
 * The batch bar's TIFF choice and what it sends, honest image and page counts, the output folder
 * refused at once when it cannot be written, and dragging an image out (by id) from the grid and
 * the preview. Expected values are what a user should read, worked out by hand.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PdfAppApi, SettingsPatch } from '../../../electron/ipc/contract.ts'
import { App } from '../../../renderer/app.tsx'
import { resetAppStore, useAppStore } from '../../../renderer/store/store.ts'
import type { FakeApi } from '../../helpers/renderer/fake-api.tsx'
import { makeFile, makeJob, makeOutput, makeSettings } from '../../helpers/renderer/fixtures.tsx'
import { connectFakeApi, fakeElementSize } from '../../helpers/renderer/app-env.tsx'

const store = useAppStore
let fake: FakeApi
let disconnect: () => void
let undoSize: () => void

function setup(overrides: Partial<PdfAppApi> = {}): void {
  ;({ fake, disconnect } = connectFakeApi(overrides))
}

beforeEach(() => {
  undoSize = fakeElementSize()
  resetAppStore()
})
afterEach(() => {
  undoSize()
  cleanup()
  disconnect()
})

describe('TIFF pages', () => {
  it('shows the choice only for TIFF, saves it, and Convert sends it', async () => {
    let settings = makeSettings({ format: 'png' })
    setup({
      updateSettings: async (patch: SettingsPatch) => {
        settings = { ...settings, ...patch }
        return { ok: true, value: settings }
      },
    })
    store.getState().setSettings(settings)
    const file = makeFile({ displayName: 'scan.pdf', pageCount: 12 })
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    render(<App />)
    expect(screen.queryByRole('combobox', { name: 'TIFF pages' })).toBeNull()
    fireEvent.change(screen.getByRole('combobox', { name: 'Format' }), { target: { value: 'tiff' } })
    const select = await screen.findByRole('combobox', { name: 'TIFF pages' })
    expect([...(select as HTMLSelectElement).options].map((o) => o.text)).toEqual(['One file per page', 'One multi-page file'])
    expect((select as HTMLSelectElement).value).toBe('page-files')
    fireEvent.change(select, { target: { value: 'multi-page' } })
    await waitFor(() => expect(store.getState().settings?.tiffLayout).toBe('multi-page'))
    expect(fake.calls.filter((c) => c.method === 'updateSettings').map((c) => c.args[0])).toEqual([{ format: 'tiff' }, { tiffLayout: 'multi-page' }])
    fireEvent.click(screen.getByRole('button', { name: 'Convert 1 file' }))
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'startJobs')).toBe(true))
    expect(fake.calls.find((c) => c.method === 'startJobs')!.args[0]).toEqual({
      items: [{ fileId: file.id, pageRange: '' }],
      format: 'tiff',
      overwrite: 'keep-both',
      tiffLayout: 'multi-page',
    })
  })

  it('a multi-page TIFF row says "1 image, 12 pages"; the thumbnail says it holds 12 pages', () => {
    setup()
    store.getState().setSettings(makeSettings({ format: 'tiff', tiffLayout: 'multi-page' }))
    const file = makeFile({ displayName: 'scan.pdf', pageCount: 12 })
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    const job = makeJob(file.id, { format: 'tiff', stage: 'done', pagesDone: 12, pagesTotal: 12, imagesDone: 1, finishedAtMs: 4000, attemptStartedAtMs: 1000 })
    store.getState().startBatch([job])
    store.getState().addOutput({ ...makeOutput(job, 1), displayName: 'scan.tif', pageCount: 12 })
    render(<App />)
    expect(screen.getByText('1 image, 12 pages in 0:03 · by PDF.co')).toBeTruthy()
    expect(screen.getByRole('img', { name: '12 pages of scan.pdf in one image, from page 1' })).toBeTruthy()
  })
})

describe('the output folder', () => {
  it('a folder that cannot be written is said at once, with main’s words; the setting stays', async () => {
    setup({
      pickOutputFolder: async () => ({
        ok: false,
        error: { code: 'file/write-failed', message: 'Cannot write in the folder “Locked” (permission denied): choose another folder', retryable: false },
      }),
    })
    store.getState().setSettings(makeSettings({ outputFolderName: 'Images' }))
    render(<App />)
    fireEvent.click(screen.getByRole('button', { name: /Output folder Images/ }))
    expect(await screen.findByText('Cannot write in the folder “Locked” (permission denied): choose another folder')).toBeTruthy()
    expect(store.getState().settings?.outputFolderName).toBe('Images')
    expect(fake.calls.some((c) => c.method === 'getSettings')).toBe(false)
  })
})

describe('dragging an image out', () => {
  it('a thumbnail and the preview start the drag by output id (the browser’s own drag is prevented)', async () => {
    setup()
    store.getState().setSettings(makeSettings())
    const file = makeFile({ displayName: 'r.pdf', pageCount: 2 })
    store.getState().applyAddFilesResult({ added: [file], rejected: [], skippedInFolders: [] })
    const job = makeJob(file.id, { stage: 'done', pagesDone: 2, pagesTotal: 2, imagesDone: 2 })
    store.getState().startBatch([job])
    const outputs = [makeOutput(job, 1), makeOutput(job, 2)]
    for (const o of outputs) store.getState().addOutput(o)
    render(<App />)
    const thumb = screen.getByRole('img', { name: 'Page 2 of r.pdf' }).closest('button')!
    expect(thumb.draggable).toBe(true)
    const event = new Event('dragstart', { bubbles: true, cancelable: true })
    act(() => void thumb.dispatchEvent(event))
    expect(event.defaultPrevented).toBe(true)
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'startOutputDrag').map((c) => c.args)).toEqual([[outputs[1]!.id]]))
    fireEvent.click(thumb)
    await waitFor(() => expect(document.querySelector('.preview-image')).not.toBeNull())
    const previewImage = document.querySelector<HTMLImageElement>('.preview-image')!
    expect(previewImage.alt).toBe('Page 2 of r.pdf')
    fireEvent.dragStart(previewImage)
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'startOutputDrag')).toHaveLength(2))
    expect(fake.calls.filter((c) => c.method === 'startOutputDrag').at(-1)!.args).toEqual([outputs[1]!.id])
  })
})
