/**
 * Child-process entry of {@link startEmulatorProcess} (`emulator-process.ts`): runs the PDF.co
 * emulator (`test/pdfco-emulator/server.ts`) in its own Node process so that its page rendering
 * does not share an event loop (or a V8 heap) with the benchmark driver, and answers control
 * messages over the fork IPC channel. Not meant to be run by hand.
 *
 * Messages in: `{ id, type: 'stats', sinceMs? }`, `{ id, type: 'faults', faults }`, `{ id, type: 'close' }`.
 * Messages out: `{ type: 'ready', baseUrl, origin, pid }`, `{ id, ok: true, ... }` or `{ id, ok: false, message }`.
 */
import { startEmulator, type EmulatorFaults, type EmulatorOptions } from '../../test/pdfco-emulator/server.ts'

type Inbound =
  | { readonly id: number; readonly type: 'stats'; readonly sinceMs?: number }
  | { readonly id: number; readonly type: 'faults'; readonly faults: Partial<EmulatorFaults> }
  | { readonly id: number; readonly type: 'close' }

async function main(): Promise<void> {
  const send = (msg: unknown): void => {
    process.send?.(msg)
  }
  const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions
  const emulator = await startEmulator(options)
  let closing = false
  const close = async (): Promise<void> => {
    if (closing) return
    closing = true
    await emulator.close()
  }
  process.on('message', (raw: unknown) => {
    const msg = raw as Inbound
    void (async () => {
      try {
        switch (msg.type) {
          case 'stats': {
            const since = msg.sinceMs ?? 0
            const jobs = emulator.jobStats().filter((j) => j.startedAtMs >= since)
            const requests = emulator.requests
              .filter((r) => r.atMs >= since)
              .map((r) => {
                const jobId = r.params['jobid'] ?? r.params['jobId']
                return {
                  method: r.method,
                  path: r.path,
                  query: r.query,
                  atMs: r.atMs,
                  status: r.status,
                  bodyBytes: r.bodyBytes,
                  ...(typeof jobId === 'string' ? { jobId } : {}),
                }
              })
            send({ id: msg.id, ok: true, jobs, requests, rssBytes: process.memoryUsage().rss })
            break
          }
          case 'faults':
            Object.assign(emulator.faults, msg.faults)
            send({ id: msg.id, ok: true })
            break
          case 'close':
            await close()
            send({ id: msg.id, ok: true })
            process.disconnect?.()
            break
        }
      } catch (err) {
        send({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) })
      }
    })()
  })
  // The parent going away (crash, Ctrl-C) must not leave the emulator or its temp folder behind.
  process.on('disconnect', () => void close().then(() => process.exit(0)))
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void close().then(() => process.exit(0)))
  send({ type: 'ready', baseUrl: emulator.baseUrl, origin: emulator.origin, pid: process.pid })
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator child failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
