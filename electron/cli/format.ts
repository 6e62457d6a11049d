/**
 * Small text helpers of the CLI's printers: status icons and lines, percentages, seconds, sizes.
 */
import type { FileView } from './file-view.ts'

/** The status icon of a file. */
export function icon(v: FileView): string {
  switch (v.state) {
    case 'done':
      return '✓'
    case 'failed':
      return '✗'
    case 'cancelled':
      return '-'
    case 'queued':
      return '·'
    default:
      return '›'
  }
}

/** A file's status in words, for the redrawn block. */
export function describe(v: FileView): string {
  const t = Date.now()
  switch (v.state) {
    case 'queued':
      return 'queued'
    case 'inspecting':
      return 'reading the PDF'
    case 'uploading':
      return `uploading ${percent(v.bytesSent, v.bytesTotal)}`
    case 'converting':
      return `converting ${seconds(t - (v.convertingSinceMs ?? t))}${v.jobs > 1 ? ` (${v.jobs} jobs)` : ''}${v.pagesDone > 0 ? `, ${v.pagesDone}/${v.pagesTotal ?? '?'} pages` : ''}`
    case 'downloading':
      return `downloading ${v.pagesDone}/${v.pagesTotal ?? '?'}`
    case 'done':
      return `done: ${v.pagesDone} pages in ${seconds((v.endedMs ?? t) - (v.startedMs ?? t))}`
    case 'failed':
      return `failed: ${v.error?.message ?? ''}`
    case 'cancelled':
      return 'cancelled'
  }
}

/** `3` or `3-7`: the span of a job's pages. */
export function describePages(pages: readonly number[]): string {
  if (pages.length === 0) return ''
  const first = pages[0]
  const last = pages[pages.length - 1]
  return pages.length === 1 ? `${first}` : `${first}-${last}`
}

/** Floor percentage, e.g. `42%`. */
export function percent(a: number, b: number): string {
  return b <= 0 ? '0%' : `${Math.floor((a / b) * 100)}%`
}

/** Milliseconds as seconds with one decimal, e.g. `1.5 s`. */
export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`
}

/** Byte count in B, KB, MB or GB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}

/** Keeps the end (the file name) of a long path: `…/folder/file.pdf`. */
export function truncateStart(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(s.length - max + 1)}`
}

/** Keeps the start of a long line: `text…`. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`
}
