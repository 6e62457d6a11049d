/**
 * The visual page picker under a file: the PDF's pages as thumbnails rendered locally
 * (`<pageThumbUrlBase><page>?w=160`, ids only), in a virtualized grid. Click toggles a page,
 * shift-click sets the span from the last clicked page to the same state, Space/Enter act as
 * clicks on the focused page and arrow keys move between pages. Selected pages carry a check mark
 * and `aria-pressed`.
 *
 * The selection is never stored: it is derived from the page-range text (`selectPickedPages`), and
 * every click writes new text (`nextPageRangeText`), so the field and the picker cannot disagree.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import type { FileId } from '../../electron/ipc/contract.ts'
import { plural } from '../lib/format.ts'
import { useContainerWidth } from '../lib/use-container-width.ts'
import { nextPageRangeText, pageSpan } from '../lib/page-pick.ts'
import { selectPickedPages } from '../store/selectors.ts'
import { useAppStore } from '../store/store.ts'
import { CheckIcon } from './icons.tsx'

/** Layout constants in CSS pixels (must match `.picker-*` in styles.css). */
const CELL_WIDTH_PX = 104
const GAP_PX = 8
const ROW_HEIGHT_PX = 168
const MAX_VIEW_HEIGHT_PX = 360
const FALLBACK_WIDTH_PX = 800

/** Width (px) requested from the thumbnail protocol for picker cells. */
export const PICKER_THUMB_WIDTH = 160

/** Columns that fit a container width. */
export function pickerColumnsFor(widthPx: number): number {
  return Math.max(1, Math.floor((widthPx + GAP_PX) / (CELL_WIDTH_PX + GAP_PX)))
}

interface PagePickerProps {
  readonly fileId: FileId
  readonly fileName: string
  readonly pageCount: number
  /** `FileDescriptor.pageThumbUrlBase`. */
  readonly thumbUrlBase: string
  /** True while the file converts (its range cannot change then). */
  readonly isDisabled: boolean
  readonly id: string
}

/** The picker grid with its summary line. */
export function PagePicker({ fileId, fileName, pageCount, thumbUrlBase, isDisabled, id }: PagePickerProps) {
  const picked = useAppStore((s) => selectPickedPages(s, fileId))
  const setPageRange = useAppStore((s) => s.setPageRange)
  const scrollRef = useRef<HTMLDivElement>(null)
  const columns = pickerColumnsFor(useContainerWidth(scrollRef, FALLBACK_WIDTH_PX))
  const virtualizer = useVirtualizer({
    count: Math.ceil(pageCount / columns),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 2,
    initialRect: { width: FALLBACK_WIDTH_PX, height: MAX_VIEW_HEIGHT_PX },
  })
  const focus = useRovingFocus(scrollRef, pageCount, columns, (row) => virtualizer.scrollToIndex(row, { align: 'auto' }))
  const [message, setMessage] = useState('')
  const pick = usePick({ picked, pageCount, isDisabled, onFocus: focus.setFocusPage, onMessage: setMessage, onText: (text) => setPageRange(fileId, text) })

  if (picked === null) return null
  const totalHeightPx = virtualizer.getTotalSize()
  return (
    <div className="picker" id={id}>
      <PickerHead
        summary={pickerSummary(picked, pageCount)}
        isAllDisabled={isDisabled || picked.isAll}
        onAll={() => {
          setMessage('')
          setPageRange(fileId, '')
        }}
      />
      {message !== '' && (
        <p className="picker-message" role="alert">
          {message}
        </p>
      )}
      <div
        ref={scrollRef}
        className="picker-scroll"
        role="group"
        aria-label={`Choose pages of ${fileName}`}
        aria-disabled={isDisabled || undefined}
        style={{ height: Math.min(totalHeightPx, MAX_VIEW_HEIGHT_PX) }}
        onKeyDown={focus.onKeyDown}
      >
        <div className="picker-canvas" style={{ height: totalHeightPx }}>
          {virtualizer.getVirtualItems().map((row) => {
            const first = row.index * columns + 1
            return (
              <div key={row.key} className="picker-row" style={{ transform: `translateY(${row.start}px)` }}>
                {pageSpan(first, Math.min(pageCount, first + columns - 1)).map((page) => (
                  <PickerPage
                    key={page}
                    page={page}
                    src={`${thumbUrlBase}${page}?w=${PICKER_THUMB_WIDTH}`}
                    isSelected={picked.pages.has(page)}
                    isFocusable={page === focus.focusPage}
                    isDisabled={isDisabled}
                    isScrolling={virtualizer.isScrolling}
                    onPick={pick}
                  />
                ))}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

type Picked = NonNullable<ReturnType<typeof selectPickedPages>>

/** The summary line: how many pages are selected, or that the typed range is not valid. */
export function pickerSummary(picked: Picked, pageCount: number): string {
  if (!picked.isValid) return 'The page range above is not valid; click pages to start a new selection.'
  if (picked.isAll) return pageCount === 1 ? 'The only page is selected' : `All ${pageCount} pages selected`
  return `${picked.pages.size} of ${plural(pageCount, 'page')} selected`
}

/** The picker's head: summary, hint, and the All pages button. */
function PickerHead({ summary, isAllDisabled, onAll }: { readonly summary: string; readonly isAllDisabled: boolean; readonly onAll: () => void }) {
  return (
    <div className="picker-head">
      <p className="picker-summary" role="status">
        {summary}
      </p>
      <p className="picker-hint">Click to select · Shift-click for a span · arrow keys + Space</p>
      <button type="button" className="button button-quiet button-small" disabled={isAllDisabled} onClick={onAll}>
        All pages
      </button>
    </div>
  )
}

/**
 * The roving focus of the grid: the one focusable page, arrow/Home/End moves, and DOM focus moved
 * once the target's cell is rendered (after `scrollToRow` brought its row in).
 */
function useRovingFocus(scrollRef: RefObject<HTMLDivElement | null>, pageCount: number, columns: number, scrollToRow: (row: number) => void) {
  const [focusPage, setFocusPage] = useState(1)
  const pendingFocus = useRef<number | null>(null)
  useEffect(() => {
    const page = pendingFocus.current
    if (page === null) return
    const el = scrollRef.current?.querySelector<HTMLButtonElement>(`[data-page="${page}"]`)
    if (el !== null && el !== undefined) {
      el.focus({ preventScroll: true })
      pendingFocus.current = null
    }
  })
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const moves: Record<string, number> = {
      ArrowRight: focusPage + 1,
      ArrowLeft: focusPage - 1,
      ArrowDown: focusPage + columns,
      ArrowUp: focusPage - columns,
      Home: 1,
      End: pageCount,
    }
    const target = moves[e.key]
    if (target === undefined) return
    e.preventDefault()
    const page = Math.min(pageCount, Math.max(1, target))
    setFocusPage(page)
    pendingFocus.current = page
    scrollToRow(Math.floor((page - 1) / columns))
  }
  return { focusPage, setFocusPage, onKeyDown }
}

/**
 * A click on a page: toggles it, or (Shift) sets the span from the last plain click to that
 * click's state; writes the new range text, or says why it cannot (no page would stay selected).
 */
function usePick(args: {
  readonly picked: Picked | null
  readonly pageCount: number
  readonly isDisabled: boolean
  readonly onFocus: (page: number) => void
  readonly onMessage: (message: string) => void
  readonly onText: (text: string) => void
}): (page: number, isSpan: boolean) => void {
  /** The last page clicked without Shift and the state it got: the start of a shift-click span. */
  const anchor = useRef<{ readonly page: number; readonly select: boolean } | null>(null)
  return (page, isSpan) => {
    const { picked, pageCount, isDisabled } = args
    if (isDisabled || picked === null) return
    const base = picked.isValid ? picked.pages : new Set<number>()
    let change: { pages: number[]; select: boolean }
    if (isSpan && anchor.current !== null) {
      change = { pages: pageSpan(anchor.current.page, page), select: anchor.current.select }
    } else {
      change = { pages: [page], select: !base.has(page) }
      anchor.current = { page, select: change.select }
    }
    args.onFocus(page)
    const text = nextPageRangeText(base, pageCount, change)
    if (text === null) {
      args.onMessage('At least one page stays selected. To convert every page, choose “All pages”.')
      return
    }
    args.onMessage('')
    args.onText(text)
  }
}

interface PickerPageProps {
  readonly page: number
  readonly src: string
  readonly isSelected: boolean
  /** The one page in the tab order (roving tabindex). */
  readonly isFocusable: boolean
  readonly isDisabled: boolean
  /** True while the grid scrolls: cells that appear then wait to request their image. */
  readonly isScrolling: boolean
  readonly onPick: (page: number, isSpan: boolean) => void
}

/** One page: a toggle button with the page's thumbnail, its number and a check mark when selected. */
const PickerPage = memo(function PickerPage({ page, src, isSelected, isFocusable, isDisabled, isScrolling, onPick }: PickerPageProps) {
  const [isBroken, setBroken] = useState(false)
  const [shouldLoad, setShouldLoad] = useState(!isScrolling)
  useEffect(() => {
    if (!isScrolling) setShouldLoad(true)
  }, [isScrolling])
  return (
    <button
      type="button"
      className="picker-page"
      data-page={page}
      aria-pressed={isSelected}
      aria-label={`Page ${page}`}
      aria-disabled={isDisabled || undefined}
      tabIndex={isFocusable ? 0 : -1}
      // Keyboard activation (Space/Enter) fires click too, with Shift's state.
      onClick={(e) => onPick(page, e.shiftKey)}
    >
      <span className="picker-frame">
        {isBroken || !shouldLoad ? (
          <span className={isBroken ? 'thumb-broken' : 'thumb-pending'}>{isBroken ? page : ''}</span>
        ) : (
          <img src={src} alt="" decoding="async" draggable={false} onError={() => setBroken(true)} />
        )}
        <span className="picker-check" aria-hidden="true">
          {isSelected && <CheckIcon size={14} />}
        </span>
      </span>
      <span className="picker-caption" aria-hidden="true">
        {page}
      </span>
    </button>
  )
})
