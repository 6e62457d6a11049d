/**
 * Shown at start-up when the last session crashed or quit in the middle of a conversion: what was
 * left, with "Resume" and "Dismiss". Pages already on disk are kept by the resume.
 */
import { useEffect, useState } from 'react'
import type { ResumableBatchDto } from '../../electron/ipc/contract.ts'
import { discardResumableBatch, findResumableBatch, resumeBatch } from '../store/resume-actions.ts'

/** The banner; renders nothing when there is nothing to resume. */
export function ResumeBanner() {
  const [batch, setBatch] = useState<ResumableBatchDto | null>(null)
  const [isBusy, setBusy] = useState(false)
  useEffect(() => {
    let isLive = true
    void findResumableBatch().then((found) => {
      if (isLive) setBatch(found)
    })
    return () => {
      isLive = false
    }
  }, [])
  if (batch === null) return null
  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true)
    try {
      await action()
    } finally {
      setBusy(false)
      setBatch(await findResumableBatch())
    }
  }
  const names = batch.fileNames.join(', ') + (batch.unfinished > batch.fileNames.length ? ', …' : '')
  const pages = batch.pagesTotal > 0 ? ` ${batch.pagesDone} of ${batch.pagesTotal} pages are already in “${batch.outputFolderName}”.` : ''
  return (
    <section className="banner resume-banner" role="region" aria-label="Interrupted conversion">
      <p>
        A conversion was interrupted: {batch.unfinished} of {batch.fileCount} file{batch.fileCount === 1 ? '' : 's'} unfinished ({names}).
        {pages}
      </p>
      <div className="resume-banner-actions">
        <button type="button" className="button button-primary" disabled={isBusy} onClick={() => void act(() => resumeBatch(batch.batchId))}>
          Resume
        </button>
        <button type="button" className="button" disabled={isBusy} onClick={() => void act(() => discardResumableBatch(batch.batchId))}>
          Dismiss
        </button>
      </div>
    </section>
  )
}
