/**
 * `npm run emulator -- --port 8787 --key test-key [--dpi N] [--processing-ms-per-page N] [--credits N]`
 *
 * Serves the PDF.co emulator until SIGINT/SIGTERM. Prints its base URL, never the key.
 */
import { parseArgs } from 'node:util'
import { startEmulator } from './server.ts'

const HELP = `Usage: npm run emulator -- [options]

Runs a local PDF.co emulator (see test/pdfco-emulator/README.md).

Options:
  --port N                    port on 127.0.0.1 (default 8787; 0 = random)
  --key KEY                   API key clients must send as x-api-key (default test-key)
  --dpi N                     rendering resolution (default 150)
  --processing-ms-per-page N  simulated cloud processing time per page (default 0)
  --credits N                 starting credits (default 1000000)
  -h, --help                  show this help
`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      key: { type: 'string', default: 'test-key' },
      dpi: { type: 'string', default: '150' },
      'processing-ms-per-page': { type: 'string', default: '0' },
      credits: { type: 'string', default: '1000000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(HELP)
    return
  }
  const number = (name: string, text: string): number => {
    const n = Number(text)
    if (!Number.isFinite(n) || n < 0) {
      process.stderr.write(`--${name} must be a non-negative number, got "${text}"\n`)
      process.exit(2)
    }
    return n
  }
  const emulator = await startEmulator({
    port: number('port', values.port),
    apiKey: values.key,
    dpi: number('dpi', values.dpi),
    credits: number('credits', values.credits),
    faults: { processingMsPerPage: number('processing-ms-per-page', values['processing-ms-per-page']) },
  })
  process.stdout.write(`PDF.co emulator listening at ${emulator.baseUrl}\n`)
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`PDF.co emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
