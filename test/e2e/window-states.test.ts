/**
 * End to end: the window's states (welcome, converting, done, failed) at the minimum size 720x520
 * and at 1280x800, light and dark, with the layout rules they must keep:
 * - the batch bar is one row from 1024 px up, and at most a quarter of the window at 720x520;
 * - nothing moves when a conversion starts (batch bar and file cards keep their boxes);
 * - after Convert, focus is on the first running file's status;
 * - the overall bar shows failed pages apart from done work.
 * Screenshots land in test-results/screenshots/states-<state>-<width>-<theme>.png.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { chromiumPath, dropFiles, fileCard, openApp, pageErrors, screenshot, waitForStage, type E2eApp } from '../helpers/e2e.ts'

const SMALL = { widthPt: 298, heightPt: 420 }
const SIZES = [
  { width: 720, height: 520 },
  { width: 1280, height: 800 },
] as const

async function shootAll(page: Page, state: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size)
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await screenshot(page, `states-${state}-${size.width}-${theme}`)
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

type Box = { x: number; y: number; width: number; height: number }
const box = async (page: Page, selector: string): Promise<Box> => (await page.locator(selector).first().boundingBox())!

describe.skipIf(chromiumPath === null)('window states and layout', () => {
  let app: E2eApp
  let dir: string
  const pdf: Record<string, string> = {}

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-states-'))
    pdf.report = await makePagesPdf(dir, 'quarterly-report.pdf', 6, SMALL)
    pdf.slides = await makePagesPdf(dir, 'slides.pdf', 3, SMALL)
    pdf.empty = path.join(dir, 'empty.pdf')
    await writeFile(pdf.empty, '')
    app = await openApp({ emulator: { apiKey: 'test-key', dpi: 40 } })
  })
  afterAll(async () => {
    await app?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('welcome: no developer wording; the batch bar fits the minimum window', async () => {
    const { page } = app
    await page.getByRole('heading', { name: 'Welcome to PDF to Image' }).waitFor()
    expect(await page.getByText(/emulator/i).count()).toBe(0)
    await shootAll(page, 'welcome')
    await page.setViewportSize({ width: 720, height: 520 })
    expect((await box(page, '.batch-bar')).height).toBeLessThanOrEqual(520 / 4)
    await page.setViewportSize({ width: 1024, height: 700 })
    await screenshot(page, 'states-welcome-1024-light')
    const [settings, progress, actions] = (await Promise.all(['.batch-settings', '.batch-progress', '.batch-actions'].map((s) => box(page, s)))) as [Box, Box, Box]
    // One row: the three parts side by side.
    expect(progress.x).toBeGreaterThanOrEqual(settings.x + settings.width)
    expect(actions.x).toBeGreaterThanOrEqual(progress.x + progress.width)
    expect((await box(page, '.batch-bar')).height).toBeLessThanOrEqual(80)
  })

  it('converting: nothing moves when it starts; focus goes to the running file', async () => {
    const { page, harness } = app
    await harness.services.dispatch('settings:set-api-key', ['test-key'])
    await harness.services.dispatch('settings:update', [{ baseUrl: harness.emulator!.baseUrl, engine: 'pdfco' }])
    await page.reload()
    await page.evaluate(() => (globalThis as unknown as { __harness: { ready: Promise<void> } }).__harness.ready)
    await page.setViewportSize({ width: 1280, height: 800 })
    await dropFiles(page, [
      { filePath: pdf.report!, mode: 'path' },
      { filePath: pdf.slides!, mode: 'path' },
      { filePath: pdf.empty!, mode: 'path' },
    ])
    await fileCard(page, 'slides.pdf').getByText('3 pages', { exact: true }).waitFor()
    // The empty file is reported as empty, and the notice stays in view.
    await page.getByText('The file is empty (0 bytes).').waitFor()
    expect(await page.getByRole('region', { name: /not added/ }).or(page.locator('.refused')).first().isVisible()).toBe(true)
    harness.emulator!.faults.processingMsPerPage = 1_500
    const before = await Promise.all(['.batch-bar', '.batch-actions .convert-button', `[data-file-id] .icon-button`].map((s) => box(page, s)))
    await page.getByRole('button', { name: 'Convert 2 files' }).click()
    const report = fileCard(page, 'quarterly-report.pdf')
    await waitForStage(report, 'converting')
    const after = await Promise.all(['.batch-bar', '.batch-actions .convert-button', `[data-file-id] .icon-button`].map((s) => box(page, s)))
    expect(after).toEqual(before)
    const focusedCard = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { activeElement: { closest(s: string): { textContent: string } | null } | null } }).document
      return doc.activeElement?.closest('[data-file-id]')?.textContent ?? ''
    })
    expect(focusedCard).toContain('quarterly-report.pdf')
    await page.getByText(/of 9 pages/).waitFor()
    await shootAll(page, 'converting')
  })

  it('done: 100 % only when every file is done', async () => {
    const { page, harness } = app
    for (const name of ['quarterly-report.pdf', 'slides.pdf']) await waitForStage(fileCard(page, name), 'done', 90_000)
    harness.emulator!.faults.processingMsPerPage = 0
    await page.getByText('Finished: 2 done').waitFor()
    expect(await page.getByRole('progressbar', { name: 'Overall progress' }).getAttribute('aria-valuenow')).toBe('100')
    await expect.poll(() => fileCard(page, 'slides.pdf').getByRole('img').count()).toBe(3)
    await shootAll(page, 'done')
  })

  it('failed: the bar shows failed pages apart, and the file says what was kept and where', async () => {
    const { page, harness } = app
    harness.emulator!.faults.jobOutcome = 'failed'
    await page.getByRole('button', { name: 'Convert all 2 again' }).click()
    for (const name of ['quarterly-report.pdf', 'slides.pdf']) await waitForStage(fileCard(page, name), 'failed')
    await page.getByText('Finished: 0 done, 2 failed · 0 of 9 pages saved').waitFor()
    const bar = page.getByRole('progressbar', { name: 'Overall progress' })
    expect(await bar.getAttribute('aria-valuenow')).toBe('0')
    const barWidth = (await box(page, '.overall-bar')).width
    await expect.poll(async () => (await box(page, '.overall-failed')).width / barWidth).toBeGreaterThan(0.99)
    await fileCard(page, 'slides.pdf').getByText(/No pages saved/).waitFor()
    // The earlier run's thumbnails are listed apart, collapsed.
    await fileCard(page, 'slides.pdf').getByText('Earlier run').waitFor()
    expect(await fileCard(page, 'slides.pdf').getByRole('img').count()).toBe(0)
    harness.emulator!.faults.jobOutcome = 'success'
    await shootAll(page, 'failed')
    expect(pageErrors(page)).toEqual([])
  })
})
