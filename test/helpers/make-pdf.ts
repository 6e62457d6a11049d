/**
 * Generated PDFs for tests (pdf-lib, pdfkit): sized pages with big visible page numbers, rotated
 * pages, password-protected and damaged files, a non-PDF, and a padded "huge" PDF streamed to disk.
 *
 * Every function writes into the given folder and returns the file's absolute path.
 */
import { randomFillSync } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { once } from 'node:events'
import { degrees, PDFDocument, rgb, StandardFonts } from 'pdf-lib'
import PDFKit from 'pdfkit'

/** One page to generate: size in points (1/72 inch) before /Rotate, and its /Rotate. */
export interface PageSpec {
  readonly widthPt: number
  readonly heightPt: number
  /** 0, 90, 180 or 270; default 0. */
  readonly rotate?: number
}

/** US Letter, portrait (612 x 792 pt). */
export const LETTER: PageSpec = { widthPt: 612, heightPt: 792 }
/** A4, portrait (595.28 x 841.89 pt). */
export const A4: PageSpec = { widthPt: 595.28, heightPt: 841.89 }

/**
 * Writes a PDF whose pages follow `pages`, each showing its 1-based number in large type and a
 * black frame at the edge (so renders are never blank). The file name is its /Title, so two files
 * made with different names never have the same bytes (pdf-lib's output otherwise depends only
 * on the pages and the creation second, and the app refuses identical content as a duplicate).
 */
export async function makePdf(dir: string, name: string, pages: readonly PageSpec[]): Promise<string> {
  const doc = await PDFDocument.create()
  doc.setTitle(name)
  const font = await doc.embedFont(StandardFonts.Helvetica)
  pages.forEach((spec, i) => {
    const page = doc.addPage([spec.widthPt, spec.heightPt])
    if (spec.rotate) page.setRotation(degrees(spec.rotate))
    const size = Math.max(6, Math.min(spec.widthPt, spec.heightPt) / 3)
    const label = String(i + 1)
    page.drawRectangle({ x: 1, y: 1, width: spec.widthPt - 2, height: spec.heightPt - 2, borderColor: rgb(0, 0, 0), borderWidth: 2 })
    page.drawText(label, {
      x: spec.widthPt / 2 - font.widthOfTextAtSize(label, size) / 2,
      y: spec.heightPt / 2 - size / 3,
      size,
      font,
      color: rgb(0, 0, 0),
    })
  })
  const file = path.join(dir, name)
  await writeFile(file, await doc.save())
  return file
}

/** Writes a PDF of `count` pages of one size (default US Letter). */
export function makePagesPdf(dir: string, name: string, count: number, spec: PageSpec = LETTER): Promise<string> {
  return makePdf(dir, name, Array.from({ length: count }, () => spec))
}

/**
 * Writes a 4-page PDF of 200 x 100 pt pages with /Rotate 0, 90, 180, 270 (displayed sizes
 * 200x100, 100x200, 200x100, 100x200 pt).
 */
export function makeRotatedPdf(dir: string, name = 'rotated.pdf'): Promise<string> {
  return makePdf(
    dir,
    name,
    [0, 90, 180, 270].map((rotate) => ({ widthPt: 200, heightPt: 100, rotate })),
  )
}

/**
 * Writes an encrypted PDF with pdfkit (AES-128, PDF 1.7ext3 → AES-256 when `aes256`).
 *
 * With `userPassword` the PDF needs it to open; with only `ownerPassword` it opens without a
 * password but is still encrypted (has /Encrypt).
 */
export async function makeEncryptedPdf(
  dir: string,
  name: string,
  options: { readonly userPassword?: string; readonly ownerPassword?: string; readonly pages?: number; readonly aes256?: boolean },
): Promise<string> {
  const file = path.join(dir, name)
  const doc = new PDFKit({
    autoFirstPage: false,
    pdfVersion: options.aes256 ? '1.7ext3' : '1.6',
    ...(options.userPassword === undefined ? {} : { userPassword: options.userPassword }),
    ownerPassword: options.ownerPassword ?? `${options.userPassword ?? ''}-owner`,
  })
  const out = createWriteStream(file)
  doc.pipe(out)
  for (let i = 1; i <= (options.pages ?? 1); i++) {
    doc.addPage({ size: [LETTER.widthPt, LETTER.heightPt], margin: 0 })
    doc.fontSize(200).text(String(i), 0, 300, { width: LETTER.widthPt, align: 'center' })
  }
  doc.end()
  await once(out, 'finish')
  return file
}

/**
 * Writes a file that starts like a PDF but has no objects, xref or trailer: pdf.js (and poppler)
 * cannot open it.
 */
export async function makeDamagedPdf(dir: string, name = 'damaged.pdf'): Promise<string> {
  const file = path.join(dir, name)
  const junk = Buffer.alloc(4096, 0x5a)
  await writeFile(file, Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), junk, Buffer.from('\n%%EOF\n')]))
  return file
}

/** Writes a non-PDF (plain text) file with a `.pdf` name. */
export async function makeNotPdf(dir: string, name = 'not-a-pdf.pdf'): Promise<string> {
  const file = path.join(dir, name)
  await writeFile(file, 'This is plain text, not a PDF.\n'.repeat(20))
  return file
}

/**
 * Streams a valid one-page Letter PDF padded to about `sizeBytes` with an unused stream object
 * (zeros, or random bytes that no transport can compress), without holding it in memory: for
 * upload-size and memory tests and benchmarks (PDF 32000-1 §7.5.4: an object listed in the xref
 * need not be referenced).
 */
export async function makePaddedPdf(dir: string, name: string, sizeBytes: number, options: { random?: boolean } = {}): Promise<string> {
  const file = path.join(dir, name)
  const out = createWriteStream(file)
  let offset = 0
  const offsets: number[] = []
  const write = async (data: string | Buffer): Promise<void> => {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    offset += buf.length
    if (!out.write(buf)) await once(out, 'drain')
  }
  const object = async (n: number, body: string): Promise<void> => {
    offsets[n] = offset
    await write(`${n} 0 obj\n${body}\nendobj\n`)
  }
  await write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
  await object(1, '<< /Type /Catalog /Pages 2 0 R >>')
  await object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>')
  await object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>')
  const content = 'BT /F1 200 Tf 230 320 Td (1) Tj ET'
  await object(4, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`)
  await object(5, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>')
  const padBytes = Math.max(0, sizeBytes - 1024)
  offsets[6] = offset
  await write(`6 0 obj\n<< /Length ${padBytes} >>\nstream\n`)
  const chunkBytes = options.random === true ? 4 * 1024 * 1024 : 1024 * 1024
  const zeros = Buffer.alloc(Math.min(padBytes, chunkBytes))
  for (let left = padBytes; left > 0; left -= chunkBytes) {
    const size = Math.min(chunkBytes, left)
    // Random chunks are fresh buffers: the stream may still hold the previous one.
    await write(options.random === true ? randomFillSync(Buffer.allocUnsafe(size)) : zeros.subarray(0, size))
  }
  await write('\nendstream\nendobj\n')
  const xrefAt = offset
  let xref = `xref\n0 7\n0000000000 65535 f \n`
  for (let n = 1; n <= 6; n++) xref += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`
  await write(`${xref}trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`)
  out.end()
  await once(out, 'finish')
  return file
}
