/**
 * Request parameters of the emulator's API calls: query string merged with a JSON,
 * x-www-form-urlencoded or multipart/form-data body (PDF.co accepts all three).
 */

/** Parsed parameters; body values win over query values of the same name. */
export type Params = Record<string, unknown>

/** Outcome of {@link parseParams}. */
export type ParamsResult = { readonly ok: true; readonly params: Params } | { readonly ok: false; readonly message: string }

/**
 * Merges the query with the body, by the request's Content-Type.
 *
 * Multipart parts that are files are recorded as `{ fileName, sizeBytes }` (the emulator has no
 * use for their bytes). An unknown or missing Content-Type with a non-empty body is tried as JSON,
 * then as a form.
 */
export async function parseParams(query: URLSearchParams, contentType: string | undefined, body: Buffer): Promise<ParamsResult> {
  const params: Params = {}
  for (const [k, v] of query) params[k] = v
  if (body.length === 0) return { ok: true, params }
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const text = (): string => body.toString('utf8')
  try {
    if (type === 'application/json' || type.endsWith('+json')) {
      Object.assign(params, asObject(JSON.parse(text())))
    } else if (type === 'application/x-www-form-urlencoded') {
      for (const [k, v] of new URLSearchParams(text())) params[k] = v
    } else if (type === 'multipart/form-data') {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType ?? '' } }).formData()
      for (const [k, v] of form) {
        params[k] = typeof v === 'string' ? v : { fileName: v.name, sizeBytes: v.size }
      }
    } else {
      const t = text().trim()
      if (t.startsWith('{')) Object.assign(params, asObject(JSON.parse(t)))
      else for (const [k, v] of new URLSearchParams(t)) params[k] = v
    }
  } catch (err) {
    return { ok: false, message: `Cannot parse the request body (${type || 'no content type'}): ${err instanceof Error ? err.message : String(err)}` }
  }
  return { ok: true, params }
}

function asObject(value: unknown): Params {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('the JSON body must be an object')
  return value as Params
}

/** A parameter as a string (numbers and booleans stringified), or undefined when absent/empty. */
export function paramString(params: Params, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = params[name]
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  }
  return undefined
}

/** PDF.co booleans: JSON `true`, or `"true"` / `"True"` / `"1"` in forms and query strings. */
export function paramBool(params: Params, name: string): boolean {
  const v = params[name]
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string') return ['true', '1', 'yes'].includes(v.trim().toLowerCase())
  return false
}
