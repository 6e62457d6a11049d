/**
 * The two custom schemes against real files: `pdf-thumb://page/<fileId>/<page>` rendering a
 * registered PDF's page with pdf.js through the services, and `app://bundle/` serving a renderer
 * folder with traversal attempts refused.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRendererProtocolHandler, rendererFilePath } from '../../electron/app/renderer-protocol.ts'
import { createAppServices, type AppServicesInternals } from '../../electron/app/services.ts'
import type { AddFilesResult } from '../../electron/ipc/contract.ts'
import { createNodePlatform } from '../../electron/platform/node-platform.ts'
import { makeEncryptedPdf, makePagesPdf } from '../helpers/make-pdf.ts'

let dir: string
let services: AppServicesInternals

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'protocol-'))
  services = await createAppServices({
    platform: createNodePlatform({ rootDir: path.join(dir, 'platform') }),
    userDataDir: path.join(dir, 'user-data'),
    env: { PDFCO_BASE_URL: 'http://127.0.0.1:9/v1' },
  })
})
afterAll(async () => {
  await services.dispose()
  await rm(dir, { recursive: true, force: true })
})

const status = async (url: string): Promise<number> => (await services.handleThumbnailRequest(new Request(url))).status

describe('pdf-thumb://page (source pages, rendered locally)', () => {
  it('renders a page of a registered PDF at the asked width; 400 past the end; 404 for unknown or locked files', async () => {
    const pdf = await makePagesPdf(dir, 'pages.pdf', 3, { widthPt: 300, heightPt: 600 })
    const result = (await services.dispatch('files:register-dropped', [[pdf]])) as { ok: true; value: AddFilesResult }
    const id = result.value.added[0]!.id
    const res = await services.handleThumbnailRequest(new Request(`pdf-thumb://page/${id}/2?w=320`))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata()
    expect([meta.width, meta.height]).toEqual([320, 640])
    expect(await status(`pdf-thumb://page/${id}/4?w=320`)).toBe(400)
    expect(await status(`pdf-thumb://page/${id}/1?w=333`)).toBe(400)
    expect(await status(`pdf-thumb://page/0f8fad5b-d9cb-469f-a165-70867728950e/1?w=160`)).toBe(404)
    const locked = await makeEncryptedPdf(dir, 'locked.pdf', { userPassword: 'pw-9876', pages: 1 })
    const lockedId = ((await services.dispatch('files:register-dropped', [[locked]])) as { ok: true; value: AddFilesResult }).value.added[0]!.id
    expect(await status(`pdf-thumb://page/${lockedId}/1?w=160`)).toBe(404)
    await services.dispatch('files:unlock', [lockedId, 'pw-9876'])
    expect(await status(`pdf-thumb://page/${lockedId}/1?w=160`)).toBe(200)
  })
})

describe('app://bundle (the renderer)', () => {
  it('serves files under the root with the CSP and refuses everything else', async () => {
    const root = path.join(dir, 'dist')
    await mkdir(path.join(root, 'assets'), { recursive: true })
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>x</title>')
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)')
    await writeFile(path.join(dir, 'secret.txt'), 'secret')
    await writeFile(path.join(root, 'assets', 'data.bin'), 'bin')
    const handle = createRendererProtocolHandler({ rootDir: root, csp: "default-src 'none'" })
    const get = (url: string): Promise<Response> => handle(new Request(url))
    const index = await get('app://bundle/index.html')
    expect(index.status).toBe(200)
    expect(index.headers.get('content-security-policy')).toBe("default-src 'none'")
    expect(await index.text()).toContain('<title>x</title>')
    expect((await get('app://bundle/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    for (const url of [
      'app://bundle/../secret.txt',
      'app://bundle/%2e%2e/secret.txt',
      'app://bundle/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://bundle/assets/..%5c..%5csecret.txt',
      `app://bundle/${encodeURIComponent(path.join(dir, 'secret.txt'))}`,
      'app://bundle//secret.txt',
      'app://bundle/assets/data.bin',
      'app://bundle/nope.html',
      'app://evil/index.html',
      'app://bundle/%E0%A4%A.html',
    ]) {
      const res = await get(url)
      expect([url, res.status]).toEqual([url, 404])
      expect(await res.text()).not.toContain('secret')
    }
    expect(rendererFilePath('app://bundle/a/b.js', root)).toBe(path.join(root, 'a', 'b.js'))
    expect((await handle(new Request('app://bundle/index.html', { method: 'POST', body: 'x' }))).status).toBe(405)
  })
})
