/**
 * Small display formatters (pure, locale-aware through Intl).
 */

const sizeUnits = ['bytes', 'KB', 'MB', 'GB'] as const

/**
 * Formats a size for people, e.g. `1 234 567` → `"1.2 MB"` (1 KB = 1000 bytes, like Finder and GNOME).
 *
 * @param sizeBytes a non-negative byte count.
 */
export function formatBytes(sizeBytes: number): string {
  let value = sizeBytes
  let unit = 0
  while (value >= 1000 && unit < sizeUnits.length - 1) {
    value /= 1000
    unit += 1
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${value.toFixed(digits)} ${sizeUnits[unit]}`
}

/**
 * Formats an elapsed time as `m:ss` (or `h:mm:ss` past an hour), e.g. `65_000` → `"1:05"`.
 *
 * @param durationMs milliseconds; negative values count as 0.
 */
export function formatDuration(durationMs: number): string {
  const totalSeconds = Math.max(0, Math.floor(durationMs / 1000))
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  const ss = String(seconds).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`
}

/** `1 page`, `3 pages`: a count with its noun in the right number. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/**
 * Images and pages, honestly: "12 images" when each page is its own image, "1 image, 12 pages"
 * for a multi-page TIFF.
 */
export function imagesText(images: number, pages: number): string {
  return images === pages ? plural(images, 'image') : `${plural(images, 'image')}, ${plural(pages, 'page')}`
}
