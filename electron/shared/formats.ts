/**
 * Output image formats and their facts. Pure: shared by main, CLI and renderer.
 */

export const OUTPUT_FORMATS = ['png', 'jpg', 'webp', 'tiff'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** File extension (no dot) written for each format. */
export const FORMAT_EXTENSION: Readonly<Record<OutputFormat, string>> = {
  png: 'png',
  jpg: 'jpg',
  webp: 'webp',
  tiff: 'tif',
}

/** Human label for menus. */
export const FORMAT_LABEL: Readonly<Record<OutputFormat, string>> = {
  png: 'PNG',
  jpg: 'JPG',
  webp: 'WebP',
  tiff: 'TIFF',
}

/** True when `value` is one of {@link OUTPUT_FORMATS}. */
export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value)
}

/**
 * How a TIFF conversion writes its pages: one file per page (`report-01.tif` …, like the other
 * formats) or one multi-page file (`report.tif`, PDF.co's own TIFF result).
 */
export const TIFF_LAYOUTS = ['page-files', 'multi-page'] as const
export type TiffLayout = (typeof TIFF_LAYOUTS)[number]
/** The layout while the user has not chosen one: one file per page, as every other format. */
export const DEFAULT_TIFF_LAYOUT: TiffLayout = 'page-files'
