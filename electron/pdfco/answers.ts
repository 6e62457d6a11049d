/**
 * The shapes of PDF.co's JSON answers, validated leniently with zod: extra fields allowed, a
 * `status` number or string, numbers sent as strings accepted, `null` taken as absent. Any other
 * shape is a 'pdfco/bad-response' error naming the first bad field.
 *
 * Fields as documented in the PDF.co API reference (https://docs.pdf.co/api-reference): file
 * upload (get-presigned-url), PDF to PNG/JPG/WebP/TIFF, job/check and account balance.
 */
import { z } from 'zod'
import { badResponse } from './errors.ts'

const numberish = z.union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/).transform(Number)])
const optNum = numberish.nullish().transform((v) => v ?? undefined)
const optStr = z.string().nullish().transform((v) => v ?? undefined)
const envelope = {
  name: optStr,
  credits: optNum,
  remainingCredits: optNum,
}

/** `GET /v1/file/upload/get-presigned-url`: the PUT target and the file's later URL. */
export const presignedSchema = z.looseObject({ presignedUrl: z.string().min(1), url: z.string().min(1), ...envelope })

/** `POST /v1/pdf/convert/to/{format}`: a job ack (async) or the finished links (sync). */
export const convertSchema = z.looseObject({
  jobId: z.union([z.string(), z.number().transform(String)]).nullish().transform((v) => v ?? undefined),
  url: optStr,
  urls: z.array(z.string()).nullish().transform((v) => v ?? undefined),
  pageCount: optNum,
  ...envelope,
})

/** `POST /v1/job/check`: the job's state (lower-cased) and, once done, its links. */
export const jobCheckSchema = z.looseObject({
  status: z.union([z.string(), z.number().transform(String)]).transform((s) => s.trim().toLowerCase()),
  message: optStr,
  url: optStr,
  urls: z.array(z.string()).nullish().transform((v) => v ?? undefined),
  body: z.unknown().optional(),
  pageCount: optNum,
  jobId: optStr,
  jobDuration: optNum,
  errorCode: optNum,
  ...envelope,
})

/** `GET /v1/account/credit/balance`. */
export const balanceSchema = z.looseObject({ remainingCredits: numberish })

/** An async result list: a JSON array of page links (or an object holding it as `urls` or `body`). */
export const resultListSchema = z.union([
  z.array(z.string()),
  z.looseObject({ urls: z.array(z.string()) }).transform((o) => o.urls),
  z.looseObject({ body: z.array(z.string()) }).transform((o) => o.body),
])

/** The states job/check reports; a 2xx answer with one of them is a value, even `failed`. */
export const JOB_STATES: ReadonlySet<string> = new Set(['working', 'success', 'failed', 'aborted', 'unknown'])

/** `value` checked against `schema`. @throws PdfCoError 'pdfco/bad-response' naming the first bad field. */
export function validate<S extends z.ZodType>(operation: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw badResponse(operation, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
  }
  return result.data
}

/** The body as JSON (a leading BOM and whitespace ignored), or undefined when empty or not JSON. */
export function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '').trim()
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** Turns a literal `\u0026` left in a link (JSON escaped twice by the server) back into `&`. */
export function unescapeUrl(url: string): string {
  return url.replace(/\\u0026/gi, '&').trim()
}

/** The first 80 bytes of a body, for error messages (`(empty body)` when empty). */
export function describeBody(bytes: Buffer): string {
  const text = bytes.subarray(0, 80).toString('utf8').replace(/\s+/g, ' ')
  return text === '' ? '(empty body)' : JSON.stringify(text)
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
