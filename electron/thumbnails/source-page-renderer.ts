/**
 * Renders a source PDF page to a PNG of a given width, for `pdf-thumb://page/<fileId>/<page>`
 * (the page picker), on the local engine's render workers (PDFium in worker threads), never on the
 * main process's thread. The workers keep the last PDF open, so consecutive pages of one file are
 * cheap; waiting for a worker is fair with running conversions.
 */
import type { LocalEngine } from '../engines/local/local-engine.ts'
import type { SourcePageRenderer } from './thumbnail-service.ts'

/** A source-page renderer that can release what it holds. */
export interface ClosableSourcePageRenderer extends SourcePageRenderer {
  /** Releases nothing of its own (the engine owns the workers); kept for callers that close it. */
  close(): Promise<void>
}

/** Options of {@link createSourcePageRenderer}. */
export interface SourcePageRendererOptions {
  /** The engine whose workers render (called at render time, so it may be created later). */
  readonly engine: () => Pick<LocalEngine, 'renderPageImage'>
}

/**
 * Creates a renderer reading registered files through `resolve` (path + password; undefined = unknown).
 *
 * @throws Error 'unknown file' for an unknown id; the engine's errors (FileError, InputError).
 */
export function createSourcePageRenderer(
  resolve: (fileId: string) => { readonly path: string; readonly password?: string | undefined } | undefined,
  options: SourcePageRendererOptions,
): ClosableSourcePageRenderer {
  const render = async (fileId: string, page: number, widthPx: number): Promise<Buffer> => {
    const file = resolve(fileId)
    if (file === undefined) throw new Error('unknown file')
    const image = await options.engine().renderPageImage({
      sourcePath: file.path,
      ...(file.password === undefined ? {} : { password: file.password }),
      page,
      widthPx,
      format: 'png',
    })
    return image.data
  }
  return Object.assign(render, { close: async () => undefined })
}
