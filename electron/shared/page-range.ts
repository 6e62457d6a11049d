/**
 * Page ranges as people type them (1-based) and their translation to PDF.co's 0-based `pages`.
 *
 * This is the one place where 1-based page numbers become 0-based PDF.co indices
 * (PDF.co's `pages` parameter: https://docs.pdf.co/api-reference). Pure TypeScript: no electron, node or DOM imports, so the
 * renderer validates the same grammar live.
 *
 * Grammar (case-insensitive, whitespace allowed around every token):
 *   range-list := item (separator item)*   — empty text means all pages
 *   separator  := "," | whitespace         — repeated or trailing commas are ignored
 *   item       := page | page "-" page | page "-"
 *   page       := positive integer | "last"
 * As people type it: en and em dashes (and the minus sign, the non-breaking hyphen, the
 * full-width hyphen) count as "-", full-width digits and commas (and the ideographic comma) as
 * their ASCII forms (see {@link normalizePageRangeText}). Errors quote the part as it was typed.
 */

/** An inclusive span of 1-based page numbers. */
export interface PageSpan {
  readonly from: number
  readonly to: number
}

/** One problem found in a range text, naming the part that is wrong. */
export interface PageRangeIssue {
  /** The item as typed, e.g. `"3-1"`. */
  readonly part: string
  readonly message: string
}

export type PageRangeResult =
  | { readonly ok: true; readonly pages: readonly number[]; readonly spans: readonly PageSpan[] }
  | { readonly ok: false; readonly issues: readonly PageRangeIssue[] }

const PAGE_TOKEN = /^(\d+|last)$/i

function parsePageToken(token: string, pageCount: number): number | null {
  const t = token.trim()
  if (!PAGE_TOKEN.test(t)) return null
  return t.toLowerCase() === 'last' ? pageCount : Number.parseInt(t, 10)
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/**
 * Parses and validates a 1-based page-range text against a PDF's page count.
 *
 * @param text what the user typed, e.g. `"1, 3-5, 8-"`, `"last"`; empty or blank = every page.
 * @param pageCount pages in the PDF (≥ 1).
 * @returns the sorted, de-duplicated 1-based pages and the merged spans, or every issue found,
 *   each naming its part ("page 9 is past the end: this PDF has 4 pages", "3-1 is reversed").
 *   Never throws.
 */
export function parsePageRange(text: string, pageCount: number): PageRangeResult {
  const issues: PageRangeIssue[] = []
  const trimmed = text.trim()
  if (pageCount < 1) {
    return { ok: false, issues: [{ part: text, message: 'this PDF has no pages' }] }
  }
  if (trimmed === '') {
    return { ok: true, pages: range(1, pageCount), spans: [{ from: 1, to: pageCount }] }
  }
  const spans: PageSpan[] = []
  const normalized = normalizePageRangeText(text)
  for (const { start, end } of splitItems(normalized)) {
    // Same length as the text typed: each item's indices name its part as typed.
    const part = text.slice(start, end)
    const item = normalized.slice(start, end)
    const dash = item.indexOf('-')
    const fromText = dash === -1 ? item : item.slice(0, dash)
    const toText = dash === -1 ? item : item.slice(dash + 1)
    if (dash !== -1 && toText.includes('-')) {
      issues.push({ part, message: `"${part}" has more than one dash` })
      continue
    }
    if (fromText.trim() === '') {
      issues.push({ part, message: `"${part}" needs a first page, e.g. 1${part}` })
      continue
    }
    const from = parsePageToken(fromText, pageCount)
    const to = dash !== -1 && toText.trim() === '' ? pageCount : parsePageToken(toText, pageCount)
    if (from === null || to === null) {
      const bad = dash === -1 ? part : from === null ? part.slice(0, dash).trim() : part.slice(dash + 1).trim()
      issues.push({ part, message: `"${bad}" is not a page number (use numbers, ranges like 2-5, or "last")` })
      continue
    }
    if (from === 0 || to === 0) {
      issues.push({ part, message: 'pages are counted from 1' })
      continue
    }
    if (from > pageCount || to > pageCount) {
      const past = Math.max(from, to)
      issues.push({ part, message: `page ${past} is past the end: this PDF has ${plural(pageCount, 'page')}` })
      continue
    }
    if (from > to) {
      issues.push({ part, message: `${part} is reversed (write ${to}-${from})` })
      continue
    }
    spans.push({ from, to })
  }
  if (issues.length > 0) return { ok: false, issues }
  if (spans.length === 0) return { ok: false, issues: [{ part: text, message: 'no page numbers: type pages like 1, 3-5, 8-' }] }
  const merged = mergeSpans(spans)
  return { ok: true, pages: merged.flatMap((s) => range(s.from, s.to)), spans: merged }
}

/** Characters people type for "-" besides it: hyphen, non-breaking hyphen, en/em dash, minus, full-width. */
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D]/g
/** Commas besides ",": full-width, ideographic, small. */
const COMMAS = /[\uFF0C\u3001\uFE50]/g
/** Full-width digits U+FF10-U+FF19. */
const WIDE_DIGITS = /[\uFF10-\uFF19]/g

/**
 * Puts a range text in the ASCII form the grammar reads: dashes to "-", commas to ",", full-width
 * digits to 0-9, other whitespace (e.g. no-break or ideographic space) to " ".
 *
 * @returns a text of the same length: every replacement is one UTF-16 unit for one, so positions
 *   in it are positions in the text as typed.
 */
export function normalizePageRangeText(text: string): string {
  return text
    .replace(DASHES, '-')
    .replace(COMMAS, ',')
    .replace(WIDE_DIGITS, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/\s/g, ' ')
}

/**
 * Splits a normalized range text into items at commas and spaces; spaces next to a dash stay
 * inside the item ("3 - 5" is one item). Empty items (repeated commas) are dropped.
 *
 * @returns [start, end) indices of each item, trimmed.
 */
function splitItems(text: string): { readonly start: number; readonly end: number }[] {
  const words: { start: number; end: number }[] = []
  const re = /[^,\s]+/g
  for (let m = re.exec(text); m !== null; m = re.exec(text)) words.push({ start: m.index, end: m.index + m[0].length })
  const items: { start: number; end: number }[] = []
  for (const w of words) {
    const last = items[items.length - 1]
    const between = last === undefined ? '' : text.slice(last.end, w.start)
    const joins = last !== undefined && !between.includes(',') && (text[last.end - 1] === '-' || text[w.start] === '-')
    if (joins) last.end = w.end
    else items.push({ ...w })
  }
  return items
}

/** Joins the issues of a failed parse into one sentence for a field's error text. */
export function describePageRangeIssues(issues: readonly PageRangeIssue[]): string {
  return issues.map((i) => i.message).join('; ')
}

/**
 * Sorts and merges overlapping or touching spans.
 *
 * @param spans 1-based inclusive spans, any order.
 */
export function mergeSpans(spans: readonly PageSpan[]): PageSpan[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from)
  const out: PageSpan[] = []
  for (const s of sorted) {
    const last = out[out.length - 1]
    if (last && s.from <= last.to + 1) {
      out[out.length - 1] = { from: last.from, to: Math.max(last.to, s.to) }
    } else {
      out.push({ ...s })
    }
  }
  return out
}

/**
 * Turns 1-based page numbers into PDF.co's 0-based `pages` parameter (see https://docs.pdf.co/api-reference).
 *
 * @param pages 1-based page numbers (any order, duplicates allowed).
 * @returns e.g. `[2,3,4,7]` → `"1-3,6"`.
 */
export function toPdfCoPages(pages: readonly number[]): string {
  const spans = mergeSpans(pages.map((p) => ({ from: p, to: p })))
  return spans.map((s) => (s.from === s.to ? `${s.from - 1}` : `${s.from - 1}-${s.to - 1}`)).join(',')
}

/**
 * Compresses 1-based pages back into the people's grammar, e.g. `[1,2,3,5]` → `"1-3, 5"`.
 * Used to keep a visual selection and the range text field in sync.
 */
export function formatPageRange(pages: readonly number[]): string {
  return mergeSpans(pages.map((p) => ({ from: p, to: p })))
    .map((s) => (s.from === s.to ? `${s.from}` : `${s.from}-${s.to}`))
    .join(', ')
}

/** `[from, from+1, …, to]`. */
export function range(from: number, to: number): number[] {
  const out: number[] = []
  for (let i = from; i <= to; i++) out.push(i)
  return out
}
