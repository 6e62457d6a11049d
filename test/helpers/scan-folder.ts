/** Child process for the special-inputs tests: prints `scanFolder(argv[2])` as JSON (run as another user). */
import { scanFolder } from '../../electron/files/input-scan.ts'

const scan = await scanFolder(process.argv[2] as string, { recursive: true, followFolderLinks: false, skipHidden: true })
process.stdout.write(JSON.stringify({ pdfs: scan.pdfs, notPdfs: scan.notPdfs, skipped: scan.skipped.map((s) => ({ name: s.name, code: s.error.code, message: s.error.message })) }))
