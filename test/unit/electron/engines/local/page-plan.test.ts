import { describe, expect, it } from 'vitest'
import { formatDpi, oversizeWarning, planPage } from '../../../../../electron/engines/local/page-plan.ts'

const LIMITS = { maxPagePixels: 40_000_000, maxSidePx: 32_767 }
const LETTER = { page: 1, widthPt: 612, heightPt: 792 }

describe('page plans', () => {
  it('pixel size is round(points / 72 * dpi)', () => {
    expect(planPage(LETTER, { kind: 'dpi', dpi: 150 }, LIMITS)).toEqual({ page: 1, widthPx: 1275, heightPx: 1650, scale: 150 / 72, dpi: 150 })
    const a4 = planPage({ page: 2, widthPt: 595.276, heightPt: 841.89 }, { kind: 'dpi', dpi: 72 }, LIMITS)
    expect([a4.widthPx, a4.heightPx]).toEqual([595, 842])
  })

  it('tiny pages still get at least one pixel', () => {
    const p = planPage({ page: 1, widthPt: 0.2, heightPt: 0.2 }, { kind: 'dpi', dpi: 72 }, LIMITS)
    expect([p.widthPx, p.heightPx]).toEqual([1, 1])
  })

  it('scale-to fits the long side exactly, portrait and landscape', () => {
    const portrait = planPage(LETTER, { kind: 'scale-to', longSidePx: 1000 }, LIMITS)
    expect([portrait.widthPx, portrait.heightPx]).toEqual([773, 1000])
    expect(portrait.dpi).toBeCloseTo((1000 / 792) * 72, 6)
    const landscape = planPage({ page: 1, widthPt: 792, heightPt: 612 }, { kind: 'scale-to', longSidePx: 333 }, LIMITS)
    expect([landscape.widthPx, landscape.heightPx]).toEqual([333, 257])
  })

  it('width plans (thumbnails) give the exact width', () => {
    const plan = planPage(LETTER, { kind: 'width', widthPx: 160 }, LIMITS)
    expect([plan.widthPx, plan.heightPx]).toEqual([160, 207])
    expect(plan.dpi).toBeCloseTo((160 / 612) * 72, 9)
  })

  it('lowers the DPI of an oversized page to fit the pixel limit and says so', () => {
    const limits = { maxPagePixels: 1_000_000, maxSidePx: 32_767 }
    const plan = planPage(LETTER, { kind: 'dpi', dpi: 600 }, limits)
    expect(plan.widthPx * plan.heightPx).toBeLessThanOrEqual(1_000_000)
    expect(plan.widthPx * plan.heightPx).toBeGreaterThan(990_000)
    expect(plan.reducedFromDpi).toBe(600)
    expect(plan.dpi).toBeCloseTo(Math.sqrt(1_000_000 / (612 * 792)) * 72, 0)
    expect(plan.scale).toBeCloseTo(plan.dpi / 72, 9)
    expect(oversizeWarning(plan, limits)).toBe(
      `Page 1 is too large to render at 600 DPI (over 1 megapixels or 32767 px a side): rendered at ${formatDpi(plan.dpi)} DPI (${plan.widthPx}x${plan.heightPx} px) instead`,
    )
    expect(oversizeWarning(planPage(LETTER, { kind: 'dpi', dpi: 72 }, limits), limits)).toBeUndefined()
  })

  it('keeps each side within the canvas limit (long banners)', () => {
    const banner = planPage({ page: 3, widthPt: 14_400 * 72, heightPt: 72 }, { kind: 'dpi', dpi: 72 }, LIMITS)
    expect(banner.widthPx).toBeLessThanOrEqual(32_767)
    expect(banner.reducedFromDpi).toBe(72)
  })

  it('formats DPI for messages', () => {
    expect(formatDpi(150)).toBe('150')
    expect(formatDpi(123.456)).toBe('123.5')
  })
})
