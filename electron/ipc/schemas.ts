/**
 * zod schemas of every invoke channel's argument list (a tuple each), checked in main before any
 * handler runs; a mismatch is answered with `ipc/bad-args` (../shared/STYLE.md, Typed IPC).
 *
 * The mapped type {@link InvokeArgSchemas} makes the compiler check each schema's output against
 * the contract's parameter list, so the two cannot drift apart.
 */
import { z } from 'zod'
import { LOCAL_DPI_MAX, LOCAL_DPI_MIN, type FileId, type InvokeChannel, type InvokeChannels, type JobId, type OutputId } from './contract.ts'
import { OUTPUT_FORMATS } from '../shared/formats.ts'

/** Lowercase UUID, as `crypto.randomUUID()` makes. */
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u, 'expected an id')
const fileId = uuid.transform((v) => v as FileId)
const jobId = uuid.transform((v) => v as JobId)
const outputId = uuid.transform((v) => v as OutputId)
const format = z.enum(OUTPUT_FORMATS)
const overwrite = z.enum(['keep-both', 'overwrite'])
const engine = z.enum(['pdfco', 'local'])
/** A job-journal batch id (`electron/journal/journal.ts`): base-36 time, dash, 8 hex. */
const batchId = z.string().regex(/^[0-9a-z]{8,12}-[0-9a-f]{8}$/u, 'expected a batch id')

/** Most paths in one drop (folders count as one). */
export const MAX_DROPPED_PATHS = 10_000
/** Most files in one bytes fallback drop. */
export const MAX_DROPPED_BYTE_FILES = 200
/** Most files in one `jobs:start`. */
export const MAX_JOB_ITEMS = 10_000

/** One schema per invoke channel; outputs typed as the contract's parameters. */
export type InvokeArgSchemas = { readonly [C in InvokeChannel]: z.ZodType<Parameters<InvokeChannels[C]>> }

const none = z.tuple([])

/** The argument schemas, keyed by channel. */
export const INVOKE_ARG_SCHEMAS: InvokeArgSchemas = {
  'app:get-info': none,
  'app:reveal-log': none,
  'files:pick': none,
  'files:register-dropped': z.tuple([z.array(z.string().min(1).max(4096)).max(MAX_DROPPED_PATHS)]),
  'files:register-dropped-bytes': z.tuple([
    z
      .array(z.object({ name: z.string().max(1024), bytes: z.instanceof(Uint8Array) }).strict())
      .max(MAX_DROPPED_BYTE_FILES),
  ]),
  'files:remove': z.tuple([fileId]),
  'files:unlock': z.tuple([fileId, z.string().max(1024)]),
  'output:pick-folder': none,
  'output:open-folder': none,
  'outputs:open': z.tuple([outputId]),
  'outputs:reveal': z.tuple([outputId]),
  'jobs:start': z.tuple([
    z
      .object({
        items: z
          .array(z.object({ fileId, pageRange: z.string().max(10_000) }).strict())
          .min(1)
          .max(MAX_JOB_ITEMS),
        format,
        overwrite,
        engine: engine.optional(),
      })
      .strict(),
  ]),
  'jobs:cancel': z.tuple([jobId]),
  'jobs:cancel-all': none,
  'jobs:retry': z.tuple([jobId]),
  'jobs:get-resumable': none,
  'jobs:resume': z.tuple([batchId]),
  'jobs:discard-resumable': z.tuple([batchId]),
  'settings:get': none,
  'settings:update': z.tuple([
    z
      .object({
        baseUrl: z.string().max(2048).optional(),
        concurrency: z.number().int().min(1).max(8).optional(),
        format: format.optional(),
        overwrite: overwrite.optional(),
        engine: z.enum(['pdfco', 'local', 'auto']).optional(),
        localDpi: z.number().int().min(LOCAL_DPI_MIN).max(LOCAL_DPI_MAX).optional(),
        localQuality: z.number().int().min(1).max(100).optional(),
        localColor: z.enum(['color', 'gray', 'bw']).optional(),
      })
      .strict(),
  ]),
  'settings:set-api-key': z.tuple([z.string().max(512)]),
  'settings:clear-api-key': none,
  'settings:check-key': none,
}

/**
 * Short text of a zod failure for `ipc/bad-args` messages: the first three issues with their paths.
 */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? 'arguments' : `argument ${issue.path.join('.')}`}: ${issue.message}`)
    .join('; ')
}
