import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  collisionVariant,
  fitFileName,
  MAX_FILE_NAME_BYTES,
  multiPageFileName,
  outputFileName,
  padPage,
  resolveCollision,
  sanitizeFileName,
  sourceStem,
} from '../../../../electron/files/output-names.ts'

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')

describe('outputFileName', () => {
  it('pads the 1-based page to the width of the page count', () => {
    expect(outputFileName('/x/tracemonkey.pdf', 2, 14, 'png')).toBe('tracemonkey-02.png')
    expect(outputFileName('/x/tracemonkey.pdf', 14, 14, 'jpg')).toBe('tracemonkey-14.jpg')
    expect(outputFileName('/x/a.pdf', 3, 4, 'webp')).toBe('a-3.webp')
    expect(outputFileName('/x/a.pdf', 7, 241, 'tiff')).toBe('a-007.tif')
    expect(outputFileName('/x/a.pdf', 1, 1, 'png')).toBe('a-1.png')
    expect(padPage(5, 1000)).toBe('0005')
  })
  it('strips .pdf in any case and accepts Windows separators', () => {
    expect(outputFileName('C:\\docs\\Report.PDF', 1, 9, 'png')).toBe('Report-1.png')
    expect(sourceStem('/a/b/archive.tar.pdf')).toBe('archive.tar')
    expect(sourceStem('/a/b/noext')).toBe('noext')
  })
  it('replaces illegal characters and control characters', () => {
    expect(sanitizeFileName('a<b>c:d"e/f\\g|h?i*j')).toBe('a_b_c_d_e_f_g_h_i_j')
    expect(sanitizeFileName('tab\there\u0001\u007f')).toBe('tab_here__')
    expect(outputFileName('/x/what?.pdf', 1, 2, 'png')).toBe('what_-1.png')
  })
  it('drops trailing dots and spaces', () => {
    expect(sanitizeFileName('name. . ')).toBe('name')
    expect(sourceStem('/x/...pdf')).toBe('document')
    expect(sourceStem('/x/ .pdf')).toBe('document')
  })
  it('prefixes Windows reserved device names, with or without extension, any case', () => {
    for (const n of ['CON', 'prn', 'Aux', 'nul', 'COM1', 'com9', 'LPT1', 'lpt9', 'COM¹']) {
      expect(sanitizeFileName(n)).toBe(`_${n}`)
    }
    expect(sanitizeFileName('con.png')).toBe('_con.png')
    expect(sanitizeFileName('CONSOLE')).toBe('CONSOLE')
    expect(sanitizeFileName('COM10')).toBe('COM10')
    // "con-1.png" is a legal name: the reserved check applies to the whole base before the first dot
    expect(outputFileName('/x/con.pdf', 1, 2, 'png')).toBe('con-1.png')
  })
  it('keeps non-ASCII characters, NFC-normalised', () => {
    const nfd = 'Cafe\u0301 résumé 日本語'
    const name = outputFileName(`/x/${nfd}.pdf`, 1, 3, 'png')
    expect(name).toBe('Caf\u00e9 résumé 日本語-1.png')
    expect(name.normalize('NFC')).toBe(name)
  })
  it('limits names to 255 UTF-8 bytes, keeping the page and extension, never splitting characters', () => {
    const long = 'é'.repeat(300)
    const name = outputFileName(`/x/${long}.pdf`, 12, 14, 'webp')
    expect(bytes(name)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES)
    expect(name.endsWith('-12.webp')).toBe(true)
    expect(name).not.toContain('\ufffd')
    const emoji = '😀'.repeat(100)
    const e = fitFileName(emoji, '-1.png')
    expect(bytes(e)).toBeLessThanOrEqual(255)
    expect([...e.replace('-1.png', '')].every((c) => c === '😀')).toBe(true)
  })
  it('collision variants go before the extension and stay within the limit', () => {
    expect(collisionVariant('a-02.png', 1)).toBe('a-02.png')
    expect(collisionVariant('a-02.png', 2)).toBe('a-02 (2).png')
    expect(collisionVariant('noext', 3)).toBe('noext (3)')
    const long = `${'x'.repeat(251)}.png`
    const v = collisionVariant(long, 12)
    expect(bytes(v)).toBeLessThanOrEqual(255)
    expect(v.endsWith(' (12).png')).toBe(true)
  })
  it('multi-page TIFF names', () => {
    expect(multiPageFileName('/x/doc.pdf', [1, 2, 3, 4], 4, 'tiff')).toBe('doc.tif')
    expect(multiPageFileName('/x/doc.pdf', [2], 14, 'tiff')).toBe('doc-02.tif')
    expect(multiPageFileName('/x/doc.pdf', [2, 3, 4], 14, 'tiff')).toBe('doc-02-04.tif')
  })
})

describe('resolveCollision', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'names-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  it('never overwrites: adds (2), (3) … and claims the name', async () => {
    await writeFile(path.join(dir, 'a-1.png'), 'old')
    const first = await resolveCollision(dir, 'a-1.png', false)
    expect(path.basename(first)).toBe('a-1 (2).png')
    const second = await resolveCollision(dir, 'a-1.png', false)
    expect(path.basename(second)).toBe('a-1 (3).png')
    expect((await readdir(dir)).sort()).toEqual(['a-1 (2).png', 'a-1 (3).png', 'a-1.png'])
  })
  it('returns the plain name with overwrite and claims nothing', async () => {
    await writeFile(path.join(dir, 'a-1.png'), 'old')
    expect(path.basename(await resolveCollision(dir, 'a-1.png', true))).toBe('a-1.png')
    expect(await readdir(dir)).toEqual(['a-1.png'])
  })
  it('concurrent claims never get the same name', async () => {
    const claimed = await Promise.all(Array.from({ length: 20 }, () => resolveCollision(dir, 'p-1.png', false)))
    expect(new Set(claimed).size).toBe(20)
  })
  it('reports a missing folder as file/write-failed', async () => {
    await expect(resolveCollision(path.join(dir, 'nope'), 'a.png', false)).rejects.toMatchObject({ code: 'file/write-failed' })
  })
})

describe('reserved names in whole output names', () => {
  it('a whole-document TIFF of con.pdf is renamed', () => {
    expect(multiPageFileName('/x/con.pdf', [1], 1, 'tiff')).toBe('_con.tif')
    expect(multiPageFileName('/x/NUL.pdf', [1, 2], 2, 'tiff')).toBe('_NUL.tif')
  })
})
