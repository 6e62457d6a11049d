/**
 * End to end: the real renderer build in Debian Chromium, joined through the browser harness to the
 * real main-process services in Node, with the PDF.co emulator behind them.
 *
 * One app session walks every user flow in order; each stage leaves a screenshot in
 * test-results/screenshots/. Assertions read what a user sees (roles, names, texts), what main
 * reported (the bridge's event log), and what landed on disk.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeEncryptedPdf, makeNotPdf, makePagesPdf } from '../helpers/make-pdf.ts'
import {
  chromiumPath,
  CORPUS_DIR,
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

const SMALL = { widthPt: 298, heightPt: 420 }
const corpus = (name: string): string | null => {
  const file = path.join(CORPUS_DIR, name)
  return existsSync(file) ? file : null
}

describe.skipIf(chromiumPath === null)('desktop app flows in the browser harness', () => {
  let app: E2eApp
  let dir: string
  let outDir: string
  const pdf: Record<string, string> = {}

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-flows-'))
    outDir = path.join(dir, 'Converted images')
    await mkdir(outDir)
    pdf.alpha = await makePagesPdf(dir, 'alpha.pdf', 3, SMALL)
    pdf.beta = await makePagesPdf(dir, 'beta.pdf', 5, SMALL)
    pdf.slow = await makePagesPdf(dir, 'slow.pdf', 4, SMALL)
    pdf.notPdf = await makeNotPdf(dir, 'holiday-photo.pdf')
    pdf.locked = await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'open-sesame', pages: 2 })
    pdf.picked = await makePagesPdf(dir, 'picked.pdf', 2, SMALL)
    pdf.folder = path.join(dir, 'scans')
    await mkdir(pdf.folder)
    await makePagesPdf(pdf.folder, 'in-folder.pdf', 1, SMALL)
    await writeFile(path.join(pdf.folder, 'notes.txt'), 'not a pdf')
    app = await openApp({ emulator: { apiKey: 'test-key', dpi: 50 } })
  })
  afterAll(async () => {
    await app?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('first launch explains the offline engine and the API key (no developer wording), and passes axe in light and dark', async () => {
    const { page } = app
    await page.getByRole('heading', { name: 'Welcome to PDF to Image' }).waitFor()
    // Keyboard first: Tab reaches the main action, with a visible focus ring.
    await page.keyboard.press('Tab')
    const focused = page.locator(':focus')
    expect(await focused.textContent()).toContain('Add PDFs')
    const outline = await focused.evaluate(
      (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle,
    )
    expect(outline).not.toBe('none')
    expect(await page.getByText(/emulator/i).count()).toBe(0)
    await screenshot(page, '01-welcome')
    expect(await seriousAxeViolations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, '01-welcome-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('drops PDFs by path and by bytes; refuses a non-PDF named .pdf with its reason', async () => {
    const { page } = app
    await dropFiles(
      page,
      [
        { filePath: pdf.alpha!, mode: 'path' },
        { filePath: pdf.beta!, mode: 'bytes' },
        { filePath: pdf.notPdf!, mode: 'bytes' },
      ],
      { holdOverWindow: true },
    )
    await page.getByText('Drop to add').waitFor()
    await screenshot(page, '02-drag-over')
    await page.evaluate(() => (globalThis as unknown as { __harness: { cancelDrag(): void } }).__harness.cancelDrag())
    await page.getByText('Drop to add').waitFor({ state: 'detached' })

    await dropFiles(page, [
      { filePath: pdf.alpha!, mode: 'path' },
      { filePath: pdf.beta!, mode: 'bytes' },
      { filePath: pdf.notPdf!, mode: 'bytes' },
    ])
    await fileCard(page, 'alpha.pdf').getByText('3 pages', { exact: true }).waitFor()
    await fileCard(page, 'beta.pdf').getByText('5 pages', { exact: true }).waitFor()
    const refused = page.getByRole('region', { name: /not added/ })
    await refused.getByText('holiday-photo.pdf').waitFor()
    expect(await refused.textContent()).toMatch(/Not a PDF/)
    // The path went through files:register-dropped, the bytes through the fallback channel.
    expect(app.harness.server.invoked).toEqual(expect.arrayContaining(['files:register-dropped', 'files:register-dropped-bytes']))

    // The same file again is refused as a duplicate.
    await dropFiles(page, [{ filePath: pdf.alpha!, mode: 'path' }])
    await refused.getByText('Already added.').waitFor()
  })

  it('adds PDFs with the system dialog, and expands a dropped folder listing what it skipped', async () => {
    const { page, harness } = app
    harness.platform.dialogs.queueOpenFiles([pdf.picked!])
    await page.getByRole('button', { name: 'Add PDFs' }).click()
    await fileCard(page, 'picked.pdf').getByText('2 pages', { exact: true }).waitFor()
    await dropFiles(page, [{ filePath: pdf.folder!, mode: 'path' }])
    await fileCard(page, 'in-folder.pdf').getByText('1 page', { exact: true }).waitFor()
    await page.getByText('Skipped in dropped folders (not PDFs):').waitFor()
    await page.getByText('notes.txt').waitFor()
    // Removing a file takes it off the list.
    await fileCard(page, 'picked.pdf').getByRole('button', { name: 'Remove picked.pdf' }).click()
    await fileCard(page, 'picked.pdf').waitFor({ state: 'detached' })
    await fileCard(page, 'in-folder.pdf').getByRole('button', { name: 'Remove in-folder.pdf' }).click()
    await fileCard(page, 'in-folder.pdf').waitFor({ state: 'detached' })
    // A removed card's space is held while the pointer stays there; moving away closes it.
    await page.mouse.move(5, 5)
    await page.locator('.file-gap').waitFor({ state: 'detached' })
  })

  it('adds real PDFs from the corpus by path, with their page counts', async (ctx) => {
    const tracemonkey = corpus('tracemonkey.pdf')
    const rotated = corpus('habibi-rotated.pdf')
    if (tracemonkey === null || rotated === null) {
      ctx.skip(`real PDFs not found in ${CORPUS_DIR}`)
      return
    }
    const { page } = app
    await dropFiles(page, [
      { filePath: tracemonkey, mode: 'path' },
      { filePath: rotated, mode: 'bytes' },
    ])
    await fileCard(page, 'tracemonkey.pdf').getByText('14 pages', { exact: true }).waitFor()
    await fileCard(page, 'habibi-rotated.pdf').getByText('4 pages', { exact: true }).waitFor()
  })

  it('validates page ranges live and blocks Convert while one is invalid', async () => {
    const { page } = app
    const field = fileCard(page, 'beta.pdf').getByRole('textbox', { name: 'Pages' })
    await field.fill('2-9')
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    const describedBy = await field.getAttribute('aria-describedby')
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('page 9 is past the end: this PDF has 5 pages')
    const convert = page.getByRole('button', { name: /^Convert/ })
    expect(await convert.isDisabled()).toBe(true)
    await page.getByText('Fix the page range of beta.pdf.').waitFor()
    await screenshot(page, '03-invalid-range')
    await field.fill('2-4')
    expect(await field.getAttribute('aria-invalid')).toBe('false')
    await fileCard(page, 'beta.pdf').getByText('3 of 5 pages').waitFor()
    if (corpus('tracemonkey.pdf') !== null) await fileCard(page, 'tracemonkey.pdf').getByRole('textbox', { name: 'Pages' }).fill('1-4')
    // No key yet: Auto would convert on this computer (test/e2e/local-engine.test.ts runs that);
    // this session goes on with PDF.co through the emulator.
    expect(await page.getByRole('combobox', { name: 'Engine' }).locator('option:checked').textContent()).toBe('Auto · This computer')
    expect(await convert.isDisabled()).toBe(false)
  })

  it('sets the API key and the emulator base URL in Settings, and checks the key', async () => {
    const { page, harness } = app
    await page.getByRole('button', { name: 'Settings', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Settings' })
    await dialog.getByRole('textbox', { name: 'API key', exact: true }).fill('test-key')
    await dialog.getByRole('button', { name: 'Save key' }).click()
    await dialog.getByText('Saved key: ••••••••').waitFor()
    // The base URL and the emulator's instructions live under Advanced.
    if ((await dialog.locator('details.advanced').getAttribute('open')) === null) await dialog.getByText('Advanced', { exact: true }).click()
    await dialog.getByText('npm run emulator -- --port 8787 --key test-key').waitFor()
    await dialog.getByRole('textbox', { name: 'PDF.co base URL' }).fill(harness.emulator!.baseUrl)
    await dialog.getByRole('button', { name: 'Save URL' }).click()
    await dialog.getByText(`Now: ${harness.emulator!.baseUrl}`).waitFor()
    await dialog.getByRole('button', { name: 'Check key' }).click()
    await dialog.getByText(/Key works · [\d,.\s]+ credits left/).waitFor()
    await screenshot(page, '04-settings')
    expect(await seriousAxeViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    // The key never reaches the renderer: only its masked form.
    expect(await page.content()).not.toContain('test-key"')
    // With a key, Auto means PDF.co (the local engine's resolution field goes away).
    await expect.poll(() => page.getByRole('combobox', { name: 'Engine' }).locator('option:checked').textContent()).toBe('Auto · PDF.co')
    expect(await page.getByRole('combobox', { name: 'Resolution' }).count()).toBe(0)
  })

  it('chooses the output folder through the system dialog', async () => {
    const { page, harness } = app
    harness.platform.dialogs.queueOpenFolder(outDir)
    await page.getByRole('button', { name: /Output folder/ }).click()
    await page.getByRole('button', { name: /Output folder Converted images/ }).waitFor()
  })

  it('converts with live status, thumbnails and files on disk', async () => {
    const { page, harness } = app
    harness.emulator!.faults.processingMsPerPage = 350
    await page.getByRole('button', { name: /^Convert \d+ files$/ }).click()
    const beta = fileCard(page, 'beta.pdf')
    await waitForStage(beta, 'converting')
    await beta.getByText(/On PDF\.co · 0:0\d/).waitFor()
    await page.getByRole('progressbar', { name: 'Overall progress' }).waitFor()
    await screenshot(page, '05-converting')
    for (const name of ['alpha.pdf', 'beta.pdf']) await waitForStage(fileCard(page, name), 'done')
    if (corpus('tracemonkey.pdf') !== null) await waitForStage(fileCard(page, 'tracemonkey.pdf'), 'done')
    await page.getByText(/^Finished: \d+ done$/).waitFor()

    // Main reported every stage, in order; the card showed them.
    const betaId = (await beta.getAttribute('data-file-id'))!
    const reported = (await harnessValue<Record<string, string[]>>(page, 'jobStages'))[betaId]!
    expect(reported.filter((s) => ['uploading', 'converting', 'downloading', 'done'].includes(s))).toEqual([
      'uploading',
      'converting',
      'downloading',
      'done',
    ])
    const shown = (await harnessValue<Record<string, string[]>>(page, 'stageHistory'))[betaId]!
    expect(shown).toEqual(expect.arrayContaining(['converting', 'done']))
    expect(shown.indexOf('converting')).toBeLessThan(shown.indexOf('done'))

    // Thumbnails of exactly the selected pages, loaded (naturalWidth > 0), with alt text.
    const thumbs = beta.getByRole('img', { name: /^Page \d of beta\.pdf$/ })
    await expect.poll(() => thumbs.count()).toBe(3)
    const widths = await thumbs.evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth))
    expect(widths.every((w) => w > 0)).toBe(true)
    expect(await thumbs.first().getAttribute('alt')).toBe('Page 2 of beta.pdf')
    await expect.poll(() => fileCard(page, 'alpha.pdf').getByRole('img').count()).toBe(3)
    await screenshot(page, '06-done-thumbnails')
    if (corpus('tracemonkey.pdf') !== null) {
      const real = fileCard(page, 'tracemonkey.pdf')
      await expect.poll(() => real.getByRole('img', { name: /^Page \d of tracemonkey\.pdf$/ }).count()).toBe(4)
      await real.getByRole('list', { name: 'Pages of tracemonkey.pdf' }).scrollIntoViewIfNeeded()
      await screenshot(page, '06b-done-real-pdf')
    }

    // The image files are on disk, named <pdf>-<page>.<ext>, and are real PNGs.
    const names = (await readdir(outDir)).sort()
    expect(names).toEqual(expect.arrayContaining(['alpha-1.png', 'alpha-2.png', 'alpha-3.png', 'beta-2.png', 'beta-3.png', 'beta-4.png']))
    if (corpus('tracemonkey.pdf') !== null) expect(names).toEqual(expect.arrayContaining(['tracemonkey-01.png', 'tracemonkey-04.png']))
    const meta = await sharp(path.join(outDir, 'beta-2.png')).metadata()
    expect(meta.format).toBe('png')
    expect(meta.width).toBeGreaterThan(0)
  })

  it('opens the large preview: arrow keys, open image, show in folder, Esc', async () => {
    const { page, harness } = app
    await fileCard(page, 'beta.pdf').getByRole('button', { name: 'Page 2 of beta.pdf' }).click()
    const dialog = page.getByRole('dialog')
    await page.getByRole('dialog', { name: 'beta.pdf · page 2' }).waitFor()
    const big = dialog.getByRole('img', { name: 'Page 2 of beta.pdf' })
    await expect.poll(() => big.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(160)
    await dialog.getByText('1 of 3').waitFor()
    await page.keyboard.press('ArrowRight')
    await page.getByRole('dialog', { name: 'beta.pdf · page 3' }).waitFor()
    await dialog.getByText('2 of 3').waitFor()
    await dialog.getByRole('img', { name: 'Page 3 of beta.pdf' }).waitFor()
    await screenshot(page, '07-preview')
    await page.keyboard.press('ArrowLeft')
    await page.getByRole('dialog', { name: 'beta.pdf · page 2' }).waitFor()
    await page.getByRole('button', { name: 'Open image' }).click()
    await page.getByRole('button', { name: 'Show in folder' }).click()
    await expect.poll(() => harness.platform.recorded.openedPaths).toEqual([path.join(outDir, 'beta-2.png')])
    await expect.poll(() => harness.platform.recorded.shownInFolder).toEqual([path.join(outDir, 'beta-2.png')])
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    if (corpus('tracemonkey.pdf') !== null) {
      await fileCard(page, 'tracemonkey.pdf').getByRole('button', { name: 'Page 1 of tracemonkey.pdf' }).click()
      await page.getByRole('dialog', { name: 'tracemonkey.pdf · page 1' }).waitFor()
      await screenshot(page, '07b-preview-real-pdf')
      await page.keyboard.press('Escape')
      await page.getByRole('dialog').waitFor({ state: 'detached' })
    }
    await page.getByRole('button', { name: 'Open output folder' }).click()
    await expect.poll(() => harness.platform.recorded.openedPaths.at(-1)).toBe(outDir)
    expect(await seriousAxeViolations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, '08-done-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('cancels a slow job', async () => {
    const { page, harness } = app
    harness.emulator!.faults.processingMsPerPage = 5_000
    await dropFiles(page, [{ filePath: pdf.slow!, mode: 'path' }])
    const slow = fileCard(page, 'slow.pdf')
    await slow.getByText('4 pages', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Convert 1 file' }).click()
    await waitForStage(slow, 'converting')
    await slow.getByRole('button', { name: 'Cancel slow.pdf' }).click()
    await waitForStage(slow, 'cancelled')
    await slow.getByText('Cancelled', { exact: true }).waitFor()
    await screenshot(page, '09-cancelled')
    harness.emulator!.faults.processingMsPerPage = 0
  })

  it('shows a failure with its reason, then Retry converts after the fault clears', async () => {
    const { page, harness } = app
    harness.emulator!.faults.jobOutcome = 'failed'
    const slow = fileCard(page, 'slow.pdf')
    await slow.getByRole('button', { name: 'Retry slow.pdf' }).click()
    await waitForStage(slow, 'failed')
    await slow.getByText('The conversion failed on PDF.co.').waitFor()
    await screenshot(page, '10-failed')
    harness.emulator!.faults.jobOutcome = 'success'
    await slow.getByRole('button', { name: 'Retry slow.pdf' }).click()
    await waitForStage(slow, 'done')
    await expect.poll(() => slow.getByRole('img').count()).toBe(4)
    expect((await readdir(outDir)).filter((n) => n.startsWith('slow-'))).toHaveLength(4)
  })

  it('asks for the password of a protected PDF: wrong one reported, right one unlocks', async () => {
    const { page } = app
    await dropFiles(page, [{ filePath: pdf.locked!, mode: 'bytes' }])
    const card = fileCard(page, 'locked.pdf')
    const password = card.getByLabel('Password')
    await password.fill('guess')
    await card.getByRole('button', { name: 'Unlock' }).click()
    await card.getByText('Wrong password. Try again.').waitFor()
    expect(await password.getAttribute('aria-invalid')).toBe('true')
    await screenshot(page, '11-wrong-password')
    await password.fill('open-sesame')
    await card.getByRole('button', { name: 'Unlock' }).click()
    await card.getByText('2 pages', { exact: true }).waitFor()
    await card.getByRole('textbox', { name: 'Pages' }).waitFor()
  })

  it('kept the strict CSP (no violations) and threw no page errors', async () => {
    const { page } = app
    expect(await harnessValue<string[]>(page, 'cspViolations')).toEqual([])
    expect(pageErrors(page)).toEqual([])
    const csp = readFileSync(path.resolve(import.meta.dirname, '../../renderer/index.html'), 'utf8')
    expect(csp).toContain("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' pdf-thumb: data:; connect-src 'self'")
  })
})
