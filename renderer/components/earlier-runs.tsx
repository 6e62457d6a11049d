/**
 * A file's earlier runs (converted again, e.g. in another format), listed apart from its latest
 * run and collapsed: each opens to its own thumbnail grid, so runs never mix in one grid or one
 * preview sequence.
 */
import type { JobId, OutputPageDto } from '../../electron/ipc/contract.ts'
import { FORMAT_LABEL } from '../../electron/shared/formats.ts'
import { plural } from '../lib/format.ts'
import { useAppStore } from '../store/store.ts'
import { ThumbnailGrid } from './thumbnail-grid.tsx'

interface EarlierRunsProps {
  readonly runs: readonly { readonly jobId: JobId; readonly outputs: readonly OutputPageDto[] }[]
  readonly fileName: string
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
            plural(run.outputs.length, 'image'),
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
