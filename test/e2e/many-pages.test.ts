/**
 * A 1000-page PDF through the whole app: the thumbnail grid stays virtualized (at most 200
 * thumbnail elements in the DOM at any scroll position) and the renderer's JS heap stays small.
 * Numbers are printed for bench/RESULTS.md; the assertions are the limits.
 *
 * Slow (the emulator renders 1000 pages): runs only with E2E_SCALE=1.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePagesPdf } from '../helpers/make-pdf.ts'
import { chromiumPath, dropFiles, fileCard, openApp, screenshot, waitForStage, type E2eApp } from '../helpers/e2e.ts'

const PAGES = 1000
const MAX_THUMBS_IN_DOM = 200
const MAX_HEAP_BYTES = 300 * 1024 * 1024
const isEnabled = process.env.E2E_SCALE === '1'
if (!isEnabled) console.warn('e2e many-pages: skipped (set E2E_SCALE=1 to run the 1000-page check)')

describe.skipIf(chromiumPath === null || !isEnabled)(`${PAGES} page thumbnails`, () => {
  let app: E2eApp
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-many-'))
    app = await openApp({ emulator: { apiKey: 'test-key', dpi: 20 } })
    await app.harness.services.dispatch('settings:set-api-key', ['test-key'])
    await app.harness.services.dispatch('settings:update', [{ baseUrl: app.harness.emulator!.baseUrl }])
    app.harness.platform.dialogs.queueOpenFolder(path.join(dir, 'out'))
    await app.harness.services.dispatch('output:pick-folder', [])
    await app.page.reload()
    await app.page.evaluate(() => (globalThis as unknown as { __harness: { ready: Promise<void> } }).__harness.ready)
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('keeps at most 200 thumbnails in the DOM while scrolling through all pages', async () => {
    const { page } = app
    const big = await makePagesPdf(dir, 'thousand.pdf', PAGES)
    await dropFiles(page, [{ filePath: big, mode: 'path' }])
    const card = fileCard(page, 'thousand.pdf')
    await card.getByText(`${PAGES} pages`, { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Convert 1 file' }).click()
    await waitForStage(card, 'done', 600_000)

    const grid = card.getByRole('list', { name: 'Pages of thousand.pdf' })
    const counts: number[] = []
    const scrollHeight = await grid.evaluate((el) => (el as unknown as { scrollHeight: number }).scrollHeight)
    for (let y = 0; y <= scrollHeight; y += Math.ceil(scrollHeight / 20)) {
      await grid.evaluate((el, top) => void ((el as unknown as { scrollTop: number }).scrollTop = top), y)
      await page.waitForTimeout(50)
      counts.push(await page.locator('.thumb-cell').count())
    }
    const settleStartMs = Date.now()
    await expect
      .poll(
        () =>
          grid.evaluate((el) =>
            Array.from((el as unknown as { querySelectorAll(s: string): ArrayLike<{ naturalWidth: number }> }).querySelectorAll('img')).every(
              (img) => img.naturalWidth > 0,
            ),
          ),
        { timeout: 120_000, interval: 100 },
      )
      .toBe(true)
    const settleMs = Date.now() - settleStartMs
    await screenshot(page, '20-thousand-pages')
    const heapBytes = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0)
    const setSize = await page.locator('.thumb-cell').first().getAttribute('aria-setsize')
    console.log(
      `many-pages: thumbnails in DOM max ${Math.max(...counts)} (of ${setSize}), JS heap ${(heapBytes / 1048576).toFixed(1)} MB, ` +
        `images in view loaded ${settleMs} ms after the last scroll`,
    )
    expect(setSize).toBe(String(PAGES))
    expect(Math.max(...counts)).toBeLessThanOrEqual(MAX_THUMBS_IN_DOM)
    expect(Math.min(...counts)).toBeGreaterThan(0)
    expect(heapBytes).toBeLessThan(MAX_HEAP_BYTES)
  }, 900_000)
})
