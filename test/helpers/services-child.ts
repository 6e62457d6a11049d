/**
 * The desktop app's main-process services in a child process, so a test can kill them with SIGKILL
 * mid-batch like a crash (app-resume.test.ts). Prints every event as one JSON line on stdout.
 *
 * Args: <userDataDir> <platformRootDir> <pdfcoBaseUrl> <apiKey> <outputDir> <pdf>...
 */
import { createAppServices } from '../../electron/app/services.ts'
import { createNodePlatform } from '../../electron/platform/node-platform.ts'

const [userDataDir, platformRoot, baseUrl, apiKey, outputDir, ...pdfs] = process.argv.slice(2)
if (userDataDir === undefined || platformRoot === undefined || baseUrl === undefined || apiKey === undefined || outputDir === undefined) {
  throw new Error('usage: services-child <userData> <platformRoot> <baseUrl> <apiKey> <outputDir> <pdf>...')
}
const platform = createNodePlatform({ rootDir: platformRoot })
const services = await createAppServices({
  platform,
  userDataDir,
  env: { PDFCO_BASE_URL: baseUrl },
  pdfcoEngineOptions: { chunkSize: 3, parallelJobs: 2, pollSchedule: { firstDelayMs: 50, minDelayMs: 30, maxDelayMs: 200, factor: 1.3 } },
})
services.onEvent((channel, payload) => process.stdout.write(`${JSON.stringify({ channel, payload })}\n`))
const call = async (channel: string, ...args: unknown[]): Promise<unknown> => {
  const result = await services.dispatch(channel, args)
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`)
  return result.value
}
await call('settings:set-api-key', apiKey)
await call('settings:update', { engine: 'pdfco', concurrency: 2 })
platform.dialogs.queueOpenFolder(outputDir)
await call('output:pick-folder')
const added = (await call('files:register-dropped', pdfs)) as { added: { id: string }[] }
await call('jobs:start', { items: added.added.map((f) => ({ fileId: f.id, pageRange: '' })), format: 'png', overwrite: 'keep-both' })
process.stdout.write(`${JSON.stringify({ channel: 'started' })}\n`)
// Stays alive until killed (the test kills it mid-batch).
setInterval(() => undefined, 60_000)
