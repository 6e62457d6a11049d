/**
 * Shared steps of the e2e tests: harness + Chromium start-up, file drops, screenshots, axe checks.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Locator, Page } from 'playwright-core'
import type { HarnessDropItem } from '../harness/wire.ts'
import { findChromium, launchBrowser, type LaunchedBrowser } from '../harness/browser.ts'
import { startHarness, type Harness, type HarnessOptions } from '../harness/start.ts'

const projectRoot = path.resolve(import.meta.dirname, '../..')
/** Where stage screenshots go (git-ignored). */
export const SCREENSHOT_DIR = path.join(projectRoot, 'test-results/screenshots')
/** The shared fixture corpus of real PDFs (`$PDF_CORPUS_DIR`, by default a `shared/fixtures/pdfs` folder beside the repository). */
export const CORPUS_DIR = process.env.PDF_CORPUS_DIR ?? path.resolve(projectRoot, '../shared/fixtures/pdfs')

/** Chromium's path, or null (tests skip with a message). */
export const chromiumPath = findChromium()
if (chromiumPath === null) console.warn('e2e: skipped, Chromium is not installed (apt-get install chromium)')

/** A harness with a browser page on it. */
export interface E2eApp {
  readonly harness: Harness
  readonly browser: LaunchedBrowser
  readonly page: Page
  close(): Promise<void>
}

/** Fast polling for the PDF.co engine (the emulator answers at once). */
export const FAST_POLL = { pollSchedule: { firstDelayMs: 50, minDelayMs: 50, maxDelayMs: 200, factor: 1.3 } }

const errorsByPage = new WeakMap<Page, string[]>()

/** Starts the harness (with its emulator) and opens the app in Chromium; page errors fail loudly. */
export async function openApp(options: HarnessOptions & { readonly colorScheme?: 'light' | 'dark' } = {}): Promise<E2eApp> {
  const harness = await startHarness({ pdfcoEngineOptions: FAST_POLL, ...options })
  const browser = await launchBrowser({ colorScheme: options.colorScheme ?? 'light' })
  const { page } = browser
  const pageErrors: string[] = []
  page.on('pageerror', (err) => pageErrors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`)
  })
  page.setDefaultTimeout(15_000)
  await page.goto(harness.url)
  await page.waitForFunction(() => (globalThis as { __harness?: { ready: Promise<void> } }).__harness !== undefined)
  await page.evaluate(() => (globalThis as unknown as { __harness: { ready: Promise<void> } }).__harness.ready)
  errorsByPage.set(page, pageErrors)
  return {
    harness,
    browser,
    page,
    async close() {
      await browser.close()
      await harness.close()
    },
  }
}

/** Errors the page printed or threw so far. */
export function pageErrors(page: Page): readonly string[] {
  return errorsByPage.get(page) ?? []
}

/**
 * A file (or, in `path` mode, a folder) to drop: `path` mode resolves like
 * `webUtils.getPathForFile`; `bytes` mode uses the fallback.
 */
export interface DropFile {
  readonly filePath: string
  readonly mode: 'path' | 'bytes'
  /** Name of the DOM File (default: the file's base name). */
  readonly name?: string
}

/** Drops files on the window (real DataTransfer + drag events in the page). */
export async function dropFiles(page: Page, files: readonly DropFile[], options: { readonly holdOverWindow?: boolean } = {}): Promise<void> {
  const items: HarnessDropItem[] = await Promise.all(
    files.map(async (f) => ({
      name: f.name ?? path.basename(f.filePath),
      // A folder is dropped as an empty File (browsers do the same); only its path matters.
      base64: (await stat(f.filePath)).isDirectory() ? '' : (await readFile(f.filePath)).toString('base64'),
      ...(f.mode === 'path' ? { path: f.filePath } : {}),
    })),
  )
  await page.evaluate(
    ([list, hold]) =>
      (globalThis as unknown as { __harness: { dropFiles(i: unknown, o: unknown): void } }).__harness.dropFiles(list, { holdOverWindow: hold }),
    [items, options.holdOverWindow === true] as const,
  )
}

/** Reads a value from the page's `window.__harness`. */
export function harnessValue<T>(page: Page, key: 'cspViolations' | 'jobStages' | 'stageHistory' | 'eventLog'): Promise<T> {
  return page.evaluate((k) => (globalThis as unknown as { __harness: Record<string, unknown> }).__harness[k], key) as Promise<T>
}

/** Saves `test-results/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const file = path.join(SCREENSHOT_DIR, `${name}.png`)
  // Let CSS transitions (progress bars, thumbnail fade-in) settle so the picture shows the state.
  await page.waitForTimeout(350)
  await page.screenshot({ path: file })
  const docName = DOCS_SCREENSHOTS[name]
  if (process.env['DOCS_SCREENSHOTS'] === '1' && docName !== undefined) copyFileSync(file, path.join(projectRoot, 'docs/screenshots', `${docName}.png`))
  return file
}

/**
 * The e2e screenshots the README shows, by the name the tests give them → their file in
 * docs/screenshots/. `npm run screenshots` (DOCS_SCREENSHOTS=1) runs the e2e suite and refreshes them,
 * so the README always shows today's window.
 */
export const DOCS_SCREENSHOTS: Readonly<Record<string, string>> = {
  'states-welcome-1280-light': 'welcome',
  'states-converting-1280-light': 'converting',
  'states-failed-1280-light': 'failed-retry',
  'states-done-1280-dark': 'dark',
  'states-converting-720-dark': 'small-window-converting',
  'states-done-720-light': 'small-window-done',
  '03-invalid-range': 'invalid-range',
  '04-settings': 'settings',
  '06-done-thumbnails': 'thumbnails',
  '07-preview': 'preview',
  '31-page-picker': 'page-picker',
  '32-local-done': 'local-engine',
  'tiff-choice-1280-light': 'tiff-pages',
  'tiff-choice-720-dark': 'small-window-tiff-choice',
  'keys-wrong-key-1280': 'wrong-key',
  'keys-estimate-1280': 'credit-estimate',
}

/** The card (`<li>`) of one file, found by its displayed name. */
export function fileCard(page: Page, displayName: string): Locator {
  return page.getByRole('listitem', { name: displayName, exact: true })
}

/** Waits until a file card shows `stage` (`data-stage`). */
export async function waitForStage(card: Locator, stage: string, timeoutMs = 60_000): Promise<void> {
  await card.and(card.page().locator(`[data-stage="${stage}"]`)).waitFor({ timeout: timeoutMs })
}

/** One axe-core violation, summarised. */
export interface AxeViolation {
  readonly id: string
  readonly impact: string | null
  readonly help: string
  readonly targets: readonly string[]
}

let axeSource: string | undefined

/**
 * Runs axe-core on the page and returns its serious and critical violations.
 *
 * axe is evaluated through the DevTools protocol: `page.addScriptTag` would add an inline script,
 * which the app's CSP (`script-src 'self'`) rightly blocks.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(path.join(projectRoot, 'node_modules/axe-core/axe.min.js'), 'utf8')
  const hasAxe = await page.evaluate(() => 'axe' in globalThis)
  if (!hasAxe) await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] })
    return result.violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]
  })
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.flatMap((n) => n.target.map(String)) }))
}
