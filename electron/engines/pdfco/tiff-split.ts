/**
 * Splits PDF.co's multi-page TIFF (one per job: PDF.co's TIFF conversion returns one file) into one TIFF per page, on
 * this computer, for the "one file per page" TIFF layout. Each page is decoded with sharp
 * (`sharp(file, { page: i })`) and written LZW-compressed with the resolution it carried, into a
 * temp file next to its final name (`files/atomic-write.ts` names): the publisher then commits
 * them in page order like any other page.
 */
import { rm } from 'node:fs/promises'
import { loadSharp } from '../../util/load-sharp.ts'
import { CancelledError, PdfCoError } from '../../errors.ts'

/** One page cut out of a multi-page TIFF. */
export interface SplitPage {
  /** 1-based page number in the PDF. */
  readonly page: number
  /** Temp file holding the page's own TIFF. */
  readonly tempPath: string
}

/**
 * Writes each page of `multiPagePath` to its temp file.
 *
 * @param targets the PDF's pages in the file's order, with the temp path each goes to.
 * @param signal stops between pages (CancelledError); temp files written so far are removed.
 * @returns the pages written, in order.
 * @throws PdfCoError 'pdfco/bad-response' (retryable) when the file's page count differs from
 *   `targets.length` or a page cannot be decoded; nothing is left behind then.
 */
export async function splitTiffPages(multiPagePath: string, targets: readonly SplitPage[], signal: AbortSignal): Promise<SplitPage[]> {
  const written: SplitPage[] = []
  try {
    const sharp = await loadSharp()
    const meta = await sharp(multiPagePath).metadata()
    const pages = meta.pages ?? 1
    if (pages !== targets.length) {
      throw new PdfCoError('pdfco/bad-response', `PDF.co's TIFF holds ${pages} page(s) for ${targets.length} requested`, { retryable: true })
    }
    // sharp's density is pixels per inch; TIFF resolution is given in pixels per mm.
    const resolution = meta.density === undefined ? {} : { xres: meta.density / 25.4, yres: meta.density / 25.4 }
    for (const [i, target] of targets.entries()) {
      if (signal.aborted) throw new CancelledError()
      written.push(target)
      await sharp(multiPagePath, { page: i })
        .tiff({ compression: 'lzw', predictor: 'horizontal', ...resolution })
        .toFile(target.tempPath)
    }
    return written
  } catch (err) {
    await Promise.all(written.map((w) => rm(w.tempPath, { force: true }).catch(() => undefined)))
    if (err instanceof PdfCoError || err instanceof CancelledError) throw err
    throw new PdfCoError('pdfco/bad-response', `PDF.co's TIFF could not be split into pages: ${(err as Error).message}`, { cause: err, retryable: true })
  }
}
