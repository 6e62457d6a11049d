/** Types, errors and zod schemas of the journal's files (`batch.json`, `files/<key>.json`), see `journal.ts`. */
import { z } from 'zod'
import { OUTPUT_FORMATS, TIFF_LAYOUTS } from '../shared/formats.ts'

/** Another live process runs the batch (it holds the batch lock, `run-lock.ts`). */
export class BatchRunningError extends Error {
  constructor(readonly batchId: string) {
    super(`the batch ${batchId} is already running in another process; nothing was started`)
    this.name = 'BatchRunningError'
  }
}

/** Which batches `JournalStore.listResumable` lists; `running`: those being run right now instead. */
export interface BatchFilter {
  readonly outputDir?: string
  readonly origin?: 'cli' | 'app'
  readonly includeEnded?: boolean
  readonly running?: boolean
}


const fingerprintSchema = z.object({ sizeBytes: z.number(), mtimeMs: z.number() })
const jobSchema = z.object({
  jobId: z.string(),
  pages: z.array(z.number().int().positive()),
  submittedAtMs: z.number(),
  resultUrl: z.string().optional(),
  state: z.enum(['submitted', 'succeeded', 'failed']),
  pageUrls: z.array(z.string()).optional(),
  validTillMs: z.number().optional(),
})
const pageSchema = z.object({
  page: z.number().int().positive(),
  name: z.string().min(1),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/u),
  state: z.enum(['committing', 'written']),
})
const progressSchema = z.object({
  source: fingerprintSchema,
  format: z.enum(OUTPUT_FORMATS),
  pageCount: z.number().int().nonnegative().optional(),
  pages: z.array(z.number().int().positive()).optional(),
  upload: z.object({ url: z.string(), uploadedAtMs: z.number() }).optional(),
  jobs: z.array(jobSchema),
  written: z.array(pageSchema),
})
const errorSchema = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() })
export const fileRecordSchema = z.object({
  key: z.string(),
  state: z.enum(['pending', 'running', 'done', 'failed', 'cancelled']),
  error: errorSchema.nullable(),
  progress: progressSchema.nullable().catch(null),
  updatedAtMs: z.number(),
})
export const batchSchema = z.object({
  version: z.literal(1),
  batchId: z.string(),
  origin: z.enum(['cli', 'app']),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  pid: z.number().int(),
  instanceId: z.string(),
  state: z.enum(['running', 'interrupted', 'ended']),
  outputDir: z.string(),
  format: z.enum(OUTPUT_FORMATS),
  overwrite: z.boolean(),
  /** How TIFF pages are written; absent in batches that did not choose (then one file per page). */
  tiffLayout: z.enum(TIFF_LAYOUTS).optional(),
  engine: z.enum(['pdfco', 'local']),
  files: z.array(
    z.object({
      key: z.string(),
      sourcePath: z.string(),
      pages: z.array(z.number().int().positive()).nullable(),
      pageRange: z.string().nullable(),
      needsPassword: z.boolean(),
    }),
  ),
})
