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
