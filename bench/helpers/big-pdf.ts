/**
 * Writes a valid one-page PDF of about `sizeBytes` by streaming (never holding it in memory): a
 * normal small page plus one unreferenced stream object of random (incompressible) bytes, and a
 * correct xref table, so pdf.js opens it by reading the trailer/xref and the few small objects
 * (PDF 32000-1 §7.5.4: an object listed in the xref need not be referenced).
 */
import { randomFillSync } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

/** Writes the file at `file` and returns its exact size in bytes. */
export async function writeBigPdf(file: string, sizeBytes: number): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 })
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
  const padBytes = Math.max(0, sizeBytes - offset - 200)
  offsets[6] = offset
  await write(`6 0 obj\n<< /Length ${padBytes} >>\nstream\n`)
  const chunkBytes = 4 * 1024 * 1024
  for (let left = padBytes; left > 0; left -= chunkBytes) {
    // A fresh buffer each time: the stream may still hold the previous one.
    const chunk = randomFillSync(Buffer.allocUnsafe(Math.min(chunkBytes, left)))
    await write(chunk)
  }
  await write('\nendstream\nendobj\n')
  const xrefAt = offset
  let xref = `xref\n0 7\n0000000000 65535 f \n`
  for (let n = 1; n <= 6; n++) xref += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`
  await write(`${xref}trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`)
  out.end()
  await once(out, 'finish')
  return offset
}
