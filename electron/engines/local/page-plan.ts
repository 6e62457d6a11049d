/**
 * Pixel size of each page, computed before anything is rendered.
 *
 * Input is the page's displayed size in points at scale 1, as PDFium measures it: the
 * CropBox (clipped to the MediaBox) after /Rotate (inherited too) and multiplied by /UserUnit
 * (PDF 32000-2 §7.7.3.3 table 31, §14.11.2). One point is 1/72 inch, so at `dpi` the page is
 * `round(widthPt * dpi / 72)` pixels wide, the rounding poppler's `pdftoppm` matches to ±1 px
 * (it rounds up). pdftoppm ignores /UserUnit; viewers apply it, and so do we.
 *
 * Pages over the pixel limit are not refused: they are rendered at the highest resolution that
 * fits, and the plan says so (`reducedFromDpi`), for a warning naming the page and effective DPI.
 */
import type { Resolution } from './options.ts'

/** A resolution for planning: the user's (DPI or long side) or an exact width (thumbnails). */
export type PlanResolution = Resolution | { readonly kind: 'width'; readonly widthPx: number }

/** A page's displayed size in PDF points (1/72 inch) at scale 1. */
export interface PageGeometry {
  /** 1-based page number. */
  readonly page: number
  readonly widthPt: number
  readonly heightPt: number
}

/** Limits for one page's raster. */
export interface PixelLimits {
  /** Most pixels (width x height) of one page. */
  readonly maxPagePixels: number
  /** Longest side in pixels (the renderer's limit, or the output format's: WebP 16383, JPEG 65500). */
  readonly maxSidePx: number
  /** Set when `maxSidePx` comes from the output format, for the warning: e.g. "WebP". */
  readonly sideLimitFormat?: string | undefined
}

/** How one page will be rendered. */
export interface PagePlan {
  readonly page: number
  readonly widthPx: number
  readonly heightPx: number
  /** Pixels per displayed point (`dpi / 72`); the renderer fits the page to `widthPx` x `heightPx`. */
  readonly scale: number
  /** Effective resolution in pixels per inch of the displayed page. */
  readonly dpi: number
  /** Set when the page was too large: the DPI it would have had. */
  readonly reducedFromDpi?: number
}

/** Default limit: 40 MP, e.g. A4 at 600 DPI (4961 x 7016 = 34.8 MP) fits; about 160 MB of RGBA. */
export const DEFAULT_MAX_PAGE_PIXELS = 40_000_000
/** Largest bitmap side the renderer is asked for. */
export const MAX_CANVAS_SIDE_PX = 32_767
/** Largest image side of each output format (WebP: 14-bit dimensions; JPEG: 16-bit, libjpeg caps at 65500). */
export const FORMAT_MAX_SIDE_PX: Readonly<Record<string, number>> = { webp: 16_383, jpg: 65_500 }

/**
 * The limits of one page in `format`: the renderer's, tightened by the format's largest side
 * (a WebP page taller than 16383 px is lowered to fit instead of failing).
 */
export function limitsForFormat(base: PixelLimits, format: string): PixelLimits {
  const formatSide = FORMAT_MAX_SIDE_PX[format]
  if (formatSide === undefined || formatSide >= base.maxSidePx) return base
  return { ...base, maxSidePx: formatSide, sideLimitFormat: format === 'jpg' ? 'JPEG' : format === 'webp' ? 'WebP' : format.toUpperCase() }
}

/**
 * Plans one page (see the module comment): pixel size, viewport scale and effective DPI, lowered
 * to fit `limits` when needed. Never throws.
 */
export function planPage(geometry: PageGeometry, resolution: PlanResolution, limits: PixelLimits): PagePlan {
  const widthPt = Math.max(geometry.widthPt, 1e-6)
  const heightPt = Math.max(geometry.heightPt, 1e-6)
  const wanted = sizeFor(widthPt, heightPt, resolution)
  const pxPerPt = wanted.pxPerPt
  const dpi = pxPerPt * 72
  if (fits(wanted.widthPx, wanted.heightPx, limits)) {
    return { page: geometry.page, widthPx: wanted.widthPx, heightPx: wanted.heightPx, scale: pxPerPt, dpi }
  }
  // Largest scale within the limits, then shrink by whole pixels until rounding fits too.
  let k = Math.min(
    Math.sqrt(limits.maxPagePixels / (widthPt * heightPt * pxPerPt * pxPerPt)),
    limits.maxSidePx / (Math.max(widthPt, heightPt) * pxPerPt),
    1,
  )
  let widthPx = 0
  let heightPx = 0
  for (let i = 0; i < 64; i++) {
    widthPx = Math.max(1, Math.floor(widthPt * pxPerPt * k))
    heightPx = Math.max(1, Math.floor(heightPt * pxPerPt * k))
    if (fits(widthPx, heightPx, limits)) break
    k *= 0.999
  }
  const reducedPxPerPt = pxPerPt * k
  return {
    page: geometry.page,
    widthPx,
    heightPx,
    scale: reducedPxPerPt,
    dpi: reducedPxPerPt * 72,
    reducedFromDpi: dpi,
  }
}

/** The warning text for a page whose resolution was lowered, or undefined when it was not. */
export function oversizeWarning(plan: PagePlan, limits: PixelLimits): string | undefined {
  if (plan.reducedFromDpi === undefined) return undefined
  const mp = (limits.maxPagePixels / 1e6).toFixed(0)
  const reason =
    limits.sideLimitFormat !== undefined && plan.widthPx * plan.heightPx < limits.maxPagePixels * 0.999
      ? `${limits.sideLimitFormat} images are at most ${limits.maxSidePx} px a side`
      : `over ${mp} megapixels or ${limits.maxSidePx} px a side`
  return (
    `Page ${plan.page} is too large to render at ${formatDpi(plan.reducedFromDpi)} DPI ` +
    `(${reason}): rendered at ${formatDpi(plan.dpi)} DPI ` +
    `(${plan.widthPx}x${plan.heightPx} px) instead`
  )
}

/** DPI for messages: whole numbers as such, else one decimal. */
export function formatDpi(dpi: number): string {
  const rounded = Math.round(dpi * 10) / 10
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1)
}

function sizeFor(widthPt: number, heightPt: number, resolution: PlanResolution): { widthPx: number; heightPx: number; pxPerPt: number } {
  if (resolution.kind === 'width') {
    const pxPerPt = resolution.widthPx / widthPt
    return { widthPx: resolution.widthPx, heightPx: Math.max(1, Math.round(heightPt * pxPerPt)), pxPerPt }
  }
  if (resolution.kind === 'dpi') {
    const pxPerPt = resolution.dpi / 72
    return { widthPx: Math.max(1, Math.round(widthPt * pxPerPt)), heightPx: Math.max(1, Math.round(heightPt * pxPerPt)), pxPerPt }
  }
  const long = resolution.longSidePx
  const pxPerPt = long / Math.max(widthPt, heightPt)
  return widthPt >= heightPt
    ? { widthPx: long, heightPx: Math.max(1, Math.round(heightPt * pxPerPt)), pxPerPt }
    : { widthPx: Math.max(1, Math.round(widthPt * pxPerPt)), heightPx: long, pxPerPt }
}

function fits(widthPx: number, heightPx: number, limits: PixelLimits): boolean {
  return widthPx * heightPx <= limits.maxPagePixels && widthPx <= limits.maxSidePx && heightPx <= limits.maxSidePx
}
