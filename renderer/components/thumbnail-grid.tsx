/**
 * The page thumbnails of one file, in a virtualized grid: only the rows in view (plus a small
 * overscan) are in the DOM, so a 1000-page file keeps a few dozen `<img>` elements.
 *
 * Images come with the page's event when the engine made one (`thumbnailDataUrl`), else from
 * `thumbUrl` (`pdf-thumb://…` in Electron, the harness's HTTP route in tests);
 * never a `file://` URL or a path.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useRef, useState } from 'react'
import type { OutputPageDto } from '../../electron/ipc/contract.ts'
import { useContainerWidth } from '../lib/use-container-width.ts'
import { dragOutHandler } from '../store/actions.ts'
import { GRID_THUMB_WIDTH } from '../../electron/shared/limits.ts'
import { useAppStore } from '../store/store.ts'

/** Layout constants in CSS pixels (must match `.thumb-*` in styles.css). */
const CELL_WIDTH_PX = 132
const GAP_PX = 10
const ROW_HEIGHT_PX = 214
const MAX_VIEW_HEIGHT_PX = 460
const FALLBACK_WIDTH_PX = 800

/** Width (px) requested from the thumbnail protocol for grid cells. */
export { GRID_THUMB_WIDTH }

interface ThumbnailGridProps {
  readonly outputs: readonly OutputPageDto[]
  readonly fileName: string
}

/** Columns that fit a container width. */
export function columnsFor(widthPx: number): number {
  return Math.max(1, Math.floor((widthPx + GAP_PX) / (CELL_WIDTH_PX + GAP_PX)))
}

/** The virtualized grid of a file's page images. */
export function ThumbnailGrid({ outputs, fileName }: ThumbnailGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const columns = columnsFor(useContainerWidth(scrollRef, FALLBACK_WIDTH_PX))
  const rowCount = Math.ceil(outputs.length / columns)
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 2,
    initialRect: { width: FALLBACK_WIDTH_PX, height: MAX_VIEW_HEIGHT_PX },
  })
  const totalHeightPx = virtualizer.getTotalSize()

  return (
    <div
      ref={scrollRef}
      className="thumb-scroll"
      role="list"
      aria-label={`Pages of ${fileName}`}
      style={{ height: Math.min(totalHeightPx, MAX_VIEW_HEIGHT_PX) }}
    >
      <div className="thumb-canvas" style={{ height: totalHeightPx }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div key={row.key} className="thumb-row" role="none" style={{ transform: `translateY(${row.start}px)` }}>
            {outputs.slice(row.index * columns, row.index * columns + columns).map((output, i) => (
              <Thumbnail
                key={output.id}
                output={output}
                fileName={fileName}
                position={row.index * columns + i + 1}
                setSize={outputs.length}
                isScrolling={virtualizer.isScrolling}
              />
            ))}
          </div>
        ))}
      </div>
    </div>
  )
}

interface ThumbnailProps {
  readonly output: OutputPageDto
  readonly fileName: string
  readonly position: number
  readonly setSize: number
  /** True while the grid scrolls: cells that appear then wait to request their image. */
  readonly isScrolling: boolean
}

/**
 * One cell: the image as a button that opens the large preview.
 *
 * A cell mounted during a fast scroll requests its image only once scrolling pauses, so flinging
 * through 1000 pages does not queue hundreds of thumbnails the user never sees; once requested,
 * the image stays.
 */
const Thumbnail = memo(function Thumbnail({ output, fileName, position, setSize, isScrolling }: ThumbnailProps) {
  const setPreview = useAppStore((s) => s.setPreview)
  const [isBroken, setBroken] = useState(false)
  const [shouldLoad, setShouldLoad] = useState(!isScrolling)
  useEffect(() => {
    if (!isScrolling) setShouldLoad(true)
  }, [isScrolling])
  const alt = output.pageCount > 1 ? `${output.pageCount} pages of ${fileName} in one image, from page ${output.page}` : `Page ${output.page} of ${fileName}`
  return (
    <div role="listitem" className="thumb-cell" aria-posinset={position} aria-setsize={setSize}>
      <button
        type="button"
        className="thumb"
        title={output.displayName}
        draggable
        onDragStart={dragOutHandler(output.id)}
        onClick={() => setPreview({ fileId: output.fileId, outputId: output.id })}
      >
        <span className="thumb-frame">
          {isBroken || !shouldLoad ? (
            <span className={isBroken ? 'thumb-broken' : 'thumb-pending'} role="img" aria-label={alt}>
              {isBroken ? `Page ${output.page}` : ''}
            </span>
          ) : (
            <img
              src={output.thumbnailDataUrl ?? `${output.thumbUrl}?w=${GRID_THUMB_WIDTH}`}
              alt={alt}
              decoding="async"
              draggable={false}
              onError={() => setBroken(true)}
            />
          )}
        </span>
        <span className="thumb-caption" aria-hidden="true">
          {output.pageCount > 1 ? `${output.page} · ${output.pageCount} pages` : output.page}
        </span>
      </button>
    </div>
  )
})
