/**
 * Small PDFs generated for the local engine's tests (pdf-lib, pdfkit), so the always-run tests
 * need no corpus. Each function returns the PDF bytes.
 */
import PDFKit from 'pdfkit'
import { degrees, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFString, StandardFonts, rgb, type PDFDict } from 'pdf-lib'

/** `pageCount` US Letter pages (612 x 792 pt) with "Page N" and a few lines of text each. */
export async function makeTextPdf(pageCount: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  const font = await doc.embedFont(StandardFonts.Helvetica)
  for (let n = 1; n <= pageCount; n++) {
    const page = doc.addPage([612, 792])
    page.drawText(`Page ${n}`, { x: 72, y: 700, size: 36, font })
    for (let line = 0; line < 30; line++) {
      page.drawText(`Line ${line + 1} of page ${n}: the quick brown fox jumps over the lazy dog.`, { x: 72, y: 650 - line * 18, size: 11, font })
    }
  }
  return doc.save()
}

/**
 * Three pages exercising geometry, displayed sizes in points:
 * 1. MediaBox 600 x 800 with CropBox 300 x 400 at (50, 100) → 300 x 400;
 * 2. MediaBox 400 x 200, /Rotate 90 inherited from the page tree root → 200 x 400;
 * 3. MediaBox 100 x 50 with /UserUnit 2 → 200 x 100.
 */
export async function makeGeometryPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  const font = await doc.embedFont(StandardFonts.Helvetica)
  const p1 = doc.addPage([600, 800])
  p1.setCropBox(50, 100, 300, 400)
  p1.drawText('cropped', { x: 100, y: 300, size: 24, font })
  p1.setRotation(degrees(0))
  const p2 = doc.addPage([400, 200])
  p2.drawText('rotated by the page tree', { x: 20, y: 100, size: 18, font })
  const p3 = doc.addPage([100, 50])
  p3.node.set(PDFName.of('UserUnit'), PDFNumber.of(2))
  p3.drawRectangle({ x: 10, y: 10, width: 80, height: 30, color: rgb(0, 0, 0) })
  p3.setRotation(degrees(0))
  doc.catalog.Pages().set(PDFName.of('Rotate'), PDFNumber.of(90))
  return doc.save()
}

/** One 200 x 200 pt page, empty but for a black 40 x 40 pt square in the middle. */
export async function makeSquarePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.addPage([200, 200]).drawRectangle({ x: 80, y: 80, width: 40, height: 40, color: rgb(0, 0, 0) })
  return doc.save()
}

/** One landscape page (300 x 150 pt) and one portrait page (150 x 300 pt). */
export async function makeMixedOrientationPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.addPage([300, 150]).drawRectangle({ x: 10, y: 10, width: 50, height: 50, color: rgb(0.2, 0.4, 0.8) })
  doc.addPage([150, 300]).drawRectangle({ x: 10, y: 10, width: 50, height: 50, color: rgb(0.8, 0.2, 0.2) })
  return doc.save()
}

/**
 * A second page that needs warnings: an image XObject with broken JPEG data and text in a
 * non-embedded, non-standard font (Georgia), which the renderer draws with a substitute.
 */
export async function makeWarningPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.addPage([200, 200])
  const page = doc.addPage([200, 200])
  const broken = PDFRawStream.of(
    doc.context.obj({ Type: 'XObject', Subtype: 'Image', Width: 10, Height: 10, ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'DCTDecode' }) as PDFDict,
    new Uint8Array([0xff, 0xd8, 1, 2, 3, 4]),
  )
  page.node.setXObject(PDFName.of('Im1'), doc.context.register(broken))
  // A TrueType font that is not embedded and not one of the 14 standard fonts: drawn with a substitute.
  const georgia = doc.context.obj({ Type: 'Font', Subtype: 'TrueType', BaseFont: 'Georgia', Encoding: 'WinAnsiEncoding' })
  page.node.setFontDictionary(PDFName.of('F9'), doc.context.register(georgia))
  page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.stream('q 100 0 0 100 10 10 cm /Im1 Do Q BT /F9 12 Tf (hi) Tj ET')))
  return doc.save()
}

/** A password-protected PDF (RC4/AES per pdfkit's default for PDF 1.3) with one text page. */
export function makePasswordPdf(userPassword: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFKit({ userPassword, ownerPassword: `${userPassword}-owner`, size: 'A4' })
    const chunks: Buffer[] = []
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    doc.fontSize(24).text('Secret page')
    doc.end()
  })
}

/** Bytes that start like a PDF but are not one. */
export function makeDamagedPdf(): Uint8Array {
  return new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ngarbage garbage\n%%EOF\n')
}

/**
 * A Letter page with "日本語テスト" in a non-embedded CID font (HeiseiMin-W3, Adobe-Japan1) through
 * the predefined Shift-JIS CMap 90ms-RKSJ-H: needs pdf.js' packed CMaps and a CJK system font.
 */
export async function makeCjkPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  const page = doc.addPage([612, 792])
  const ctx = doc.context
  const descriptor = ctx.register(
    ctx.obj({ Type: 'FontDescriptor', FontName: 'HeiseiMin-W3', Flags: 6, FontBBox: [0, -141, 1000, 859], ItalicAngle: 0, Ascent: 859, Descent: -141, CapHeight: 709, StemV: 80 }),
  )
  const cidFont = ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: 'HeiseiMin-W3',
      CIDSystemInfo: ctx.obj({ Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Japan1'), Supplement: 2 }),
      FontDescriptor: descriptor,
      DW: 1000,
    }),
  )
  const type0 = ctx.register(ctx.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: 'HeiseiMin-W3', Encoding: '90ms-RKSJ-H', DescendantFonts: [cidFont] }))
  page.node.setFontDictionary(PDFName.of('F1'), type0)
  // 日本語テスト in Shift-JIS.
  page.node.set(PDFName.of('Contents'), ctx.register(ctx.stream('BT /F1 36 Tf 72 700 Td <93FA967B8CEA836583588367> Tj ET')))
  return doc.save()
}
