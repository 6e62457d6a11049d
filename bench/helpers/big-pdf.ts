/**
 * The benchmarks' big PDF: the tests' padded PDF generator (`makePaddedPdf` in
 * test/helpers/make-pdf.ts) with random, incompressible padding, streamed to disk (never held in
 * memory) with a correct xref, so pdf.js opens it by reading only the trailer and a few objects.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { makePaddedPdf } from '../../test/helpers/make-pdf.ts'

/** Writes the file at `file` (about `sizeBytes`) and returns its exact size in bytes. */
export async function writeBigPdf(file: string, sizeBytes: number): Promise<number> {
  await makePaddedPdf(path.dirname(file), path.basename(file), sizeBytes, { random: true })
  return (await stat(file)).size
}
