/**
 * Keys and credits in the browser harness: a wrong key saved in Settings is refused at once with
 * PDF.co's reason, Auto then stays on this computer and says why; a good key shows the PDF.co
 * estimate before Convert and the cost after it. Screenshots at 1280×800:
 * test-results/screenshots/keys-wrong-key-1280.png, keys-estimate-1280.png, keys-cost-1280.png.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { chromiumPath, dropFiles, fileCard, openApp, pageErrors, screenshot, waitForStage, type E2eApp } from '../helpers/e2e.ts'

describe.skipIf(chromiumPath === null)('API key check and credits', () => {
  let app: E2eApp
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-keys-'))
    app = await openApp({ emulator: { apiKey: 'test-key', dpi: 30 } })
    await app.harness.services.dispatch('settings:update', [{ baseUrl: app.harness.emulator!.baseUrl }])
    app.harness.platform.dialogs.queueOpenFolder(path.join(dir, 'out'))
    await app.harness.services.dispatch('output:pick-folder', [])
    await app.page.reload()
    await app.page.evaluate(() => (globalThis as unknown as { __harness: { ready: Promise<void> } }).__harness.ready)
    await app.page.setViewportSize({ width: 1280, height: 800 })
  })
  afterAll(async () => {
    await app?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('a wrong key is refused at once in Settings, and Auto stays on this computer', async () => {
    const { page } = app
    await dropFiles(page, [{ filePath: await makePagesPdf(dir, 'report.pdf', 12, { widthPt: 298, heightPt: 420 }), mode: 'path' }])
    await fileCard(page, 'report.pdf').waitFor()
    await page.getByRole('button', { name: 'Settings', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Settings' })
    await dialog.getByRole('textbox', { name: 'API key', exact: true }).fill('not-my-key')
    await dialog.getByRole('button', { name: 'Save key' }).click()
    await dialog.getByText(/^PDF\.co refused this key\./).waitFor()
    await screenshot(page, 'keys-wrong-key-1280')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await page.getByRole('combobox', { name: 'Engine' }).locator('option:checked').textContent()).toBe('Auto · This computer')
    await page.getByText('Converting on this computer: PDF.co refused the saved API key. Fix it in Settings → API key.').waitFor()
  })

  it('a good key shows the estimate before Convert and what the batch did cost after it', async () => {
    const { page, harness } = app
    await page.getByRole('button', { name: 'Settings', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Settings' })
    await dialog.getByRole('textbox', { name: 'New API key', exact: true }).fill('test-key')
    await dialog.getByRole('button', { name: 'Save key' }).click()
    await dialog.getByText(/^Key works · [\d,]+ credits left$/).waitFor()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    // 12 pages × 15 + 1 upload × 7 + 2 jobs × 4 checks × 2 = 203.
    await page.getByText(/^About 203 credits on PDF\.co \(estimate: 12 pages × 15 \+ 1 upload × 7 \+ ~8 job checks × 2; rates from the PDF\.co credit pricing page\)$/).waitFor()
    await screenshot(page, 'keys-estimate-1280')
    const before = 1_000_000
    harness.emulator!.setCredits(before)
    await page.getByRole('button', { name: 'Convert 1 file' }).click()
    await waitForStage(fileCard(page, 'report.pdf'), 'done')
    const text = (await page.locator('.credits-used').textContent()) ?? ''
    const used = Number(/Used ([\d,]+) credits/.exec(text)?.[1]?.replace(/,/g, ''))
    const checks = harness.emulator!.requests.filter((r) => r.path === '/v1/job/check').length
    expect(used).toBe(12 * 15 + 7 + checks * 2)
    expect(text).toContain(`${(before - used).toLocaleString('en-US')} left`)
    await screenshot(page, 'keys-cost-1280')
    expect(pageErrors(page)).toEqual([])
  })
})
