/**
 * Entry of a render worker thread (worker_threads), started by `worker-pool.ts`.
 *
 * Invariant: one request at a time, in arrival order, and at most one open PDF; the main thread
 * opens, measures, renders page by page and closes. Replies carry the request id; errors are
 * serialized (`protocol.ts`). Nothing here writes files: encoded pages go back to the main thread,
 * which owns temp files and can therefore clean up even after terminating this thread.
 *
 * Bundling: this file must be emitted as its own entry named `render-worker.js` next to the
 * bundle that contains `local-engine.ts` (see `worker-pool.ts`, `resolveRenderWorkerEntry`).
 */
import { parentPort } from 'node:worker_threads'
import sharp from 'sharp'
import { openPdfDocument, type OpenedPdf } from '../render/rasterize.ts'
import { measurePages, renderPlannedPage, uniqueWarnings } from './page-render.ts'
import { serializeError, type WorkerCalls, type WorkerReplyMessage, type WorkerRequestMessage } from './protocol.ts'

const port = parentPort
if (port === null) throw new Error('render-worker.ts must run in a worker thread')

// No libvips operation cache: every page is new, and the cache would only hold memory.
sharp.cache(false)

let opened: OpenedPdf | undefined
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
      await closeDocument()
      const { sourcePath, password, assetsDir } = message.payload
      opened = await openPdfDocument(sourcePath, {
        ...(password === undefined || password === '' ? {} : { password }),
        ...(assetsDir === undefined ? {} : { assetsDir }),
      })
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

async function closeDocument(): Promise<void> {
  const doc = opened
  opened = undefined
  await doc?.close().catch(() => undefined)
}
