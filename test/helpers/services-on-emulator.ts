/**
 * The main-process services in plain Node (node platform, temp user-data folder) pointed at a
 * PDF.co base URL, usually the emulator's: the setup of every test that drives the services the
 * way the renderer does.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createAppServices, type AppServicesInternals, type AppServicesOptions } from '../../electron/app/services.ts'
import type { EventChannel } from '../../electron/ipc/contract.ts'
import { createNodePlatform, type NodePlatform } from '../../electron/platform/node-platform.ts'
import { startEmulator, type Emulator } from '../pdfco-emulator/server.ts'

/** PDF.co engine options of a test (e.g. a short poll schedule). */
export type TestEngineOptions = NonNullable<AppServicesOptions['pdfcoEngineOptions']>

/** Services and their node platform (dialogs and shell calls are scripted and recorded). */
export interface TestServices {
  readonly platform: NodePlatform
  readonly services: AppServicesInternals
}

/**
 * Creates services under `dir` (platform in `dir/platform`, user data in `dir/user-data`) with
 * `PDFCO_BASE_URL` = `baseUrl`.
 */
export async function createTestServices(options: {
  readonly dir: string
  readonly baseUrl: string
  readonly pdfcoEngineOptions?: TestEngineOptions
  readonly platformDir?: string
  readonly userDataDir?: string
}): Promise<TestServices> {
  const platform = createNodePlatform({ rootDir: options.platformDir ?? path.join(options.dir, 'platform') })
  const services = await createAppServices({
    platform,
    userDataDir: options.userDataDir ?? path.join(options.dir, 'user-data'),
    env: { PDFCO_BASE_URL: options.baseUrl },
    ...(options.pdfcoEngineOptions === undefined ? {} : { pdfcoEngineOptions: options.pdfcoEngineOptions }),
  })
  return { platform, services }
}

/** The emulator, services on it, every event they sent, and `close()` undoing it all. */
export interface ServicesOnEmulator extends TestServices {
  readonly dir: string
  readonly emulator: Emulator
  /** Every main → renderer event, in order. */
  readonly events: { channel: EventChannel; payload: unknown }[]
  /** Dispatches a channel and returns its value. @throws Error naming the code when the answer is not ok. */
  value<T = unknown>(channel: string, ...args: unknown[]): Promise<T>
  close(): Promise<void>
}

/** Starts the emulator (`apiKey`, `dpi`) and services on it in a new temp folder named `prefix…`. */
export async function startServicesOnEmulator(options: {
  readonly prefix: string
  readonly apiKey: string
  readonly dpi: number
  readonly pdfcoEngineOptions?: TestEngineOptions
}): Promise<ServicesOnEmulator> {
  const dir = await mkdtemp(path.join(os.tmpdir(), options.prefix))
  const emulator = await startEmulator({ apiKey: options.apiKey, dpi: options.dpi })
  const { platform, services } = await createTestServices({
    dir,
    baseUrl: emulator.baseUrl,
    ...(options.pdfcoEngineOptions === undefined ? {} : { pdfcoEngineOptions: options.pdfcoEngineOptions }),
  })
  const events: ServicesOnEmulator['events'] = []
  services.onEvent((channel, payload) => events.push({ channel, payload }))
  return {
    dir,
    emulator,
    platform,
    services,
    events,
    async value<T>(channel: string, ...args: unknown[]): Promise<T> {
      const r = await services.dispatch(channel, args)
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`)
      return r.value as T
    },
    async close() {
      await services.dispose()
      await emulator.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
