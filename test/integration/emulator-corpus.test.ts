/**
 * Real-PDF spot check of the emulator (plain `fetch`): for each file of
 * the shared fixture corpus's MANIFEST.json (PDF_CORPUS_DIR) the page count the emulator works
 * with and the first page's pixel size at its DPI (±1 px, /Rotate and /UserUnit applied).
 *
 * How the page count is read over the API: `pages: "!<N-1>"` must resolve to the first page
 * (that conversion also gives the size checked) and `pages: "<N>"` must answer 449.
 *
 * Decisions:
 * - Manifest sizes are the raw page box; issue19176.pdf's /UserUnit 72 scales it (pdf.js applies
 *   /UserUnit, poppler's pdftoppm does not), so the expectation multiplies by /UserUnit.
 * - r6-user-password.pdf opens with an empty password in poppler, but pdf.js 5.6 asks for one; it
 *   is converted with its owner password and the password-less answer may be either 441 or success.
 * - test_corrupted.pdf → 442.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'

interface ManifestPage {
  readonly page: number
  readonly widthPt: number
  readonly heightPt: number
  readonly rotate: number
}
interface ManifestFile {
  readonly file: string
  readonly pages: number | null
  readonly userPassword?: string
  readonly opensInPoppler?: boolean
  readonly firstPages?: readonly ManifestPage[]
}

const corpusDir = process.env['PDF_CORPUS_DIR'] ?? path.resolve(import.meta.dirname, '../../../shared/fixtures/pdfs')
const manifestPath = path.join(corpusDir, 'MANIFEST.json')
const hasCorpus = existsSync(manifestPath)
if (!hasCorpus) console.warn(`[emulator corpus] skipped: no MANIFEST.json in ${corpusDir} (set PDF_CORPUS_DIR to the real-PDF folder)`)
const manifest: readonly ManifestFile[] = hasCorpus ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: ManifestFile[] }).files : []

const KEY = 'corpus-spot-check'
const DPI = 150
/** Passwords pdf.js needs where poppler needs none (see the header). */
const PDFJS_PASSWORD: Readonly<Record<string, string>> = { 'r6-user-password.pdf': 'asdfzxcv' }

let emu: Emulator

async function api(route: string, json: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emu.baseUrl}${route}`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify(json),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function upload(file: string): Promise<string> {
  const res = await fetch(`${emu.baseUrl}/file/upload/get-presigned-url?name=${encodeURIComponent(file)}&contenttype=application/pdf`, {
    headers: { 'x-api-key': KEY },
  })
  const { presignedUrl, url } = (await res.json()) as { presignedUrl: string; url: string }
  const put = await fetch(presignedUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: readFileSync(path.join(corpusDir, file)) })
  expect(put.status).toBe(200)
  return url
}

function userUnit(file: string): number {
  const m = /\/UserUnit\s+([\d.]+)/.exec(readFileSync(path.join(corpusDir, file), 'latin1'))
  return m ? Number.parseFloat(m[1] as string) : 1
}

function expectedPx(p: ManifestPage, unit: number): [number, number] {
  const w = (p.widthPt * unit * DPI) / 72
  const h = (p.heightPt * unit * DPI) / 72
  return p.rotate === 90 || p.rotate === 270 ? [h, w] : [w, h]
}

describe.skipIf(!hasCorpus)('emulator on the real-PDF corpus', () => {
  beforeAll(async () => {
    emu = await startEmulator({ apiKey: KEY, dpi: DPI })
  })
  afterAll(async () => {
    await emu?.close()
  })

  for (const f of manifest) {
    if (f.opensInPoppler === false || f.pages === null) {
      it(`${f.file}: damaged → 442`, async () => {
        const r = await api('/pdf/convert/to/png', { url: await upload(f.file), pages: '0' })
        expect(r).toMatchObject({ status: 400, body: { error: true, errorCode: 442 } })
      })
      continue
    }
    const count = f.pages
    const first = f.firstPages?.[0]
    it(`${f.file}: ${count} pages; first page ${first ? `${first.widthPt}x${first.heightPt} pt /Rotate ${first.rotate}` : ''}`, async () => {
      const url = await upload(f.file)
      const password = f.userPassword ?? PDFJS_PASSWORD[f.file]
      const withPassword = password === undefined ? {} : { password }
      if (f.userPassword !== undefined) {
        expect((await api('/pdf/convert/to/png', { url, pages: '0' })).body).toMatchObject({ error: true, errorCode: 441 })
        expect((await api('/pdf/convert/to/png', { url, pages: '0', password: 'not-the-password' })).body).toMatchObject({ errorCode: 441 })
      } else if (password !== undefined) {
        const bare = await api('/pdf/convert/to/png', { url, pages: '0' })
        expect(bare.body['error'] === false || bare.body['errorCode'] === 441).toBe(true)
      }
      const past = await api('/pdf/convert/to/png', { url, pages: String(count), ...withPassword })
      expect(past.body, 'index N is past the end').toMatchObject({ error: true, errorCode: 449 })
      const r = await api('/pdf/convert/to/png', { url, pages: `!${count - 1}`, ...withPassword })
      expect(r.body, '!(N-1) is the first page').toMatchObject({ error: false, pageCount: 1 })
      if (first === undefined) return
      const image = Buffer.from(await (await fetch((r.body['urls'] as string[])[0] as string)).arrayBuffer())
      const meta = await sharp(image).metadata()
      const [w, h] = expectedPx(first, userUnit(f.file))
      expect(Math.abs((meta.width as number) - w), `width ${meta.width} vs ${w.toFixed(1)}`).toBeLessThanOrEqual(1)
      expect(Math.abs((meta.height as number) - h), `height ${meta.height} vs ${h.toFixed(1)}`).toBeLessThanOrEqual(1)
      const stats = await sharp(image).stats()
      expect(stats.channels[0]?.min, 'the page is not blank').toBeLessThan(250)
    })
  }
})
