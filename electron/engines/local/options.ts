/**
 * Render options of the local engine: resolution as DPI or "fit the long side to N px",
 * JPG/WebP quality, colour mode, background and the multi-page TIFF switch.
 *
 * Options come from two places, merged per conversion: engine-wide defaults given to
 * `createLocalEngine({ defaults })` (e.g. the app's settings) and a request's own `local` field
 * ({@link LocalConversionRequest}). A request that sets `dpi` or `scaleToPx` replaces both of the
 * defaults' resolution fields. Each object is validated with zod; the merged result is checked
 * against the output format. Every problem is an InputError 'input/invalid' naming the option.
 */
import { z } from 'zod'
import { InputError } from '../../errors.ts'
import type { ConversionRequest } from '../types.ts'
import type { OutputFormat } from '../../shared/formats.ts'

/** Smallest and largest DPI accepted. */
export const MIN_DPI = 72
export const MAX_DPI = 600
/** Default resolution, as pdftoppm's common use and the PDF.co engine's output. */
export const DEFAULT_LOCAL_DPI = 150
/** Accepted range of `scaleToPx` (long side of the image, pixels). */
export const MIN_SCALE_TO_PX = 16
export const MAX_SCALE_TO_PX = 16_384
/** Default JPG/WebP quality (1-100). */
export const DEFAULT_LOCAL_QUALITY = 90

/** Colour mode: full colour, 8-bit greyscale, or black-and-white (1 bit where the format allows). */
export type ColorMode = 'color' | 'gray' | 'bw'
/** Background of the page: white (default) or transparent (PNG and WebP only). */
export type BackgroundMode = 'white' | 'transparent'

/** How the local engine renders; every field is optional (defaults in the field docs). */
export interface LocalRenderOptions {
  /** Dots per inch, 72-600; default 150. Exclusive with `scaleToPx` in one options object. */
  readonly dpi?: number | undefined
  /** Fit the page's long side to exactly this many pixels (16-16384); the DPI follows. */
  readonly scaleToPx?: number | undefined
  /** JPG and WebP quality, integer 1-100; default 90. Ignored by PNG and TIFF. */
  readonly quality?: number | undefined
  /** Default 'color'. WebP has no greyscale mode: its pixels are grey but stored as RGB. */
  readonly color?: ColorMode | undefined
  /** Default 'white'. 'transparent' needs PNG or WebP; JPG and TIFF are always on white. */
  readonly background?: BackgroundMode | undefined
  /**
   * TIFF only: one multi-page file (`name.tif`, PDF.co's naming) instead of one file per page
   * (`name-01.tif`). Default false.
   */
  readonly multiPageTiff?: boolean | undefined
}

/** A conversion request carrying local render options (the engine reads `local`; others ignore it). */
export interface LocalConversionRequest extends ConversionRequest {
  readonly local?: LocalRenderOptions | undefined
}

/** Resolution after validation: one of the two ways. */
export type Resolution = { readonly kind: 'dpi'; readonly dpi: number } | { readonly kind: 'scale-to'; readonly longSidePx: number }

/** Fully resolved, validated options of one conversion. */
export interface ResolvedLocalOptions {
  readonly format: OutputFormat
  readonly resolution: Resolution
  readonly quality: number
  readonly color: ColorMode
  /** Only ever 'transparent' for PNG and WebP. */
  readonly background: BackgroundMode
  /** Only ever true for TIFF. */
  readonly multiPageTiff: boolean
}

const localRenderOptionsSchema = z
  .object({
    dpi: z
      .number({ error: 'must be a number' })
      .refine(Number.isFinite, 'must be a finite number')
      .refine((v) => v >= MIN_DPI && v <= MAX_DPI, `must be between ${MIN_DPI} and ${MAX_DPI}`)
      .optional(),
    scaleToPx: z
      .number({ error: 'must be a number' })
      .int('must be a whole number of pixels')
      .refine((v) => v >= MIN_SCALE_TO_PX && v <= MAX_SCALE_TO_PX, `must be between ${MIN_SCALE_TO_PX} and ${MAX_SCALE_TO_PX} px`)
      .optional(),
    quality: z
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .refine((v) => v >= 1 && v <= 100, 'must be between 1 and 100')
      .optional(),
    color: z.enum(['color', 'gray', 'bw'], { error: 'must be "color", "gray" or "bw"' }).optional(),
    background: z.enum(['white', 'transparent'], { error: 'must be "white" or "transparent"' }).optional(),
    multiPageTiff: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict()

/**
 * Validates one options object (engine defaults or a request's `local`).
 *
 * `undefined` fields count as absent. @param where names the object in messages, e.g. "request".
 * @throws InputError 'input/invalid' naming the first bad option and the value given, e.g.
 *   `Local render option "dpi" must be between 72 and 600 (got 700)`; unknown keys and setting
 *   both `dpi` and `scaleToPx` are errors too.
 */
export function validateLocalRenderOptions(value: unknown, where = 'options'): LocalRenderOptions {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('input/invalid', `Local render ${where} must be an object`)
  }
  const defined = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
  const parsed = localRenderOptionsSchema.safeParse(defined)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    if (issue?.code === 'unrecognized_keys') {
      throw new InputError('input/invalid', `Unknown local render option${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`)
    }
    const key = String(issue?.path[0] ?? '')
    const got = (defined as Record<string, unknown>)[key]
    throw new InputError('input/invalid', `Local render option "${key}" ${issue?.message ?? 'is invalid'} (got ${JSON.stringify(got)})`)
  }
  const options = parsed.data
  if (options.dpi !== undefined && options.scaleToPx !== undefined) {
    throw new InputError('input/invalid', 'Give either "dpi" or "scaleToPx" (fit the long side to N px), not both')
  }
  return options
}

/**
 * Merges engine defaults with a request's options and checks them against the output format.
 *
 * @throws InputError 'input/invalid' (see {@link validateLocalRenderOptions}); also for a
 *   transparent background with JPG or TIFF, or `multiPageTiff` with another format.
 */
export function resolveLocalOptions(format: OutputFormat, defaults: unknown, override: unknown): ResolvedLocalOptions {
  const base = validateLocalRenderOptions(defaults, 'defaults')
  const own = validateLocalRenderOptions(override, 'options')
  const ownSetsResolution = own.dpi !== undefined || own.scaleToPx !== undefined
  const dpi = ownSetsResolution ? own.dpi : base.dpi
  const scaleToPx = ownSetsResolution ? own.scaleToPx : base.scaleToPx
  const background = own.background ?? base.background ?? 'white'
  const multiPageTiff = own.multiPageTiff ?? base.multiPageTiff ?? false
  if (background === 'transparent' && format !== 'png' && format !== 'webp') {
    throw new InputError(
      'input/invalid',
      `A transparent background needs PNG or WebP output; ${format.toUpperCase()} is always on white`,
    )
  }
  if (multiPageTiff && format !== 'tiff' && own.multiPageTiff === true) {
    throw new InputError('input/invalid', `"multiPageTiff" applies to TIFF output only, not ${format.toUpperCase()}`)
  }
  return {
    format,
    resolution:
      scaleToPx !== undefined ? { kind: 'scale-to', longSidePx: scaleToPx } : { kind: 'dpi', dpi: dpi ?? DEFAULT_LOCAL_DPI },
    quality: own.quality ?? base.quality ?? DEFAULT_LOCAL_QUALITY,
    color: own.color ?? base.color ?? 'color',
    background,
    multiPageTiff: multiPageTiff && format === 'tiff',
  }
}
