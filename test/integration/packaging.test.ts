/**
 * Packaging: `electron-builder --dir --linux` with electron-builder.yml against a stand-in Electron
 * folder (Electron cannot be downloaded here), then checks what a user would get: the bundles
 * inside app.asar, the native addons and pdf.js data folders unpacked next to it, the renderer's
 * libraries left out, and the Electron fuses flipped in the executable.
 */
import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { fallbackFontFiles } from '../../electron/render/pdfium-fonts.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, ROOT } from '../helpers/boot/build.ts'

const exec = promisify(execFile)
const require = createRequire(import.meta.url)
const asar = require('@electron/asar') as { listPackage(archive: string, options: { isPack: boolean }): string[]; extractFile(archive: string, file: string): Buffer }
/** @electron/fuses sentinel; the fuse wire follows it (version byte, length byte, one byte per fuse). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const FUSES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
] as const

let dir: string
let unpacked: string
let files: string[]

async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = path.join(rel, entry.name)
    if (entry.isDirectory()) out.push(...(await walk(root, child)))
    else out.push(child.split(path.sep).join('/'))
  }
  return out
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'packaging-'))
  await ensureBuilt()
  // The stand-in Electron: an executable holding a fuse wire (all fuses on), a locale, a licence.
  const electronDist = path.join(dir, 'electron-dist')
  await mkdir(path.join(electronDist, 'locales'), { recursive: true })
  await mkdir(path.join(electronDist, 'resources'), { recursive: true })
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in electron"\nexit 0\n'),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, FUSES.length]),
    Buffer.from('1'.repeat(FUSES.length)),
  ])
  await writeFile(path.join(electronDist, 'electron'), binary)
  await chmod(path.join(electronDist, 'electron'), 0o755)
  await writeFile(path.join(electronDist, 'locales', 'en-US.pak'), '')
  await writeFile(path.join(electronDist, 'LICENSE'), 'Electron licence (stand-in)')

  const output = path.join(dir, 'release')
  await exec(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'electron-builder', 'cli.js'),
      '--dir',
      '--linux',
      '--x64',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${output}`,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false', ELECTRON_BUILDER_OFFLINE: '1' },
      maxBuffer: 32 * 1024 * 1024,
      timeout: 150_000,
    },
  )
  unpacked = path.join(output, 'linux-unpacked')
  files = asar.listPackage(path.join(unpacked, 'resources', 'app.asar'), { isPack: false }).map((f) => f.replace(/\\/g, '/'))
}, 180_000)
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('electron-builder --dir --linux', () => {
  it('puts the renderer, main and preload bundles and package.json into app.asar', async () => {
    for (const f of ['/dist/index.html', '/dist-electron/main.js', '/dist-electron/preload.cjs', '/package.json']) expect(files).toContain(f)
    expect(files.some((f) => /^\/dist\/assets\/.+\.js$/.test(f))).toBe(true)
    const pkg = JSON.parse(asar.extractFile(path.join(unpacked, 'resources', 'app.asar'), 'package.json').toString('utf8')) as Record<string, unknown>
    expect(pkg).toMatchObject({ main: 'dist-electron/main.js', type: 'module', productName: 'PDF to Image' })
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([])
  })

  it('ships the runtime dependencies main needs, not the renderer libraries Vite already bundled', () => {
    for (const dep of ['zod', 'p-limit', '@embedpdf/pdfium', 'sharp']) expect(files.some((f) => f.startsWith(`/node_modules/${dep}/`))).toBe(true)
    expect(files).toContain('/node_modules/@embedpdf/pdfium/dist/index.js')
    // pdf.js and the native canvas belong to the PDF.co emulator (tests), not to the product.
    for (const dep of ['react', 'react-dom', 'zustand', '@tanstack/react-virtual', 'pdfjs-dist', '@napi-rs/canvas']) {
      expect(files.some((f) => f.startsWith(`/node_modules/${dep}/`))).toBe(false)
    }
  })

  it("unpacks the native addons (sharp), PDFium's WASM and the fallback fonts from the asar", async () => {
    const outside = await walk(path.join(unpacked, 'resources', 'app.asar.unpacked'))
    const natives = outside.filter((f) => f.endsWith('.node'))
    expect(natives.some((f) => f.startsWith('node_modules/@img/sharp-') && f.endsWith('.node'))).toBe(true)
    expect(outside.some((f) => f.startsWith('node_modules/@img/sharp-libvips-') && /libvips/.test(f))).toBe(true)
    expect(outside).toContain('node_modules/@embedpdf/pdfium/dist/pdfium.wasm')
    // Every font file the fallback maps to, and no other weight.
    const fonts = outside.filter((f) => f.startsWith('node_modules/@embedpdf/fonts-')).sort()
    const wanted = fallbackFontFiles().map(({ pkg, file }) => `node_modules/${pkg}/fonts/${file}`).sort()
    expect(fonts).toEqual(wanted)
  })

  it('renames the executable, keeps the Electron licence and flips the fuses', async () => {
    const exe = path.join(unpacked, 'pdf-to-image')
    expect((await stat(exe)).mode & 0o111).not.toBe(0)
    expect(await readFile(path.join(unpacked, 'LICENSE.electron.txt'), 'utf8')).toContain('stand-in')
    const binary = await readFile(exe)
    const at = binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length
    const state = Object.fromEntries(FUSES.map((name, i) => [name, String.fromCharCode(binary[at + 2 + i]!)]))
    expect(state).toMatchObject({
      RunAsNode: '0',
      EnableCookieEncryption: '1',
      EnableNodeOptionsEnvironmentVariable: '0',
      EnableNodeCliInspectArguments: '0',
      EnableEmbeddedAsarIntegrityValidation: '1',
      OnlyLoadAppFromAsar: '1',
      GrantFileProtocolExtraPrivileges: '0',
    })
  })

  it('has an app icon of at least 512x512 in build/', async () => {
    const png = await readFile(path.join(ROOT, 'build', 'icon.png'))
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512)
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512)
  })
})
