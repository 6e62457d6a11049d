/**
 * Output images written by conversions, known to the renderer only by opaque ids
 * (`OutputPageDto.id`); the thumbnail protocol and `outputs:open|reveal` resolve them here.
 */
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { InputError } from '../errors.ts'
import type { FileId, JobId, OutputId, OutputPageDto } from '../ipc/contract.ts'

/** One written image, main-process view. */
export interface RegisteredOutput {
  readonly id: OutputId
  readonly jobId: JobId
  readonly fileId: FileId
  /** 1-based page number. */
  readonly page: number
  /** Absolute path of the image. */
  readonly path: string
  readonly sizeBytes: number
  /** Pages in the file: 1, or more for a multi-page TIFF (default 1). */
  readonly pageCount?: number
}

/** The output registry. */
export interface OutputRegistry {
  add(output: Omit<RegisteredOutput, 'id'>): RegisteredOutput
  get(id: string): RegisteredOutput | undefined
  /** @throws InputError 'input/invalid' for an unknown id. */
  require(id: string): RegisteredOutput
  /** The DTO, with `thumbUrl` = `<thumbUrlBase>output/<id>`. */
  toDto(output: RegisteredOutput): OutputPageDto
  /** Number of outputs known. */
  readonly size: number
}

/** Creates an empty output registry; `thumbUrlBase` is e.g. `pdf-thumb://`. */
export function createOutputRegistry(thumbUrlBase: string): OutputRegistry {
  const outputs = new Map<OutputId, RegisteredOutput>()
  return {
    add(output) {
      const entry: RegisteredOutput = { ...output, id: randomUUID() as OutputId }
      outputs.set(entry.id, entry)
      return entry
    },
    get: (id) => outputs.get(id as OutputId),
    require(id) {
      const entry = outputs.get(id as OutputId)
      if (entry === undefined) throw new InputError('input/invalid', 'This image is no longer known; convert the file again')
      return entry
    },
    toDto: (o) => ({
      id: o.id,
      jobId: o.jobId,
      fileId: o.fileId,
      page: o.page,
      displayName: path.basename(o.path),
      sizeBytes: o.sizeBytes,
      pageCount: o.pageCount ?? 1,
      thumbUrl: `${thumbUrlBase}output/${o.id}`,
    }),
    get size() {
      return outputs.size
    },
  }
}
