/**
 * Bundles `electron/cli/main.ts` into plain JavaScript (esbuild, npm packages left external) so that a
 * benchmark can also time the CLI the way a built/packaged app runs it: plain `node cli.mjs`,
 * without tsx's module loader (which costs seconds when loading pdf.js; see bench/RESULTS.md).
 *
 * The bundle goes to `.bench-tmp/cli-bundle/` (git-ignored) inside the repository so that its
 * bare imports (pdfjs-dist, sharp, …) resolve from the repository's node_modules.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { REPO_ROOT } from './cli-process.ts'

/**
 * Builds the CLI bundle and, next to it, the local engine's render worker (which the CLI starts
 * for every PDF: page count and sizes before an upload, drawing offline). Returns the CLI's path,
 * or null (with the reason) when esbuild is not installed (it comes with tsx and vite).
 */
export async function buildCliBundle(): Promise<{ path: string } | { path: null; reason: string }> {
  const worker = await buildBundle('electron/engines/local/render-worker.ts', 'render-worker.js')
  if (worker.path === null) return worker
  return buildBundle('electron/cli/main.ts', 'cli.mjs')
}

/**
 * Bundles `entry` (path relative to the repository) to `.bench-tmp/cli-bundle/<outName>` like
 * {@link buildCliBundle}.
 */
export async function buildBundle(entry: string, outName: string): Promise<{ path: string } | { path: null; reason: string }> {
  let esbuild: typeof import('esbuild')
  try {
    esbuild = await import('esbuild')
  } catch (err) {
    return { path: null, reason: `esbuild not available: ${err instanceof Error ? err.message : String(err)}` }
  }
  const outDir = path.join(REPO_ROOT, '.bench-tmp', 'cli-bundle')
  await mkdir(outDir, { recursive: true })
  const outfile = path.join(outDir, outName)
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  })
  return { path: outfile }
}
