/**
 * zod building blocks of the invoke channels' argument lists (ids, enums, size limits), used by
 * the channel table in ./contract.ts, and the short text of a zod failure for `ipc/bad-args`.
 */
import { z } from 'zod'
import { ENGINE_KINDS } from '../shared/engine-choice.ts'
import { OUTPUT_FORMATS } from '../shared/formats.ts'
import type { FileId, JobId, OutputId } from './contract.ts'

/** Lowercase UUID, as `crypto.randomUUID()` makes. */
export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u, 'expected an id')
export const fileId = uuid.transform((v) => v as FileId)
export const jobId = uuid.transform((v) => v as JobId)
export const outputId = uuid.transform((v) => v as OutputId)
export const format = z.enum(OUTPUT_FORMATS)
export const overwrite = z.enum(['keep-both', 'overwrite'])
export const engine = z.enum(ENGINE_KINDS)
/** A job-journal batch id (`electron/journal/journal.ts`): base-36 time, dash, 8 hex. */
export const batchId = z.string().regex(/^[0-9a-z]{8,12}-[0-9a-f]{8}$/u, 'expected a batch id')

/** Most paths in one drop (folders count as one). */
export const MAX_DROPPED_PATHS = 10_000
/** Most files in one bytes fallback drop. */
export const MAX_DROPPED_BYTE_FILES = 200
/** Most files in one `jobs:start`. */
export const MAX_JOB_ITEMS = 10_000
/** An empty argument list. */
export const none = z.tuple([])

/**
 * Short text of a zod failure for `ipc/bad-args` messages: the first three issues with their paths.
 */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? 'arguments' : `argument ${issue.path.join('.')}`}: ${issue.message}`)
    .join('; ')
}
