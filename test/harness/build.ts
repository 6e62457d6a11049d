/**
 * Builds the renderer for the browser harness once per source state and caches it.
 *
 * The build runs `vite build` in a child process with `PDF_APP_HARNESS_OUT_DIR` set (see
 * vite.config.ts and ./vite-plugin.ts) into `node_modules/.cache/pdf-to-image-harness/<hash>/`,
 * where `<hash>` covers every input file, so parallel test files share one build and a stale build
 * is never served. The folder appears atomically (built under a temp name, then renamed).
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'

const projectRoot = path.resolve(import.meta.dirname, '../..')
const cacheDir = path.join(projectRoot, 'node_modules/.cache/pdf-to-image-harness')
const INPUTS = ['renderer', 'electron/shared', 'electron/ipc', 'vite.config.ts', 'test/harness/vite-plugin.ts', 'test/harness/build.ts', 'package.json']

async function listFiles(entry: string): Promise<string[]> {
  const full = path.join(projectRoot, entry)
  if (!existsSync(full)) return []
  const dirents = await readdir(full, { withFileTypes: true, recursive: true }).catch(() => null)
  if (dirents === null) return [full]
  return dirents.filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name))
}

/** Hash of every file the harness build reads. */
export async function harnessBuildHash(): Promise<string> {
  const files = (await Promise.all(INPUTS.map(listFiles))).flat().sort()
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(path.relative(projectRoot, file))
    hash.update(await readFile(file))
  }
  return hash.digest('hex').slice(0, 16)
}

/**
 * Returns the folder of an up-to-date harness build, building it if needed.
 *
 * @throws Error with vite's output when the build fails.
 */
export async function ensureHarnessBuild(): Promise<string> {
  const outDir = path.join(cacheDir, await harnessBuildHash())
  if (existsSync(path.join(outDir, 'index.html'))) return outDir
  await mkdir(cacheDir, { recursive: true })
  const tmpDir = `${outDir}.tmp-${process.pid}-${Date.now()}`
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: projectRoot,
      // NODE_ENV=production: under Vitest it is 'test', and vite would then bundle React's development
      // build (several times slower), which is not what the app ships.
      env: { ...process.env, NODE_ENV: 'production', PDF_APP_HARNESS_OUT_DIR: tmpDir, VITEST: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    child.stdout.on('data', (d: Buffer) => (log += d.toString()))
    child.stderr.on('data', (d: Buffer) => (log += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(log) : reject(new Error(`harness build failed (exit ${code}):\n${log}`))))
  })
  try {
    await rename(tmpDir, outDir)
  } catch (err) {
    // Another process finished the same build first.
    await rm(tmpDir, { recursive: true, force: true })
    if (!existsSync(path.join(outDir, 'index.html'))) throw new Error(`harness build could not be stored: ${String(err)}\n${output}`, { cause: err })
  }
  return outDir
}
