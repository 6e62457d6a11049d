/**
 * Starts the whole browser harness: the real main-process services (plain-Node platform whose
 * dialogs answer from scripted queues), the harness server in front of them, the harness build of
 * the renderer, and (unless told otherwise) a PDF.co emulator behind them.
 *
 * Used by the e2e tests and by `npm run harness` (./cli.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createAppServices, type AppServicesInternals, type AppServicesOptions } from '../../electron/app/services.ts'
import { createNodePlatform, type NodePlatform } from '../../electron/platform/node-platform.ts'
import { startEmulator, type Emulator, type EmulatorOptions } from '../pdfco-emulator/server.ts'
import { ensureHarnessBuild } from './build.ts'
import { startHarnessServer, type HarnessServer } from './server.ts'

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  /** Folder for user data, platform state, home and pictures; default a fresh temp folder (removed on close). */
  readonly rootDir?: string
  /** Harness HTTP port; 0 (default) picks a free one. */
  readonly port?: number
  /** Emulator options, or `false` for none (then PDF.co calls go wherever Settings point). */
  readonly emulator?: EmulatorOptions | false
  /** Environment of the services (default `{}`: the base URL is set through Settings, like a user does). */
  readonly env?: NodeJS.ProcessEnv
  /** PDF.co engine overrides (tests pass a short poll schedule). */
  readonly pdfcoEngineOptions?: AppServicesOptions['pdfcoEngineOptions']
  readonly logToStderr?: boolean
}

/** A running harness. */
export interface Harness {
  /** Open this in Chromium. */
  readonly url: string
  readonly server: HarnessServer
  readonly services: AppServicesInternals
  /** Script dialogs (`platform.dialogs.queueOpenFiles/queueOpenFolder`), read shell calls (`platform.recorded`). */
  readonly platform: NodePlatform
  readonly emulator: Emulator | null
  readonly rootDir: string
  /** Stops everything (and removes the temp root it created). */
  close(): Promise<void>
}

/** Starts services, emulator and server; builds the renderer first if needed. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const distDir = await ensureHarnessBuild()
  const ownsRoot = options.rootDir === undefined
  const rootDir = options.rootDir ?? (await mkdtemp(path.join(os.tmpdir(), 'pdf-harness-')))
  const emulator = options.emulator === false ? null : await startEmulator({ apiKey: 'test-key', ...options.emulator })
  const platform = createNodePlatform({ rootDir: path.join(rootDir, 'platform'), appVersion: '0.1.0-harness' })
  let services: AppServicesInternals | undefined
  const server = await startHarnessServer({
    distDir,
    ...(options.port === undefined ? {} : { port: options.port }),
    createServices: async (thumbUrlBase) => {
      services = await createAppServices({
        platform,
        userDataDir: path.join(rootDir, 'user-data'),
        thumbUrlBase,
        env: options.env ?? {},
        ...(options.pdfcoEngineOptions === undefined ? {} : { pdfcoEngineOptions: options.pdfcoEngineOptions }),
        ...(options.logToStderr === undefined ? {} : { logToStderr: options.logToStderr }),
      })
      return services
    },
  })
  if (services === undefined) throw new Error('harness: services were not created')
  const created = services
  return {
    url: server.url,
    server,
    services: created,
    platform,
    emulator,
    rootDir,
    async close() {
      await server.close()
      await created.dispose()
      await emulator?.close()
      if (ownsRoot) await rm(rootDir, { recursive: true, force: true })
    },
  }
}
