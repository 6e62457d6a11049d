/**
 * `node --import tsx bench/helpers/inspect-probe.ts <pdf>`: runs the engine's local inspect
 * (`inspectPdf(path, { maxPages: 0 })`, as the PDF.co engine calls it) in a fresh process and
 * prints one JSON line: page count, ms, bytes this process read from files (/proc/self/io `rchar`,
 * which includes Node's own module files and the PDFium worker's reads) and peak RSS (VmHWM, KiB) before and after.
 */
import { readFile } from 'node:fs/promises'
import { closeInspector, inspectPdf } from '../../electron/render/inspect.ts'

async function procField(file: string, re: RegExp): Promise<number> {
  const m = re.exec(await readFile(file, 'utf8'))
  return m === null ? -1 : Number(m[1])
}

const file = process.argv[2]
if (file === undefined) throw new Error('usage: inspect-probe.ts <pdf>')
const readBefore = await procField('/proc/self/io', /rchar:\s+(\d+)/)
const hwmBefore = await procField('/proc/self/status', /VmHWM:\s+(\d+) kB/)
const t0 = performance.now()
const info = await inspectPdf(file, { maxPages: 0 })
const ms = performance.now() - t0
const readAfter = await procField('/proc/self/io', /rchar:\s+(\d+)/)
const hwmAfter = await procField('/proc/self/status', /VmHWM:\s+(\d+) kB/)
process.stdout.write(`${JSON.stringify({ pageCount: info.pageCount, ms, readBytes: readAfter - readBefore, hwmBeforeKb: hwmBefore, hwmAfterKb: hwmAfter })}\n`)
await closeInspector()
