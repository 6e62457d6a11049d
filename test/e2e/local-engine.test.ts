/**
 * End to end, offline: no API key and no emulator. The welcome says the app works
 * offline; the visual page picker (page thumbnails rendered locally) stays in sync with the range
 * text both ways; Convert runs the local engine at the chosen resolution, the files land on disk
 * with the right pixel sizes, and the row says which engine converted it. A protected PDF offers
 * the picker only once unlocked. Screenshots: test-results/screenshots/3x-*.png.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Locator } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LETTER, makeEncryptedPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import {
  chromiumPath,
  dropFiles,
  fileCard,
  harnessValue,
  openApp,
  pageErrors,
  screenshot,
  seriousAxeViolations,
  waitForStage,
  type E2eApp,
} from '../helpers/e2e.ts'

/** Pages marked selected in a picker (aria-pressed), by number. */
async function pressedPages(picker: Locator): Promise<number[]> {
  return picker.locator('button[aria-pressed="true"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-page'))))
}

describe.skipIf(chromiumPath === null)('offline: local engine and the visual page picker', () => {
  let app: E2eApp
  let dir: string
  const pdf: Record<string, string> = {}

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-local-'))
    pdf.report = await makePagesPdf(dir, 'report.pdf', 12, LETTER)
    pdf.locked = await makeEncryptedPdf(dir, 'private.pdf', { userPassword: 'letmein', pages: 3 })
    app = await openApp({ emulator: false })
  })
  afterAll(async () => {
    await app?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('first launch without a key: the welcome says it works offline; Auto means this computer', async () => {
    const { page } = app
    await page.getByRole('heading', { name: 'Welcome to PDF to Image' }).waitFor()
    await page.getByText(/works offline, with no account or API key/).waitFor()
    await page.getByRole('heading', { name: 'Optional: convert with PDF.co' }).waitFor()
    const engine = page.getByRole('combobox', { name: 'Engine' })
    expect(await engine.inputValue()).toBe('auto')
    expect(await engine.locator('option:checked').textContent()).toBe('Auto · This computer')
    await page.getByRole('button', { name: /Output folder PDF to Image/ }).waitFor()
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, '30-welcome-offline')
  })

  it('the page picker shows local page thumbnails; click, shift-click, keyboard and text stay in sync', async () => {
    const { page } = app
    await dropFiles(page, [{ filePath: pdf.report!, mode: 'path' }])
    const card = fileCard(page, 'report.pdf')
    await card.getByText('12 pages', { exact: true }).waitFor()
    // No "add a key" banner: the local engine converts without one.
    expect(await page.getByText(/no API key is set/).count()).toBe(0)

    const toggle = card.getByRole('button', { name: 'Choose pages' })
    await toggle.click()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    const picker = card.getByRole('group', { name: 'Choose pages of report.pdf' })
    await picker.waitFor()
    // Thumbnails are real images rendered from the PDF (naturalWidth 160), served by id.
    const firstImg = picker.getByRole('button', { name: 'Page 1', exact: true }).locator('img')
    await expect.poll(() => firstImg.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBe(160)
    expect(await firstImg.getAttribute('src')).toMatch(/\/thumbs\/page\/[0-9a-f-]{36}\/1\?w=160$/)
    expect(await pressedPages(picker)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    await card.getByText('All 12 pages selected').waitFor()

    const field = card.getByRole('textbox', { name: 'Pages' })
    const pageButton = (n: number) => picker.getByRole('button', { name: `Page ${n}`, exact: true })
    // Text → selection.
    await field.fill('2-4')
    await expect.poll(() => pressedPages(picker)).toEqual([2, 3, 4])
    // Click → text.
    await pageButton(7).click()
    await expect.poll(() => field.inputValue()).toBe('2-4, 7')
    // Shift-click: the span from page 7 takes page 7's new state (selected).
    await pageButton(9).click({ modifiers: ['Shift'] })
    await expect.poll(() => field.inputValue()).toBe('2-4, 7-9')
    await pageButton(3).click()
    await expect.poll(() => field.inputValue()).toBe('2, 4, 7-9')
    // Keyboard: the focused page toggles with Space; arrows move between pages.
    await pageButton(3).focus()
    await page.keyboard.press('Space')
    await expect.poll(() => field.inputValue()).toBe('2-4, 7-9')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string } } }).document.activeElement.getAttribute('data-page'))).toBe('5')
    await page.keyboard.press('Enter')
    await expect.poll(() => field.inputValue()).toBe('2-5, 7-9')
    expect(await pageButton(5).getAttribute('aria-pressed')).toBe('true')
    await card.getByText('7 of 12 pages selected').waitFor()
    await card.getByText('7 of 12 pages', { exact: true }).waitFor()
    await page.mouse.move(0, 0)
    expect(await seriousAxeViolations(page)).toEqual([])
    await card.scrollIntoViewIfNeeded()
    await screenshot(page, '31-page-picker')
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, '31b-page-picker-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('converts the picked pages on this computer at the chosen resolution; the row names the engine', async () => {
    const { page, harness } = app
    await page.getByRole('combobox', { name: 'Resolution' }).selectOption('96')
    await expect.poll(() => app.harness.services.dispatch('settings:get', [])).toMatchObject({ ok: true, value: { localDpi: 96 } })
    // Colour (and quality) live in Settings, under the local engine.
    await page.getByRole('button', { name: 'Settings', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Settings' })
    const local = dialog.getByRole('region', { name: 'On this computer (local engine)' })
    await expect.poll(() => local.getByRole('combobox', { name: 'Resolution' }).inputValue()).toBe('96')
    await local.getByRole('combobox', { name: 'Colour' }).selectOption('gray')
    await expect.poll(() => local.getByRole('combobox', { name: 'Colour' }).inputValue()).toBe('gray')
    await local.scrollIntoViewIfNeeded()
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, '33-settings-local-engine')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Convert 1 file' }).click()
    const card = fileCard(page, 'report.pdf')
    await waitForStage(card, 'done')
    await card.getByText(/^7 images in \d+:\d\d · on this computer$/).waitFor()
    await card.getByText('Local engine', { exact: true }).waitFor()
    // Closing the picker leaves the converted pages' thumbnails.
    await card.getByRole('button', { name: 'Choose pages' }).click()
    await card.getByRole('group', { name: 'Choose pages of report.pdf' }).waitFor({ state: 'detached' })
    await expect.poll(() => card.getByRole('img', { name: /^Page \d+ of report\.pdf$/ }).count()).toBe(7)
    await page.mouse.move(0, 0)
    await screenshot(page, '32-local-done')

    const stages = (await harnessValue<Record<string, string[]>>(page, 'jobStages'))[(await card.getAttribute('data-file-id'))!]!
    expect(stages).not.toContain('uploading')
    const outDir = harness.services.outputDir()
    expect(path.basename(outDir)).toBe('PDF to Image')
    const names = (await readdir(outDir)).sort()
    expect(names).toEqual(['report-02.png', 'report-03.png', 'report-04.png', 'report-05.png', 'report-07.png', 'report-08.png', 'report-09.png'])
    // US Letter at 96 dpi: 816 x 1056 px, greyscale.
    const meta = await sharp(path.join(outDir, 'report-05.png')).metadata()
    expect([meta.width, meta.height, meta.channels]).toEqual([816, 1056, 1])
  })

  it('a protected PDF offers the picker once unlocked', async () => {
    const { page } = app
    await dropFiles(page, [{ filePath: pdf.locked!, mode: 'bytes' }])
    const card = fileCard(page, 'private.pdf')
    await card.getByLabel('Password').waitFor()
    expect(await card.getByRole('button', { name: 'Choose pages' }).count()).toBe(0)
    await card.getByLabel('Password').fill('letmein')
    await card.getByRole('button', { name: 'Unlock' }).click()
    await card.getByText('3 pages', { exact: true }).waitFor()
    await card.getByRole('button', { name: 'Choose pages' }).click()
    const img = card.getByRole('button', { name: 'Page 3', exact: true }).locator('img')
    await expect.poll(() => img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBe(160)
    await card.getByRole('button', { name: 'Page 2', exact: true }).click()
    await expect.poll(() => card.getByRole('textbox', { name: 'Pages' }).inputValue()).toBe('1, 3')
  })

  it('kept the strict CSP and threw no page errors', async () => {
    const { page } = app
    expect(await harnessValue<string[]>(page, 'cspViolations')).toEqual([])
    expect(pageErrors(page)).toEqual([])
  })
})
