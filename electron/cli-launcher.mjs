#!/usr/bin/env node
/**
 * `npm run convert`: runs the CLI from its plain-JavaScript bundle (dist-cli/cli.js, built from
 * electron/cli/main.ts), rebuilding the bundle first (`vite build --mode cli`, about a second) when
 * it is missing or older than any file under electron/ (the CLI's modules in electron/cli/ included).
 *
 * Why not tsx: loading the engines through a TypeScript loader costs seconds and ~350 MB of memory per
 * run (bench/RESULTS.md, "PDF.co path"); the bundle starts in about 0.5 s and uploads a 1 GiB PDF
 * within 150 MB. The build's own output goes to stderr so `--json` stdout stays clean.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isBuildFresh } from './build-freshness.mjs'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const bundle = path.join(root, 'dist-cli', 'cli.js')

/** What `vite build --mode cli` writes, and what it is built from. */
const CLI_BUILD = { outputs: ['dist-cli/cli.js'], sources: ['electron', 'package.json', 'vite.config.ts'] }
if (!isBuildFresh(root, CLI_BUILD.outputs, CLI_BUILD.sources)) {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  const built = spawnSync(process.execPath, [vite, 'build', '--mode', 'cli'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (built.status !== 0) {
    process.stderr.write('Could not build the CLI (vite build --mode cli failed).\n')
    process.exit(built.status ?? 1)
  }
}

// A closed pipe (`npm run convert -- --help | head`) ends the run quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

// `npm run convert` runs scripts from the project folder; INIT_CWD is the folder the user typed the
// command in, so relative inputs and the default output folder are resolved from there.
const callerCwd = process.env.npm_lifecycle_event === 'convert' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd()
const { runCli, exitWhenFlushed } = await import(pathToFileURL(bundle).href)
await exitWhenFlushed(await runCli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr }, callerCwd))
