/**
 * The CLI as a benchmark runs it: plain `node` on the product's own build (no tsx loader, which
 * costs seconds of start-up; see bench/RESULTS.md), and helper scripts bundled with esbuild into
 * `.bench-tmp/cli-bundle/` (git-ignored, inside the repository so that their bare imports resolve
 * from its node_modules).
 */
import { spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { REPO_ROOT } from './cli-process.ts'

/**
 * Builds the CLI as the product ships it (`vite build --mode cli`: `dist-cli/cli.js` with its
 * lazily loaded chunks and the render worker next to it, what `npm run convert` runs) and returns
 * its path, or null with the reason when the build fails.
 */
export async function buildCliBundle(): Promise<{ path: string } | { path: null; reason: string }> {
  const built = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'cli', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  })
  if (built.status !== 0) return { path: null, reason: `vite build --mode cli failed: ${built.stderr}` }
  return { path: path.join(REPO_ROOT, 'dist-cli', 'cli.js') }
}

/**
 * Bundles `entry` (path relative to the repository) with esbuild to
 * `.bench-tmp/cli-bundle/<outName>`, or returns null with the reason when esbuild is missing.
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
