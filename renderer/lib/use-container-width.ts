/**
 * The width of a scrolling container, for virtualized grids that lay out columns by it.
 */
import { useLayoutEffect, useState, type RefObject } from 'react'

/**
 * Returns the element's client width in CSS px, kept current with a ResizeObserver (where there is
 * one); `fallbackPx` until the element is measured with a width above 0.
 */
export function useContainerWidth(ref: RefObject<HTMLElement | null>, fallbackPx: number): number {
  const [widthPx, setWidthPx] = useState(fallbackPx)
  useLayoutEffect(() => {
    const el = ref.current
    if (el === null) return
    const measure = () => {
      if (el.clientWidth > 0) setWidthPx(el.clientWidth)
    }
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [ref])
  return widthPx
}
