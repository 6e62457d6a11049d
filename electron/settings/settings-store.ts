/**
 * Persisted settings: a zod-validated JSON file in userData, written atomically, with the PDF.co
 * API key encrypted by the platform's secret storage (Electron `safeStorage`).
 *
 * The key is decrypted into main-process memory only; {@link SettingsStore.toDto} never carries it
 * (only `hasApiKey` and a masked form). When the OS offers no encryption the key is kept in memory
 * for the session and not written at all, rather than stored in the clear.
 *
 * A damaged settings file is moved aside (`settings.json.bad-<ms>`) and defaults are used; a
 * single bad field falls back to its default and the rest is kept.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { createHash, randomBytes } from 'node:crypto'
import path from 'node:path'
import { z } from 'zod'
import { InputError } from '../errors.ts'
import type { OverwritePolicy, SettingsDto, SettingsPatch } from '../ipc/contract.ts'
import { ENGINE_KINDS, type EngineChoice, type KeyStatus } from '../shared/engine-choice.ts'
import { CONCURRENCY_DEFAULT, CONCURRENCY_MAX, CONCURRENCY_MIN, LOCAL_DPI_DEFAULT, LOCAL_DPI_MAX, LOCAL_DPI_MIN, QUALITY_DEFAULT, QUALITY_MAX, QUALITY_MIN } from '../shared/limits.ts'
import { DEFAULT_PDFCO_BASE_URL } from '../shared/pdfco.ts'
import { DEFAULT_TIFF_LAYOUT, OUTPUT_FORMATS, TIFF_LAYOUTS, type OutputFormat } from '../shared/formats.ts'
import type { Logger } from '../log/logger.ts'
import type { SecretStorage } from '../platform/platform.ts'

export { DEFAULT_PDFCO_BASE_URL }
export { CONCURRENCY_MAX, CONCURRENCY_MIN }
/** Parallel conversions by default (electron/shared/limits.ts). */
export const DEFAULT_CONCURRENCY = CONCURRENCY_DEFAULT
/** Local engine defaults (electron/shared/limits.ts). */
export const DEFAULT_LOCAL_DPI = LOCAL_DPI_DEFAULT
export const DEFAULT_LOCAL_QUALITY = QUALITY_DEFAULT

const persistedSchema = z.object({
  version: z.literal(1).catch(1),
  /** base64 of the secret storage blob. */
  apiKeyEncrypted: z.string().nullable().catch(null),
  baseUrl: z.string().nullable().catch(null),
  concurrency: z.number().int().min(CONCURRENCY_MIN).max(CONCURRENCY_MAX).catch(DEFAULT_CONCURRENCY),
  format: z.enum(OUTPUT_FORMATS).catch('png'),
  overwrite: z.enum(['keep-both', 'overwrite']).catch('keep-both'),
  outputDir: z.string().nullable().catch(null),
  engine: z.enum(['auto', ...ENGINE_KINDS]).catch('auto'),
  localDpi: z.number().int().min(LOCAL_DPI_MIN).max(LOCAL_DPI_MAX).catch(DEFAULT_LOCAL_DPI),
  localQuality: z.number().int().min(QUALITY_MIN).max(QUALITY_MAX).catch(DEFAULT_LOCAL_QUALITY),
  localColor: z.enum(['color', 'gray', 'bw']).catch('color'),
  tiffLayout: z.enum(TIFF_LAYOUTS).catch(DEFAULT_TIFF_LAYOUT),
  /** The last key that passed the credit-balance check: its fingerprint (never the key). */
  apiKeyVerified: z
    .object({ fingerprint: z.string(), checkedAtMs: z.number(), remainingCredits: z.number().nullable() })
    .nullable()
    .catch(null),
})

/** The settings file's shape. */
export type PersistedSettings = z.infer<typeof persistedSchema>

const DEFAULTS: PersistedSettings = {
  version: 1,
  apiKeyEncrypted: null,
  baseUrl: null,
  concurrency: DEFAULT_CONCURRENCY,
  format: 'png',
  overwrite: 'keep-both',
  outputDir: null,
  engine: 'auto',
  localDpi: DEFAULT_LOCAL_DPI,
  localQuality: DEFAULT_LOCAL_QUALITY,
  localColor: 'color',
  tiffLayout: DEFAULT_TIFF_LAYOUT,
  apiKeyVerified: null,
}

/** The outcome of checking the API key against PDF.co's credit balance. */
export type KeyCheckOutcome =
  | { readonly status: 'verified'; readonly remainingCredits: number }
  | { readonly status: 'refused' | 'unreachable'; readonly message: string; readonly error?: unknown }

/** Settings in memory (the key decrypted, never sent out). */
export interface SettingsStore {
  /** Absolute path of the settings file. */
  readonly filePath: string
  /** The decrypted API key, or null. Main process only. */
  getApiKey(): string | null
  /** Settings as stored (without the key). */
  get(): Readonly<Omit<PersistedSettings, 'apiKeyEncrypted'>>
  /** Base URL to use: the saved one, else env `PDFCO_BASE_URL`, else {@link DEFAULT_PDFCO_BASE_URL}. */
  effectiveBaseUrl(): string
  /** What the renderer may see; `context` adds what the services know (engines, default folder). */
  toDto(context: SettingsDtoContext): SettingsDto
  /** @throws InputError 'input/invalid' for a bad base URL, concurrency or local render option. */
  update(patch: SettingsPatch): Promise<void>
  /** @throws InputError 'input/invalid' for an empty or malformed key. */
  setApiKey(apiKey: string): Promise<void>
  clearApiKey(): Promise<void>
  /** Remembers the output folder (absolute path). */
  setOutputDir(absolutePath: string): Promise<void>
  /**
   * Where the key stands at the effective base URL: 'verified' only when the saved fingerprint
   * (SHA-256 of base URL and key) matches the current key; see {@link KeyStatus}.
   */
  keyStatus(): KeyStatus
  /** Records a check of the current key: a pass is persisted (fingerprint), a failure kept for the session. */
  recordKeyCheck(outcome: KeyCheckOutcome): Promise<void>
}

/** Facts of the SettingsDto that the settings file does not hold. */
export interface SettingsDtoContext {
  readonly hasLocalEngine: boolean
  /** Name of the output folder used while none is chosen. */
  readonly defaultOutputFolderName: string
}

/**
 * Loads (or creates on first write) `dir/settings.json`.
 */
export async function openSettingsStore(options: {
  readonly dir: string
  readonly secrets: SecretStorage
  readonly env?: NodeJS.ProcessEnv
  readonly logger?: Logger
}): Promise<SettingsStore> {
  const { dir, secrets, logger } = options
  const env = options.env ?? process.env
  const filePath = path.join(dir, 'settings.json')
  let { state, apiKey } = await loadSettings(filePath, secrets, logger)

  const write = createSerialWriter(dir, filePath, logger)
  const persist = (): Promise<void> => write(JSON.stringify(state, null, 2) + '\n')

  const envBaseUrl = (): string | null => env['PDFCO_BASE_URL']?.trim().replace(/\/+$/u, '') || null

  const effectiveBaseUrl = (): string => state.baseUrl ?? envBaseUrl() ?? DEFAULT_PDFCO_BASE_URL
  const checks = createKeyChecks({
    fingerprint: () => (apiKey === null ? null : keyFingerprint(effectiveBaseUrl(), apiKey)),
    verified: () => state.apiKeyVerified,
    setVerified: (v) => {
      state = { ...state, apiKeyVerified: v }
    },
  })

  return {
    filePath,
    getApiKey: () => apiKey,
    keyStatus: checks.status,
    async recordKeyCheck(outcome) {
      if (checks.record(outcome)) await persist()
    },
    get: () => {
      const { apiKeyEncrypted: _omit, ...rest } = state
      return rest
    },
    effectiveBaseUrl,
    toDto(context) {
      const status = checks.status()
      return {
        ...keyDto(apiKey, status, checks.problem(), state, secrets),
        baseUrl: effectiveBaseUrl(),
        concurrency: state.concurrency,
        format: state.format,
        overwrite: state.overwrite,
        outputFolderName: state.outputDir === null ? null : path.basename(state.outputDir) || state.outputDir,
        defaultOutputFolderName: context.defaultOutputFolderName,
        engine: state.engine,
        hasLocalEngine: context.hasLocalEngine,
        localDpi: state.localDpi,
        localQuality: state.localQuality,
        localColor: state.localColor,
        tiffLayout: state.tiffLayout,
      }
    },
    async update(patch) {
      const next = applyPatch(state, patch)
      state = next
      await persist()
    },
    async setApiKey(value) {
      const key = normaliseApiKey(value)
      apiKey = key
      if (secrets.isEncryptionAvailable()) {
        state = { ...state, apiKeyEncrypted: secrets.encryptString(key).toString('base64') }
      } else {
        logger?.warn('no OS encryption available: the API key is kept for this session only')
        state = { ...state, apiKeyEncrypted: null }
      }
      await persist()
    },
    async clearApiKey() {
      apiKey = null
      state = { ...state, apiKeyEncrypted: null, apiKeyVerified: null }
      await persist()
    },
    async setOutputDir(absolutePath) {
      state = { ...state, outputDir: absolutePath }
      await persist()
    },
  }
}

/** The key's part of the SettingsDto (never the key itself). */
function keyDto(apiKey: string | null, status: KeyStatus, problem: string | null, state: PersistedSettings, secrets: SecretStorage) {
  return {
    apiKeyStatus: status,
    apiKeyProblem: problem,
    remainingCredits: status === 'verified' ? (state.apiKeyVerified?.remainingCredits ?? null) : null,
    hasApiKey: apiKey !== null,
    apiKeyMasked: maskApiKey(apiKey),
    canEncryptKey: secrets.isEncryptionAvailable(),
  }
}

/**
 * The key's standing: a passed check is kept in the settings (fingerprint), a failed one for the
 * session only, each for the key and base URL it was made with.
 */
function createKeyChecks(deps: {
  readonly fingerprint: () => string | null
  readonly verified: () => PersistedSettings['apiKeyVerified']
  readonly setVerified: (v: PersistedSettings['apiKeyVerified']) => void
}): { status(): KeyStatus; problem(): string | null; record(outcome: KeyCheckOutcome): boolean } {
  let failed: { fingerprint: string; status: 'refused' | 'unreachable'; message: string } | null = null
  return {
    status() {
      const fp = deps.fingerprint()
      if (fp === null) return 'none'
      if (deps.verified()?.fingerprint === fp) return 'verified'
      if (failed?.fingerprint === fp) return failed.status
      return 'unchecked'
    },
    problem: () => (failed !== null && failed.fingerprint === deps.fingerprint() ? failed.message : null),
    record(outcome) {
      const fp = deps.fingerprint()
      if (fp === null) return false
      if (outcome.status === 'verified') {
        failed = null
        deps.setVerified({ fingerprint: fp, checkedAtMs: Date.now(), remainingCredits: outcome.remainingCredits })
      } else {
        failed = { fingerprint: fp, status: outcome.status, message: outcome.message }
        if (deps.verified()?.fingerprint === fp) deps.setVerified(null)
      }
      return true
    },
  }
}

/**
 * The fingerprint a verified key is remembered by: hex SHA-256 of `baseUrl`, a newline and the
 * key (so a key checked against the emulator does not count for PDF.co). Not reversible.
 */
export function keyFingerprint(baseUrl: string, apiKey: string): string {
  return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex')
}

/**
 * `••••••••` plus the key's last 4 characters (only the bullets for keys of 8 chars or fewer); '' for none.
 */
export function maskApiKey(apiKey: string | null): string {
  if (apiKey === null || apiKey === '') return ''
  return apiKey.length > 8 ? `••••••••${apiKey.slice(-4)}` : '••••••••'
}

/**
 * Trims and checks an API key: 4-512 printable ASCII characters, no spaces.
 *
 * @throws InputError 'input/invalid'
 */
export function normaliseApiKey(value: string): string {
  const key = value.trim()
  if (!/^[\x21-\x7e]{4,512}$/u.test(key)) {
    throw new InputError('input/invalid', 'The API key must be 4-512 printable characters without spaces')
  }
  return key
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Checks a PDF.co base URL and strips trailing slashes: `https:` anywhere, `http:` only on
 * loopback (the emulator), because the API key travels in a header.
 *
 * @throws InputError 'input/invalid'
 */
export function normaliseBaseUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new InputError('input/invalid', 'The base URL is not a valid URL')
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError('input/invalid', 'The base URL must not carry credentials, a query or a fragment')
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new InputError('input/invalid', 'Plain http is only allowed for localhost (the emulator); use https')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('input/invalid', 'The base URL must start with https://')
  }
  return url.href.replace(/\/+$/u, '')
}

/**
 * Reads `filePath`: a missing file gives the defaults; an unreadable or invalid one is moved aside
 * (`settings.json.bad-<ms>`) and the defaults are used. A stored key that cannot be decrypted is dropped.
 */
async function loadSettings(
  filePath: string,
  secrets: SecretStorage,
  logger: Logger | undefined,
): Promise<{ state: PersistedSettings; apiKey: string | null }> {
  let state: PersistedSettings = { ...DEFAULTS }
  let apiKey: string | null = null
  const raw = await readFile(filePath, 'utf8').catch(() => null)
  if (raw !== null) {
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      json = undefined
    }
    const parsed = persistedSchema.safeParse(json)
    if (parsed.success) {
      state = parsed.data
    } else {
      const aside = `${filePath}.bad-${Date.now()}`
      logger?.warn('settings file unreadable, using defaults', { movedTo: path.basename(aside) })
      await rename(filePath, aside).catch(() => undefined)
    }
  }
  if (state.apiKeyEncrypted !== null) {
    try {
      apiKey = secrets.isEncryptionAvailable() ? secrets.decryptString(Buffer.from(state.apiKeyEncrypted, 'base64')) : null
    } catch (err) {
      logger?.warn('stored API key cannot be decrypted; it must be entered again', { error: err })
      apiKey = null
    }
    if (apiKey === null) state = { ...state, apiKeyEncrypted: null }
  }
  return { state, apiKey }
}

/** Writes snapshots one after the other, each atomically (temp file, mode 0600, then rename). */
function createSerialWriter(dir: string, filePath: string, logger: Logger | undefined): (snapshot: string) => Promise<void> {
  let writing: Promise<void> = Promise.resolve()
  return (snapshot) => {
    writing = writing.then(async () => {
      await mkdir(dir, { recursive: true })
      const temp = path.join(dir, `.settings.json.part-${randomBytes(4).toString('hex')}`)
      try {
        await writeFile(temp, snapshot, { mode: 0o600 })
        await rename(temp, filePath)
      } catch (err) {
        await rm(temp, { force: true }).catch(() => undefined)
        logger?.error('cannot write settings', { error: err })
        throw err
      }
    })
    return writing
  }
}

/** The settings with `patch` applied. @throws InputError 'input/invalid' for a value out of range. */
function applyPatch(state: PersistedSettings, patch: SettingsPatch): PersistedSettings {
  const next = { ...state }
  if (patch.baseUrl !== undefined) next.baseUrl = patch.baseUrl.trim() === '' ? null : normaliseBaseUrl(patch.baseUrl)
  if (patch.concurrency !== undefined) {
    if (!Number.isInteger(patch.concurrency) || patch.concurrency < CONCURRENCY_MIN || patch.concurrency > CONCURRENCY_MAX) {
      throw new InputError('input/invalid', `Concurrency must be a whole number from ${CONCURRENCY_MIN} to ${CONCURRENCY_MAX}`)
    }
    next.concurrency = patch.concurrency
  }
  if (patch.format !== undefined) next.format = patch.format satisfies OutputFormat
  if (patch.overwrite !== undefined) next.overwrite = patch.overwrite satisfies OverwritePolicy
  if (patch.engine !== undefined) next.engine = patch.engine satisfies EngineChoice
  if (patch.localDpi !== undefined) {
    if (!Number.isInteger(patch.localDpi) || patch.localDpi < LOCAL_DPI_MIN || patch.localDpi > LOCAL_DPI_MAX) {
      throw new InputError('input/invalid', `The resolution must be a whole number from ${LOCAL_DPI_MIN} to ${LOCAL_DPI_MAX} DPI`)
    }
    next.localDpi = patch.localDpi
  }
  if (patch.localQuality !== undefined) {
    if (!Number.isInteger(patch.localQuality) || patch.localQuality < QUALITY_MIN || patch.localQuality > QUALITY_MAX) {
      throw new InputError('input/invalid', `The quality must be a whole number from ${QUALITY_MIN} to ${QUALITY_MAX}`)
    }
    next.localQuality = patch.localQuality
  }
  if (patch.localColor !== undefined) next.localColor = patch.localColor
  if (patch.tiffLayout !== undefined) next.tiffLayout = patch.tiffLayout
  return next
}
