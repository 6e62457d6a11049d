/**
 * Entry of a render worker thread (worker_threads), started by `worker-pool.ts`.
 *
 * Invariant: one request at a time, in arrival order, one PDFium instance per thread and at most
 * one open PDF; the main thread opens, measures and renders page by page. The PDF stays open after
 * a conversion, so the next conversion or page image of the same unchanged file skips parsing it
 * again; opening another file, `close`, or the pool ending an idle worker frees it. Replies carry
 * the request id; errors are serialized (`protocol.ts`). Nothing here writes files: encoded pages go
 * back to the main thread, which owns temp files and can therefore clean up even after terminating
 * this thread. When the PDFium instance dies (memory cap passed, abort), the thread replies with the
 * error and exits; the pool starts a fresh one on demand.
 *
 * Bundling: this file must be emitted as its own entry named `render-worker.js` next to the
 * bundle that contains `local-engine.ts` (see `worker-pool.ts`, `resolveRenderWorkerEntry`).
 */
import { stat } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { AppError } from '../../errors.ts'
import { loadSharp } from '../../util/load-sharp.ts'
import { checkPdfHeader } from '../../render/pdf-header.ts'
import { RenderSession } from './page-render.ts'
import { serializeError, type WorkerCalls, type WorkerReplyMessage, type WorkerRequestMessage } from './protocol.ts'
import { lowerHelperThreadPriority, lowerOwnThreadPriority } from './thread-priority.ts'

const port = parentPort
if (port === null) throw new Error('render-worker.ts must run in a worker thread')

/**
 * sharp, loaded before the first page is encoded (not at start: a worker that only reads page
 * counts and sizes never needs it), without libvips' operation cache: every page is new, and the
 * cache would only hold memory.
 */
let encoder: Promise<void> | undefined
const encoderReady = (): Promise<void> => (encoder ??= loadSharp().then((sharp) => void sharp.cache(false)))
// Drawing and encoding run below normal priority, so the window stays responsive while a
// conversion keeps every core busy (see thread-priority.ts).
lowerOwnThreadPriority()
/** When libvips' threads were last lowered (ms); they come and go, so this is repeated. */
let helpersLoweredAtMs = -Infinity

const { maxMemoryBytes, preloadEncoder } = (workerData as { maxMemoryBytes?: number; preloadEncoder?: boolean } | null) ?? {}
let session: Promise<RenderSession> | undefined
let chain: Promise<void> = Promise.resolve()

// Load PDFium as soon as the thread starts: a prestarted worker is then ready for its first page.
// A worker meant for drawing loads the encoder right after.
start()
  .then(() => (preloadEncoder === true ? encoderReady() : undefined))
  .catch(() => undefined)

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
  const current = await session?.catch(() => undefined)
  const dead = current?.deadReason !== undefined
  // A dead PDFium instance cannot be trusted again: say so before the reply (so the pool never
  // hands this thread out again), then end the thread (the pool replaces it).
  if (dead) port?.postMessage({ retire: true })
  port?.postMessage(reply)
  if (dead) setImmediate(() => process.exit(1))
}

function start(): Promise<RenderSession> {
  session ??= RenderSession.start(maxMemoryBytes).catch((err: unknown) => {
    session = undefined
    throw new AppError('internal', `The offline engine cannot start: ${err instanceof Error ? err.message : String(err)}`)
  })
  return session
}

async function run(message: WorkerRequestMessage): Promise<unknown> {
  const s = await start()
  switch (message.type) {
    case 'open': {
      const { sourcePath, password } = message.payload
      await checkPdfHeader(sourcePath)
      const info = s.open(sourcePath, password, await documentKey(sourcePath, password))
      return {
        pageCount: info.pageCount,
        encrypted: info.encrypted,
        warnings: info.reused ? [] : info.warnings,
      } satisfies WorkerCalls['open']['reply']
    }
    case 'measure':
      return { geometries: s.measure(message.payload.pages), warnings: [] } satisfies WorkerCalls['measure']['reply']
    case 'inspect':
      return { pages: s.inspect(message.payload.maxPages ?? Number.MAX_SAFE_INTEGER) } satisfies WorkerCalls['inspect']['reply']
    case 'render': {
      await encoderReady()
      const { data, warnings, thumbnail } = await s.render(message.payload.plan, message.payload.encode, message.payload.thumbnailWidthPx)
      if (performance.now() - helpersLoweredAtMs > 250) {
        lowerHelperThreadPriority()
        helpersLoweredAtMs = performance.now()
      }
      return { data, warnings, heapBytes: s.heapBytes, ...(thumbnail && { thumbnail }) } satisfies WorkerCalls['render']['reply']
    }
    case 'close':
      s.close()
      return {}
  }
}

/** Same file, same content (size + mtime), same password → same key; undefined if unreadable. */
async function documentKey(sourcePath: string, password: string | undefined): Promise<string | undefined> {
  const info = await stat(sourcePath).catch(() => undefined)
  return info === undefined ? undefined : JSON.stringify([sourcePath, password ?? '', info.size, info.mtimeMs])
}
