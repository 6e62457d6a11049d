/**
 * Thumbnails of the app: output images and source pages, served by id through the thumbnail
 * protocol (`pdf-thumb://`, or the harness's HTTP base).
 */
import path from 'node:path'
import type { LocalEngine } from '../engines/local/local-engine.ts'
import type { Logger } from '../log/logger.ts'
import type { FileRegistry } from '../registry/file-registry.ts'
import type { OutputRegistry } from '../registry/output-registry.ts'
import { createThumbnailProtocolHandler } from '../thumbnails/protocol.ts'
import { createSourcePageRenderer } from '../thumbnails/source-page-renderer.ts'
import { createThumbnailService, type ThumbnailService } from '../thumbnails/thumbnail-service.ts'

/** The thumbnail service, its protocol handler, and `close()` for the source-page renderer. */
export interface AppThumbnails {
  readonly service: ThumbnailService
  /** Request → Response: 404 unknown id, 400 bad width or page, 200 image/png. */
  readonly handleRequest: (request: Request) => Promise<Response>
  close(): Promise<void>
}

/** Builds the thumbnails over the registries; the cache lives in `<userDataDir>/thumbs`. */
export function createThumbnails(deps: {
  readonly userDataDir: string
  readonly thumbUrlBase: string
  readonly files: FileRegistry
  readonly outputs: OutputRegistry
  readonly logger: Logger
  /** The engine whose render workers draw source pages (PDFium, never on main's thread). */
  readonly localEngine: () => Pick<LocalEngine, 'renderPageImage'>
}): AppThumbnails {
  const { files, outputs, logger } = deps
  const renderSourcePage = createSourcePageRenderer((id) => files.get(id), { engine: deps.localEngine })
  const service = createThumbnailService({
    cacheDir: path.join(deps.userDataDir, 'thumbs'),
    resolveOutput: (id) => outputs.get(id),
    resolveSourceFile: (id) => files.get(id),
    renderSourcePage,
    logger: logger.child('thumbs'),
  })
  const handleRequest = createThumbnailProtocolHandler({ base: deps.thumbUrlBase, service, logger: logger.child('thumbs') })
  return { service, handleRequest, close: () => renderSourcePage.close() }
}
