/**
 * End to end: the TIFF choice in the batch bar (one file per page or one multi-page file) on the
 * PDF.co engine (emulator), what lands on disk and what the row says; and dragging a thumbnail
 * out, which the harness's platform records instead of an OS drag.
 * Screenshots: test-results/screenshots/tiff-choice-<width>-<theme>.png.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { chromiumPath, dropFiles, fileCard, openApp, pageErrors, screenshot, waitForStage, type E2eApp } from '../helpers/e2e.ts'

const SMALL = { widthPt: 298, heightPt: 420 }

describe.skipIf(chromiumPath === null)('TIFF choice and dragging images out', () => {
  let app: E2eApp
  let dir: string
  let outDir: string
  let pdf: string

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-tiff-'))
    outDir = path.join(dir, 'TIFF out')
    pdf = await makePagesPdf(dir, 'scan.pdf', 3, SMALL)
    app = await openApp({ emulator: { apiKey: 'test-key', dpi: 40 } })
    // Set up as a user would in Settings: the emulator's key and address, and an output folder.
    const { services, platform, emulator } = app.harness
    for (const [channel, args] of [
      ['settings:set-api-key', ['test-key']],
      ['settings:update', [{ baseUrl: emulator!.baseUrl, engine: 'pdfco', format: 'png' }]],
    ] as const) {
      const r = await services.dispatch(channel, [...args])
      if (!r.ok) throw new Error(r.error.message)
    }
    platform.dialogs.queueOpenFolder(outDir)
    await services.dispatch('output:pick-folder', [])
    await app.page.reload()
    await app.page.evaluate(() => (globalThis as unknown as { __harness: { ready: Promise<void> } }).__harness.ready)
  })
  afterAll(async () => {
    await app?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('TIFF offers one file per page or one multi-page file; each lands on disk as chosen and the row counts honestly', async () => {
    const { page } = app
    await dropFiles(page, [{ filePath: pdf, mode: 'path' }])
    const card = fileCard(page, 'scan.pdf')
    await card.waitFor()
    expect(await page.getByRole('combobox', { name: 'TIFF pages' }).count()).toBe(0)
    await page.getByRole('combobox', { name: 'Format' }).selectOption('tiff')
    const layout = page.getByRole('combobox', { name: 'TIFF pages' })
    await layout.waitFor()
    expect(await layout.inputValue()).toBe('page-files')
    await layout.selectOption({ label: 'One multi-page file' })
    for (const size of [
      { width: 1280, height: 800 },
      { width: 720, height: 520 },
    ]) {
      await page.setViewportSize(size)
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        await screenshot(page, `tiff-choice-${size.width}-${theme}`)
      }
    }
    await page.emulateMedia({ colorScheme: 'light' })
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.getByRole('button', { name: 'Convert 1 file' }).click()
    await waitForStage(card, 'done')
    expect(await card.getByText(/^1 image, 3 pages in /).count()).toBe(1)
    expect((await readdir(outDir)).sort()).toEqual(['scan.tif'])
    expect((await sharp(path.join(outDir, 'scan.tif')).metadata()).pages).toBe(3)
    await screenshot(page, 'tiff-multi-page-done')

    await layout.selectOption({ label: 'One file per page' })
    await page.getByRole('button', { name: 'Convert again' }).click()
    await card.getByText(/^3 images in /).waitFor({ timeout: 60_000 })
    expect((await readdir(outDir)).sort()).toEqual(['scan-1.tif', 'scan-2.tif', 'scan-3.tif', 'scan.tif'])
    for (const name of ['scan-1.tif', 'scan-2.tif', 'scan-3.tif']) expect((await sharp(path.join(outDir, name)).metadata()).pages ?? 1).toBe(1)
    await screenshot(page, 'tiff-page-files-done')
    expect(pageErrors(page)).toEqual([])
  })

  it('dragging a thumbnail out asks main to drag that image file (recorded by the harness platform)', async () => {
    const { page } = app
    const before = app.harness.platform.recorded.dragged.length
    const thumb = fileCard(page, 'scan.pdf').getByRole('img', { name: 'Page 2 of scan.pdf' }).locator('xpath=ancestor::button[1]')
    await thumb.dispatchEvent('dragstart')
    await expect.poll(() => app.harness.platform.recorded.dragged.length).toBe(before + 1)
    expect(app.harness.platform.recorded.dragged.at(-1)).toEqual({ path: path.join(outDir, 'scan-2.tif'), iconBytes: expect.any(Number) })
    expect(pageErrors(page)).toEqual([])
  })
})
