/**
 * A file's images by run: the latest run's grid, and its earlier runs (converted again, e.g. in
 * another format) listed apart and collapsed, each opening to its own grid, so runs never mix in
 * one grid or one preview sequence.
 */
import { useMemo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { FileId, JobId, OutputPageDto } from '../../electron/ipc/contract.ts'
import { FORMAT_LABEL } from '../../electron/shared/formats.ts'
import { imagesText } from '../lib/format.ts'
import { selectJobOrderForFile, splitRuns } from '../store/progress-selectors.ts'
import { useAppStore } from '../store/store.ts'
import { ThumbnailGrid } from './thumbnail-grid.tsx'

interface EarlierRunsProps {
  readonly runs: readonly { readonly jobId: JobId; readonly outputs: readonly OutputPageDto[] }[]
  readonly fileName: string
}

const EMPTY: readonly never[] = []

/** A file's images: the latest run's grid, then its earlier runs apart. */
export function FileImages({ fileId, latestJobId, fileName }: { readonly fileId: FileId; readonly latestJobId: JobId | undefined; readonly fileName: string }) {
  const outputs = useAppStore((s) => s.outputsByFile[fileId] ?? EMPTY)
  const jobOrder = useAppStore(useShallow((s) => selectJobOrderForFile(s, fileId)))
  const runs = useMemo(() => splitRuns(outputs, latestJobId, jobOrder), [outputs, latestJobId, jobOrder])
  return (
    <>
      {runs.latest.length > 0 && <ThumbnailGrid outputs={runs.latest} fileName={fileName} />}
      <EarlierRuns runs={runs.earlier} fileName={fileName} />
    </>
  )
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** The collapsed list of earlier runs (nothing when there are none). */
export function EarlierRuns({ runs, fileName }: EarlierRunsProps) {
  const jobsById = useAppStore((s) => s.jobsById)
  if (runs.length === 0) return null
  return (
    <details className="earlier-runs">
      <summary>{runs.length === 1 ? 'Earlier run' : `${runs.length} earlier runs`}</summary>
      <ul className="earlier-run-list">
        {runs.map((run) => {
          const job = jobsById[run.jobId]
          const label = [
            job === undefined ? null : FORMAT_LABEL[job.format],
            imagesText(run.outputs.length, run.outputs.reduce((n, o) => n + o.pageCount, 0)),
            job === undefined ? null : `started ${timeFormat.format(job.startedAtMs)}`,
          ]
            .filter((x) => x !== null)
            .join(' · ')
          return (
            <li key={run.jobId}>
              <details className="earlier-run">
                <summary>{label}</summary>
                <ThumbnailGrid outputs={run.outputs} fileName={`${fileName} (${label})`} />
              </details>
            </li>
          )
        })}
      </ul>
    </details>
  )
}
