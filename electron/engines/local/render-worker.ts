/**
 * Entry of a render worker thread (worker_threads), started by `worker-pool.ts`.
 *
 * Invariant: one request at a time, in arrival order, and at most one open PDF; the main thread
 * opens, measures and renders page by page. The PDF stays open after a conversion, so the next
 * conversion or page image of the same unchanged file skips parsing it again; opening another
 * file, `close`, or the pool ending an idle worker frees it. Replies carry the request id; errors are
 * serialized (`protocol.ts`). Nothing here writes files: encoded pages go back to the main thread,
 * which owns temp files and can therefore clean up even after terminating this thread.
 *
 * Bundling: this file must be emitted as its own entry named `render-worker.js` next to the
 * bundle that contains `local-engine.ts` (see `worker-pool.ts`, `resolveRenderWorkerEntry`).
 */
import { stat } from 'node:fs/promises'
import { parentPort } from 'node:worker_threads'
import sharp from 'sharp'
import { openPdfDocument, type OpenedPdf } from '../../render/rasterize.ts'
import { measurePages, renderPlannedPage, uniqueWarnings } from './page-render.ts'
import { serializeError, type WorkerCalls, type WorkerReplyMessage, type WorkerRequestMessage } from './protocol.ts'

const port = parentPort
if (port === null) throw new Error('render-worker.ts must run in a worker thread')

// No libvips operation cache: every page is new, and the cache would only hold memory.
sharp.cache(false)

let opened: OpenedPdf | undefined
/** Identity of the open PDF (path, password, assets, size, mtime): an `open` of the same is free. */
let openedKey: string | undefined
let chain: Promise<void> = Promise.resolve()

port.on('message', (message: WorkerRequestMessage) => {
  chain = chain.then(() => handle(message))
})

async function handle(message: WorkerRequestMessage): Promise<void> {
  let reply: WorkerReplyMessage
  try {
    reply = { id: message.id, ok: true, value: await run(message) }
  } catch (err) {
    reply = { id: message.id, ok: false, error: serializeError(err) }
  }
  port?.postMessage(reply)
}

async function run(message: WorkerRequestMessage): Promise<unknown> {
  switch (message.type) {
    case 'open': {
      const { sourcePath, password, assetsDir } = message.payload
      const key = await documentKey(sourcePath, password, assetsDir)
      if (opened !== undefined && key !== undefined && key === openedKey) {
        return { pageCount: opened.pageCount, warnings: [] } satisfies WorkerCalls['open']['reply']
      }
      await closeDocument()
      opened = await openPdfDocument(sourcePath, {
        ...(password === undefined || password === '' ? {} : { password }),
        ...(assetsDir === undefined ? {} : { assetsDir }),
      })
      openedKey = key
      return { pageCount: opened.pageCount, warnings: uniqueWarnings(opened.openWarnings) } satisfies WorkerCalls['open']['reply']
    }
    case 'measure':
      return (await measurePages(requireOpen(), message.payload.pages)) satisfies WorkerCalls['measure']['reply']
    case 'render': {
      const { data, warnings } = await renderPlannedPage(requireOpen(), message.payload.plan, message.payload.encode)
      return { data, warnings } satisfies WorkerCalls['render']['reply']
    }
    case 'close':
      await closeDocument()
      return {}
  }
}

function requireOpen(): OpenedPdf {
  if (opened === undefined) throw new Error('No PDF is open in this render worker')
  return opened
}

/** Same file, same content (size + mtime), same password and assets → same key; undefined if unreadable. */
async function documentKey(sourcePath: string, password: string | undefined, assetsDir: string | undefined): Promise<string | undefined> {
  const info = await stat(sourcePath).catch(() => undefined)
  return info === undefined ? undefined : JSON.stringify([sourcePath, password ?? '', assetsDir ?? '', info.size, info.mtimeMs])
}

async function closeDocument(): Promise<void> {
  const doc = opened
  opened = undefined
  openedKey = undefined
  await doc?.close().catch(() => undefined)
}
