/**
 * Limits and defaults of conversion options, declared once for main, the CLI and the renderer.
 * Pure: no electron, node or DOM.
 */

/** Resolution range of the local engine, in dots per inch. */
export const LOCAL_DPI_MIN = 72
export const LOCAL_DPI_MAX = 600
/** Default resolution of the local engine (DPI), as pdftoppm's common use and PDF.co's output. */
export const LOCAL_DPI_DEFAULT = 150
/** Range of "fit the long side to N pixels" of the local engine, in pixels. */
export const SCALE_TO_PX_MIN = 16
export const SCALE_TO_PX_MAX = 16_384
/** JPG and WebP quality range (integer) and default. */
export const QUALITY_MIN = 1
export const QUALITY_MAX = 100
export const QUALITY_DEFAULT = 90
/** Conversions run at once (PDF.co's rate limits allow 2-25 requests per second, by plan). */
export const CONCURRENCY_MIN = 1
export const CONCURRENCY_MAX = 8
export const CONCURRENCY_DEFAULT = 2
/** Widths (px) the thumbnail protocol serves; anything else is a 400. */
export const THUMB_WIDTHS = [160, 320, 1024] as const
/** One of {@link THUMB_WIDTHS}. */
export type ThumbWidth = (typeof THUMB_WIDTHS)[number]
/** Width (px) of the grid's page thumbnails: the one engines make from the bitmap they hold. */
export const GRID_THUMB_WIDTH: ThumbWidth = 160
