/**
 * `npm run harness [-- --port 5190 --emulator-port 8787]`
 *
 * Starts the browser harness for manual use: the real main-process services in Node, the PDF.co
 * emulator behind them, and the renderer served at a local URL to open in any browser. Dialogs
 * are scripted in tests; here "Add PDFs" and the folder button answer "cancelled", so add files
 * by dropping them on the window (they travel as bytes, the fallback path).
 */
import { parseArgs } from 'node:util'
import { startHarness } from './start.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5190' },
    'emulator-port': { type: 'string', default: '8787' },
    'processing-ms-per-page': { type: 'string', default: '300' },
  },
  strict: true,
})

const port = Number(values.port)
const emulatorPort = Number(values['emulator-port'])
const harness = await startHarness({
  port,
  emulator: { port: emulatorPort, faults: { processingMsPerPage: Number(values['processing-ms-per-page']) } },
  logToStderr: false,
}).catch((err: unknown) => {
  const { code, port: busy } = (err ?? {}) as { code?: unknown; port?: unknown }
  if (code !== 'EADDRINUSE') throw err
  const which = busy === emulatorPort ? ['the PDF.co emulator', '--emulator-port'] : ['the harness', '--port']
  process.stderr.write(
    `Port ${String(busy)} on 127.0.0.1 is already in use, so ${which[0]} cannot listen there ` +
      `(another harness or emulator still running?).\nStop that program, or choose another port: npm run harness -- ${which[1]} ${Number(busy) + 1}\n`,
  )
  process.exit(2)
})
process.stdout.write(
  [
    `Browser harness: ${harness.url}`,
    `PDF.co emulator: ${harness.emulator?.baseUrl ?? '(none)'} (API key: test-key)`,
    'In the app: Settings → key "test-key", base URL as above → Save. Drop PDFs on the window.',
    'Ctrl-C stops it.',
    '',
  ].join('\n'),
)
const stop = (): void => {
  void harness.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
