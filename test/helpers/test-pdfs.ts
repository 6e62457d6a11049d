/**
 * Small PDFs for the main-process tests (pdf-lib for plain ones, pdfkit for password-protected).
 */
import { writeFile } from 'node:fs/promises'
import PDFDocument from 'pdfkit'
import { PDFDocument as LibDocument, StandardFonts } from 'pdf-lib'

/** A PDF with `pageCount` A6 pages, each labelled; `label` makes the content unique. */
export async function makePdfBytes(pageCount: number, label = 'test'): Promise<Uint8Array> {
  const doc = await LibDocument.create()
  const font = await doc.embedFont(StandardFonts.Helvetica)
  for (let i = 1; i <= pageCount; i++) {
    const page = doc.addPage([298, 420])
    page.drawText(`${label} page ${i}`, { x: 30, y: 380, size: 18, font })
  }
  return doc.save()
}

/** Writes {@link makePdfBytes} to `filePath`. */
export async function writePdf(filePath: string, pageCount: number, label = filePath): Promise<string> {
  await writeFile(filePath, await makePdfBytes(pageCount, label))
  return filePath
}

/** Writes a password-protected PDF (user password `password`). */
export async function writeEncryptedPdf(filePath: string, password: string, pageCount = 2): Promise<string> {
  const doc = new PDFDocument({ userPassword: password, ownerPassword: `${password}-owner`, size: 'A6', autoFirstPage: false })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()))
  for (let i = 1; i <= pageCount; i++) {
    doc.addPage()
    doc.text(`secret page ${i}`)
  }
  doc.end()
  await done
  await writeFile(filePath, Buffer.concat(chunks))
  return filePath
}
