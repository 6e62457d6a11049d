import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkImageBytes, checkImageFile } from '../../../../electron/pdfco/image-check.ts'
import type { OutputFormat } from '../../../../electron/shared/formats.ts'

let dir: string
const images = new Map<OutputFormat, Buffer>()

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'image-check-'))
  const base = sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 20, b: 90 } } })
  images.set('png', await base.clone().png().toBuffer())
  images.set('jpg', await base.clone().jpeg().toBuffer())
  images.set('webp', await base.clone().webp().toBuffer())
  images.set('tiff', await base.clone().tiff().toBuffer())
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('checkImageFile', () => {
  it.each(['png', 'jpg', 'webp', 'tiff'] as const)('a complete %s passes', async (format) => {
    const file = path.join(dir, `ok.${format}`)
    await writeFile(file, images.get(format)!)
    expect(await checkImageFile(file, format)).toEqual({ ok: true })
  })
  it.each(['png', 'jpg', 'webp', 'tiff'] as const)('half a %s fails with a reason', async (format) => {
    const bytes = images.get(format)!
    const file = path.join(dir, `half.${format}`)
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)))
    const check = await checkImageFile(file, format)
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.problem).toMatch(/truncated|cannot be decoded/)
  })
  it('the 8-byte PNG signature alone fails', () => {
    expect(checkImageBytes(images.get('png')!.subarray(0, 8), 'png')).toMatchObject({ ok: false, problem: /no IEND/ })
  })
  it('a PNG with one flipped byte fails its CRC check', () => {
    const bytes = Buffer.from(images.get('png')!)
    bytes[40] = (bytes[40] ?? 0) ^ 0xff
    expect(checkImageBytes(bytes, 'png')).toMatchObject({ ok: false, problem: /CRC/ })
  })
  it('another format than asked fails', () => {
    expect(checkImageBytes(images.get('jpg')!, 'png')).toMatchObject({ ok: false, problem: 'it is not a PNG image' })
  })
})
