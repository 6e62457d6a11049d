/**
 * The shared rules of engine choice (Auto uses PDF.co only with a checked key) and credits
 * (estimate before, summary after).
 */
import { describe, expect, it } from 'vitest'
import { chooseEngine, describeEngineDecision, resolveEngine } from '../../../../electron/shared/engine-choice.ts'
import { estimateCredits, expectedJobs, fileCreditsUsed, summariseCredits } from '../../../../electron/shared/credits.ts'

describe('chooseEngine', () => {
  it('Auto is PDF.co only with a verified key; otherwise local with the reason', () => {
    expect(chooseEngine('auto', 'verified')).toEqual({ engine: 'pdfco', reason: 'auto-verified-key' })
    expect(chooseEngine(undefined, 'none')).toEqual({ engine: 'local', reason: 'auto-no-key' })
    expect(chooseEngine('auto', 'unchecked')).toEqual({ engine: 'local', reason: 'auto-key-unchecked' })
    expect(chooseEngine('auto', 'refused')).toEqual({ engine: 'local', reason: 'auto-key-refused' })
    expect(chooseEngine('auto', 'unreachable')).toEqual({ engine: 'local', reason: 'auto-key-unreachable' })
    expect(chooseEngine('pdfco', 'refused')).toEqual({ engine: 'pdfco', reason: 'chosen' })
    expect(chooseEngine('local', 'verified')).toEqual({ engine: 'local', reason: 'chosen' })
  })

  it('says why only when a saved key is not used', () => {
    expect(describeEngineDecision(chooseEngine('auto', 'verified'))).toBeNull()
    expect(describeEngineDecision(chooseEngine('auto', 'none'))).toBeNull()
    expect(describeEngineDecision(chooseEngine('auto', 'refused'))).toMatch(/^Converting on this computer: PDF\.co refused/)
  })

  it('resolveEngine (a key given for one run) keeps the old rule', () => {
    expect(resolveEngine('auto', true)).toBe('pdfco')
    expect(resolveEngine(undefined, false)).toBe('local')
  })
})

describe('credits', () => {
  it('counts jobs of 10 pages (TIFF one) and 4 checks per first-wave job, 1 after', () => {
    expect(expectedJobs(0, 'png')).toEqual({ jobs: 0, checks: 0 })
    expect(expectedJobs(10, 'png')).toEqual({ jobs: 1, checks: 4 })
    expect(expectedJobs(45, 'jpg')).toEqual({ jobs: 5, checks: 3 * 4 + 2 })
    expect(expectedJobs(45, 'tiff')).toEqual({ jobs: 1, checks: 4 })
  })

  it("a file's credits add the page charge of the pages PDF.co charged this run, not of pages kept from an interrupted run", () => {
    // 241 pages on disk, 120 of them kept from before: this run's jobs covered 121 pages.
    expect(fileCreditsUsed({ creditsUsed: 75, format: 'png', pagesDone: 241, pagesCharged: 121 })).toBe(75 + 121 * 15)
    expect(fileCreditsUsed({ creditsUsed: 75, format: 'png', pagesDone: 241 })).toBe(75 + 241 * 15)
  })
  it('estimates pages × rate + 7 per file + 2 per expected check', () => {
    const e = estimateCredits([{ pages: 45 }, { pages: 0 }, { pages: 2 }], 'webp')
    expect(e).toMatchObject({ files: 2, pages: 47, pageCredits: 47 * 18, uploadCredits: 14, expectedChecks: 14 + 4, checkCredits: 36 })
    expect(e.total).toBe(47 * 18 + 14 + 36)
    expect(estimateCredits([{ pages: 3 }], 'tiff').total).toBe(3 * 28 + 7 + 8)
  })

  it('summarises a batch by its balance drop, else by the per-file figures', () => {
    const s = summariseCredits([
      { creditsUsed: 11, balanceBeforeCredits: 1000, remainingCredits: 961, format: 'png', pagesDone: 2 },
      { creditsUsed: 11, balanceBeforeCredits: 989, remainingCredits: 930, format: 'png', pagesDone: 2 },
    ])
    expect(s).toEqual({ reported: 22, byBalance: 70, total: 70, remainingCredits: 930, files: 2 })
    expect(summariseCredits([{ creditsUsed: 11, format: 'png', pagesDone: 2 }])).toMatchObject({ byBalance: null, total: 41, remainingCredits: null })
    expect(summariseCredits([{}, { creditsUsed: null }])).toBeNull()
  })
})
