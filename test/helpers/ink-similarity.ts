/**
 * Ink similarity of two renders of the same page, for comparing the local engine with pdftoppm:
 * both images scaled to `widthPx` wide greyscale; a cell is ink when darker than 250; returns the
 * intersection over union of the ink cells, the correlation of the grey values, and the recall:
 * the share of the reference's ink cells that are ink in ours too.
 */
import sharp from 'sharp'

async function greyCells(file: string, widthPx: number, heightPx: number): Promise<Buffer> {
  return sharp(file).flatten({ background: '#ffffff' }).greyscale().resize(widthPx, heightPx, { fit: 'fill', kernel: 'linear' }).raw().toBuffer()
}

export function correlation(a: Buffer, b: Buffer): number {
  let sa = 0
  let sb = 0
  let sab = 0
  let saa = 0
  let sbb = 0
  const n = a.length
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    sa += x
    sb += y
    sab += x * y
    saa += x * x
    sbb += y * y
  }
  const cov = sab / n - (sa / n) * (sb / n)
  const varA = saa / n - (sa / n) ** 2
  const varB = sbb / n - (sb / n) ** 2
  if (varA === 0 && varB === 0) return 1
  return cov / Math.sqrt(varA * varB)
}

/** Ink similarity of two renders of the same page (see the module comment). */
export async function inkSimilarity(ours: string, reference: string, widthPx = 64): Promise<{ iou: number; correlation: number; recall: number }> {
  const meta = await sharp(reference).metadata()
  const heightPx = Math.max(1, Math.round((widthPx * (meta.height ?? 1)) / (meta.width ?? 1)))
  const a = await greyCells(ours, widthPx, heightPx)
  const b = await greyCells(reference, widthPx, heightPx)
  let both = 0
  let either = 0
  let reference_ = 0
  for (let i = 0; i < a.length; i++) {
    const inkA = (a[i] ?? 255) < 250
    const inkB = (b[i] ?? 255) < 250
    if (inkA && inkB) both++
    if (inkA || inkB) either++
    if (inkB) reference_++
  }
  return { iou: either === 0 ? 1 : both / either, correlation: correlation(a, b), recall: reference_ === 0 ? 1 : both / reference_ }
}

