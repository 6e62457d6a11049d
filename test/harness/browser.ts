/**
 * Launches Debian's Chromium through playwright-core for the e2e tests (never downloads a
 * browser).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Path of the system Chromium (`$CHROMIUM_PATH`, /usr/bin/chromium, or `which chromium`), or null. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  for (const candidate of candidates) if (candidate !== undefined && candidate !== '' && existsSync(candidate)) return candidate
  try {
    const found = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim()
    return found === '' ? null : found
  } catch {
    return null
  }
}

/** A launched browser context with one page. */
export interface LaunchedBrowser {
  readonly context: BrowserContext
  readonly page: Page
  close(): Promise<void>
}

/**
 * Launches headless Chromium in a fresh profile folder.
 *
 * @throws Error when Chromium is missing (callers skip before, with {@link findChromium}).
 */
export async function launchBrowser(options: {
  readonly colorScheme?: 'light' | 'dark'
  readonly viewport?: { readonly width: number; readonly height: number }
} = {}): Promise<LaunchedBrowser> {
  const executablePath = findChromium()
  if (executablePath === null) throw new Error('Chromium is not installed (apt-get install chromium)')
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-e2e-chromium-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1200, height: 820 },
    deviceScaleFactor: 1,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    async close() {
      await context.close()
      await rm(profileDir, { recursive: true, force: true })
    },
  }
}
