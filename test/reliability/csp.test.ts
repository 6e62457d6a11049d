/**
 * The renderer's Content-Security-Policy at work, in Debian Chromium through the
 * browser harness (the real renderer build with its real CSP meta tag): an injected inline script
 * does not run and raises a `securitypolicyviolation`; so do inline event handlers, `eval`, a
 * script from another origin, and a request to a network origin. The app itself stays usable and
 * threw nothing. Navigation, `window.open` and `openExternal` are Electron's part: the boot test and
 * security.test.ts cover them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumPath, openApp, pageErrors, type E2eApp } from '../helpers/e2e.ts'

describe.skipIf(chromiumPath === null)('CSP in Chromium', () => {
  let app: E2eApp
  beforeAll(async () => {
    app = await openApp({ emulator: { apiKey: 'test-key', dpi: 36 } })
    await app.page.evaluate(() => {
      const g = globalThis as unknown as { __violations: string[]; addEventListener: (t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void) => void }
      g.__violations = []
      g.addEventListener('securitypolicyviolation', (e) => g.__violations.push(`${e.violatedDirective} ${e.blockedURI}`))
    })
  }, 120_000)
  afterAll(async () => {
    await app?.close()
  })

  const violations = () => app.page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations.slice())

  it('blocks an injected inline script, inline handlers, eval, foreign scripts and network requests', async () => {
    const { page } = app
    const result = await page.evaluate(async () => {
      const g = globalThis as unknown as Record<string, unknown> & {
        document: { createElement(t: string): Record<string, unknown> & { setAttribute(k: string, v: string): void; click(): void }; head: { append(n: unknown): void }; body: { append(n: unknown): void } }
        fetch: (u: string) => Promise<unknown>
      }
      const inline = g.document.createElement('script')
      inline.textContent = 'globalThis.__inlineRan = true'
      g.document.head.append(inline)
      const div = g.document.createElement('div')
      div.setAttribute('onclick', 'globalThis.__handlerRan = true')
      g.document.body.append(div)
      div.click()
      // A string timer is compiled when it fires, in the page's own context (code evaluated by the
      // test driver itself is exempt from CSP), so it meets the policy's missing 'unsafe-eval'.
      ;(g['setTimeout'] as (code: string, ms: number) => void)('globalThis.__evalRan = true', 0)
      await new Promise((r) => setTimeout(r, 30))
      const evalBlocked = g['__evalRan'] !== true
      const foreign = g.document.createElement('script')
      foreign.src = 'https://cdn.example.com/x.js'
      g.document.head.append(foreign)
      let fetchBlocked = false
      try {
        await g.fetch('https://api.pdf.co/v1/account/credit/balance')
      } catch {
        fetchBlocked = true
      }
      await new Promise((r) => setTimeout(r, 50))
      return { inline: g['__inlineRan'] === true, handler: g['__handlerRan'] === true, evalRan: g['__evalRan'] === true, evalBlocked, fetchBlocked }
    })
    expect(result).toEqual({ inline: false, handler: false, evalRan: false, evalBlocked: true, fetchBlocked: true })
    await page.waitForFunction(() => (globalThis as unknown as { __violations: string[] }).__violations.length >= 5)
    const seen = await violations()
    expect(seen.some((v) => v.startsWith('script-src-elem inline'))).toBe(true)
    expect(seen.some((v) => v.startsWith('script-src-attr inline'))).toBe(true)
    expect(seen.some((v) => v.startsWith('script-src eval'))).toBe(true)
    expect(seen.some((v) => v === 'script-src-elem https://cdn.example.com/x.js')).toBe(true)
    expect(seen.some((v) => v.startsWith('connect-src https://api.pdf.co'))).toBe(true)
  })

  it('the app kept working: its own scripts ran and it threw no page errors', async () => {
    await app.page.getByRole('heading', { name: 'Welcome to PDF to Image' }).waitFor()
    expect(pageErrors(app.page).filter((e) => !/Content Security Policy|Refused to/i.test(e))).toEqual([])
  })
})
