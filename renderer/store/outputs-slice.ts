/**
 * Outputs slice: the page images written so far, grouped under their source file.
 */
import type { FileId, OutputPageDto } from '../../electron/ipc/contract.ts'
import type { SliceCreator } from './types.ts'

export interface OutputsSlice {
  /**
   * Per file, its page images of every run, sorted by page; within one job (a run and its
   * retries) a newer image of a page replaces the older one. Runs are told apart by `jobId`.
   */
  readonly outputsByFile: Readonly<Record<FileId, readonly OutputPageDto[]>>
  addOutput(output: OutputPageDto): void
  clearOutputs(fileId: FileId): void
}

/**
 * Inserts `output` into a page-sorted list, replacing the entry of the same job for the same page
 * (another job's image of that page is another run's and stays).
 *
 * @returns a new array; appending in page order (the usual case) costs one copy.
 */
export function insertByPage(list: readonly OutputPageDto[], output: OutputPageDto): OutputPageDto[] {
  const next = [...list]
  let i = next.length
  while (i > 0 && next[i - 1]!.page > output.page) i -= 1
  for (let j = i - 1; j >= 0 && next[j]!.page === output.page; j -= 1) {
    if (next[j]!.jobId === output.jobId) {
      next[j] = output
      return next
    }
  }
  next.splice(i, 0, output)
  return next
}

/** Creates the outputs slice. */
export const createOutputsSlice: SliceCreator<OutputsSlice> = (set) => ({
  outputsByFile: {},
  addOutput: (output) =>
    set(
      (s) => ({
        outputsByFile: { ...s.outputsByFile, [output.fileId]: insertByPage(s.outputsByFile[output.fileId] ?? [], output) },
      }),
      undefined,
      'outputs/added',
    ),
  clearOutputs: (fileId) =>
    set(
      (s) => {
        const { [fileId]: _gone, ...outputsByFile } = s.outputsByFile
        return { outputsByFile }
      },
      undefined,
      'outputs/cleared',
    ),
})
