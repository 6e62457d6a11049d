import { beforeEach, describe, expect, it } from 'vitest'
import { insertByPage } from '../../../renderer/store/outputs-slice.ts'
import {
  selectJobProgress,
  selectOverallProgress,
  splitRuns,
} from '../../../renderer/store/progress-selectors.ts'
import {
  selectCanSubmit,
  selectEffectiveEngine,
  selectJobForFile,
  selectNeedsApiKey,
  selectPickedPages,
  selectPageRangeError,
  selectPreview,
  selectSubmitPlan,
} from '../../../renderer/store/selectors.ts'
import { resetAppStore, useAppStore } from '../../../renderer/store/store.ts'
import { makeFile, makeJob, makeOutput, makeSettings } from '../../helpers/renderer/fixtures.tsx'

const store = useAppStore
const add = (...files: ReturnType<typeof makeFile>[]) => store.getState().applyAddFilesResult({ added: files, rejected: [], skippedInFolders: [] })

beforeEach(() => {
  resetAppStore()
  store.getState().setSettings(makeSettings())
})

describe('selectPageRangeError', () => {
  it('is null for empty and valid text, names the bad part otherwise', () => {
    const file = makeFile({ pageCount: 4 })
    add(file)
    expect(selectPageRangeError(store.getState(), file.id)).toBeNull()
    store.getState().setPageRange(file.id, '1-2, last')
    expect(selectPageRangeError(store.getState(), file.id)).toBeNull()
    store.getState().setPageRange(file.id, '1-2, 9')
    expect(selectPageRangeError(store.getState(), file.id)).toBe('page 9 is past the end: this PDF has 4 pages')
    store.getState().setPageRange(file.id, '3-1, x')
    expect(selectPageRangeError(store.getState(), file.id)).toMatch(/3-1 is reversed.*"x" is not a page number/)
  })

  it('does not judge a locked file (page count unknown)', () => {
    const file = makeFile({ pageCount: 0, needsPassword: true })
    add(file)
    store.getState().setPageRange(file.id, '99')
    expect(selectPageRangeError(store.getState(), file.id)).toBeNull()
  })
})

describe('selectSubmitPlan / selectCanSubmit', () => {
  it('explains why Convert is disabled', () => {
    expect(selectCanSubmit(store.getState())).toMatchObject({ canSubmit: false, reason: 'Add a PDF first.' })
    const file = makeFile({ displayName: 'a.pdf' })
    add(file)
    store.getState().setPageRange(file.id, '0')
    expect(selectCanSubmit(store.getState())).toMatchObject({ canSubmit: false, reason: 'Fix the page range of a.pdf.' })
    store.getState().setPageRange(file.id, '2')
    // No key: 'auto' converts on this computer; only an explicit PDF.co choice needs the key.
    store.getState().setSettings(makeSettings({ hasApiKey: false, apiKeyMasked: '' }))
    expect(selectCanSubmit(store.getState()).canSubmit).toBe(true)
    expect(selectEffectiveEngine(store.getState())).toBe('local')
    store.getState().setSettings(makeSettings({ hasApiKey: false, apiKeyMasked: '', engine: 'pdfco' }))
    expect(selectCanSubmit(store.getState()).reason).toBe('Add your PDF.co API key in Settings, or choose “This computer” as the engine.')
    expect(selectNeedsApiKey(store.getState())).toBe(true)
    store.getState().setSettings(makeSettings({ hasApiKey: false, apiKeyMasked: '', hasLocalEngine: false }))
    expect(selectCanSubmit(store.getState()).reason).toBe('Add your PDF.co API key in Settings first.')
    store.getState().setSettings(makeSettings({ outputFolderName: null }))
    expect(selectCanSubmit(store.getState()).canSubmit).toBe(true)
    store.getState().setSettings(makeSettings())
    expect(selectCanSubmit(store.getState())).toEqual({ canSubmit: true, reason: null, fileCount: 1, isRepeat: false, skippedLocked: 0, busy: 0 })
  })

  it('skips locked and busy files, and sends the rest', () => {
    const ready = makeFile()
    const locked = makeFile({ needsPassword: true, pageCount: 0 })
    const busy = makeFile()
    add(ready, locked, busy)
    store.getState().upsertJob(makeJob(busy.id, { stage: 'converting' }))
    const plan = selectSubmitPlan(store.getState())
    expect(plan).toMatchObject({ canSubmit: true, fileIds: [ready.id], skippedLocked: 1 })
  })

  it('sends only files not converted yet; once all are done, all again', () => {
    const [done, failed, fresh] = [makeFile(), makeFile(), makeFile()]
    add(done, failed, fresh)
    store.getState().upsertJob(makeJob(done.id, { stage: 'done' }))
    store.getState().upsertJob(makeJob(failed.id, { stage: 'failed' }))
    expect(selectSubmitPlan(store.getState())).toMatchObject({ fileIds: [failed.id, fresh.id], isRepeat: false })
    // A bad range on a done file does not block converting the others.
    store.getState().setPageRange(done.id, '99')
    expect(selectSubmitPlan(store.getState()).canSubmit).toBe(true)
    store.getState().setPageRange(done.id, '')
    store.getState().upsertJob(makeJob(failed.id, { stage: 'done', startedAtMs: 2000 }))
    store.getState().upsertJob(makeJob(fresh.id, { stage: 'done' }))
    expect(selectSubmitPlan(store.getState())).toMatchObject({ fileIds: [done.id, failed.id, fresh.id], isRepeat: true })
  })

  it('while a batch runs, Convert adds the new files only, and never repeats the finished ones', () => {
    const [busy, done, fresh] = [makeFile(), makeFile(), makeFile()]
    add(busy, done, fresh)
    store.getState().upsertJob(makeJob(busy.id, { stage: 'converting' }))
    store.getState().upsertJob(makeJob(done.id, { stage: 'done' }))
    expect(selectCanSubmit(store.getState())).toMatchObject({ canSubmit: true, fileCount: 1, isRepeat: false, busy: 1 })
    store.getState().upsertJob(makeJob(fresh.id, { stage: 'done' }))
    expect(selectCanSubmit(store.getState())).toMatchObject({
      canSubmit: false,
      reason: 'Converting… To convert the finished files again, wait for this batch to end.',
    })
  })

  it('blocks when only locked files remain', () => {
    add(makeFile({ needsPassword: true, pageCount: 0 }))
    expect(selectCanSubmit(store.getState()).reason).toBe('Enter the password of the locked PDF first.')
  })
})

describe('jobs', () => {
  it("a job's progress grows through the stages, by pages", () => {
    const f = makeFile()
    const steps = [
      makeJob(f.id, { stage: 'queued' }),
      makeJob(f.id, { stage: 'uploading', uploadPercent: 50 }),
      makeJob(f.id, { stage: 'converting' }),
      makeJob(f.id, { stage: 'downloading', pagesDone: 2, pagesTotal: 4 }),
      makeJob(f.id, { stage: 'done' }),
    ].map((j) => selectJobProgress(j).fraction)
    expect(steps).toEqual([...steps].sort((a, b) => a - b))
    expect(steps[0]).toBe(0)
    expect(steps[4]).toBe(1)
    // The local engine's bar does not start at 30 %: 2 of 117 pages is under 2 %.
    const local = makeJob(f.id, { engine: 'local', stage: 'converting', pagesDone: 2, pagesTotal: 117 })
    expect(selectJobProgress(local).fraction).toBeCloseTo(2 / 117)
  })

  it('an older snapshot never overwrites a newer one (events race invoke answers)', () => {
    const f = makeFile()
    add(f)
    const queued = makeJob(f.id, { stage: 'queued', stageStartedAtMs: 1000 })
    const converting = { ...queued, stage: 'converting' as const, stageStartedAtMs: 2000 }
    store.getState().upsertJob(converting)
    store.getState().startBatch([queued])
    expect(store.getState().jobsById[queued.id]?.stage).toBe('converting')
    const retried = { ...queued, stage: 'queued' as const, stageStartedAtMs: 3000 }
    store.getState().upsertJob(retried)
    expect(store.getState().jobsById[queued.id]?.stage).toBe('queued')
  })

  it('a file shows its newest job', () => {
    const f = makeFile()
    add(f)
    const old = makeJob(f.id, { stage: 'failed', startedAtMs: 1 })
    const retry = makeJob(f.id, { stage: 'uploading', startedAtMs: 2 })
    store.getState().upsertJob(retry)
    store.getState().upsertJob(old)
    expect(selectJobForFile(store.getState(), f.id)?.id).toBe(retry.id)
  })

  it('selectOverallProgress weights the batch by pages and counts outcomes apart', () => {
    const [a, b, c] = [makeFile(), makeFile(), makeFile()]
    add(a, b, c)
    const jobs = [
      makeJob(a.id, { stage: 'done', pagesDone: 4 }),
      makeJob(b.id, { stage: 'failed' }),
      makeJob(c.id, { stage: 'queued', pagesTotal: 8 }),
    ]
    store.getState().startBatch(jobs)
    expect(selectOverallProgress(store.getState(), 0)).toMatchObject({
      total: 3,
      done: 1,
      failed: 1,
      cancelled: 0,
      active: 1,
      pagesDone: 4,
      pagesTotal: 16,
      doneRatio: 0.25,
      failedRatio: 0.25,
      percent: 25,
      text: '4 of 16 pages · 1 done, 1 failed',
    })
  })

  it('"0 done, 2 failed" is not a full bar', () => {
    const [a, b] = [makeFile(), makeFile()]
    add(a, b)
    store.getState().startBatch([makeJob(a.id, { stage: 'failed' }), makeJob(b.id, { stage: 'failed' })])
    expect(selectOverallProgress(store.getState(), 0)).toMatchObject({ doneRatio: 0, failedRatio: 1, percent: 0 })
  })
})

describe('outputs and preview', () => {
  it('keeps pages sorted and replaces a page written again by the same job only', () => {
    const f = makeFile()
    const job = makeJob(f.id)
    const [p1, p3, p2, p2b] = [makeOutput(job, 1), makeOutput(job, 3), makeOutput(job, 2), makeOutput(job, 2)]
    const list = [p1, p3, p2, p2b].reduce<ReturnType<typeof insertByPage>>((acc, o) => insertByPage(acc, o), [])
    expect(list.map((o) => o.page)).toEqual([1, 2, 3])
    expect(list[1]?.id).toBe(p2b.id)
    const other = makeOutput(makeJob(f.id), 2)
    expect(insertByPage(list, other).map((o) => o.id)).toEqual([p1.id, p2b.id, other.id, p3.id])
  })

  it('splitRuns keeps the latest run apart from earlier ones, and the preview stays in its run', () => {
    const f = makeFile({ displayName: 'r.pdf' })
    add(f)
    const older = makeJob(f.id, { stage: 'done', startedAtMs: 1 })
    const newer = makeJob(f.id, { stage: 'done', startedAtMs: 2 })
    store.getState().upsertJob(older)
    store.getState().upsertJob(newer)
    const olds = [1, 2].map((p) => makeOutput(older, p))
    const news = [1, 2].map((p) => makeOutput(newer, p))
    ;[...olds, ...news].forEach((o) => store.getState().addOutput(o))
    const runs = splitRuns(store.getState().outputsByFile[f.id]!, newer.id, [older.id, newer.id])
    expect(runs.latest).toEqual(news)
    expect(runs.earlier).toEqual([{ jobId: older.id, outputs: olds }])
    store.getState().setPreview({ fileId: f.id, outputId: news[0]!.id })
    expect(selectPreview(store.getState())).toMatchObject({ index: 0, count: 2, previous: null, next: news[1] })
  })

  it('selectPreview knows its neighbours', () => {
    const f = makeFile({ displayName: 'r.pdf' })
    add(f)
    const job = makeJob(f.id)
    const outs = [1, 2, 3].map((p) => makeOutput(job, p))
    outs.forEach((o) => store.getState().addOutput(o))
    store.getState().setPreview({ fileId: f.id, outputId: outs[1]!.id })
    expect(selectPreview(store.getState())).toMatchObject({ index: 1, count: 3, previous: outs[0], next: outs[2], fileName: 'r.pdf' })
  })
})

describe('engine choice', () => {
  it("'auto' is PDF.co with a key, else this computer; an explicit choice wins", () => {
    expect(selectEffectiveEngine(store.getState())).toBe('pdfco')
    store.getState().setSettings(makeSettings({ engine: 'local' }))
    expect(selectEffectiveEngine(store.getState())).toBe('local')
    store.getState().setSettings(makeSettings({ hasApiKey: false }))
    expect(selectEffectiveEngine(store.getState())).toBe('local')
    expect(selectNeedsApiKey(store.getState())).toBe(false)
  })
})

describe('selectPickedPages', () => {
  it('derives the selection from the range text, memoised per text', () => {
    const file = makeFile({ pageCount: 6 })
    add(file)
    const all = selectPickedPages(store.getState(), file.id)!
    expect(all).toMatchObject({ isValid: true, isAll: true })
    expect([...all.pages]).toEqual([1, 2, 3, 4, 5, 6])
    store.getState().setPageRange(file.id, '2-3, last')
    const some = selectPickedPages(store.getState(), file.id)!
    expect([...some.pages]).toEqual([2, 3, 6])
    expect(some.isAll).toBe(false)
    expect(selectPickedPages(store.getState(), file.id)).toBe(some)
    store.getState().setPageRange(file.id, '2-9')
    expect(selectPickedPages(store.getState(), file.id)).toMatchObject({ isValid: false, isAll: false })
    expect(selectPickedPages(store.getState(), file.id)!.pages.size).toBe(0)
  })

  it('is null for a locked file', () => {
    const file = makeFile({ pageCount: 0, needsPassword: true })
    add(file)
    expect(selectPickedPages(store.getState(), file.id)).toBeNull()
  })
})
