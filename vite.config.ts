/// <reference types="vitest/config" />
import { builtinModules } from 'node:module'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import electron from 'vite-plugin-electron/simple'
import { harnessBridgePlugin } from './test/harness/vite-plugin.ts'

const root = import.meta.dirname
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
}
// Runtime dependencies are shipped from node_modules (native addons cannot be bundled).
const external = [
  'electron',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
].map((name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/.*)?$`))

const isTest = process.env.VITEST !== undefined
// Renderer-only build for the browser harness (test/harness): no Electron bundles; a bridge script
// defines window.pdfApp over a WebSocket. Its own output folder, so it never mixes with dist/.
const harnessOutDir = process.env.PDF_APP_HARNESS_OUT_DIR
const isHarness = harnessOutDir !== undefined && harnessOutDir !== ''
// The dev server needs inline scripts (React refresh preamble), injected styles and its HMR socket.
const DEV_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' pdf-thumb: data:; connect-src 'self' ws:"

// `vite build --mode cli`: the headless CLI and the local engine's render worker as plain ESM for
// Node (dist-cli/), so `npm run convert` starts without a TypeScript loader (see
// electron/cli-launcher.mjs and bench/RESULTS.md: tsx costs seconds and ~350 MB loading pdf.js).
const cliConfig = {
  root,
  publicDir: false as const,
  logLevel: 'warn' as const,
  build: {
    outDir: path.join(root, 'dist-cli'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    reportCompressedSize: false,
    lib: {
      entry: {
        cli: path.join(root, 'electron/cli/main.ts'),
        'render-worker': path.join(root, 'electron/engines/local/render-worker.ts'),
      },
      formats: ['es' as const],
      fileName: (_format: string, name: string) => `${name}.js`,
    },
    rolldownOptions: { external },
  },
}

export default defineConfig(({ mode }) => mode === 'cli' ? cliConfig : {
  root: path.join(root, 'renderer'),
  base: './',
  build: {
    outDir: isHarness ? harnessOutDir : path.join(root, 'dist'),
    emptyOutDir: true,
  },
  plugins: [
    react(),
    {
      name: 'pdf-app-dev-csp',
      apply: 'serve',
      transformIndexHtml: (html) => html.replace(/(http-equiv="Content-Security-Policy"\s+content=")[^"]*"/, `$1${DEV_CSP}"`),
    },
    ...(isHarness ? [harnessBridgePlugin()] : []),
    ...(isTest || isHarness
      ? []
      : [
          electron({
            main: {
              // The local engine's render worker is loaded from next to the bundle (worker-pool.ts).
              entry: {
                main: path.join(root, 'electron/main.ts'),
                'render-worker': path.join(root, 'electron/engines/local/render-worker.ts'),
              },
              vite: {
                build: {
                  outDir: path.join(root, 'dist-electron'),
                  rolldownOptions: { external },
                },
              },
            },
            preload: {
              input: path.join(root, 'electron/preload.ts'),
              vite: {
                build: {
                  outDir: path.join(root, 'dist-electron'),
                  rolldownOptions: {
                    external: ['electron'],
                    output: { format: 'cjs', entryFileNames: '[name].cjs' },
                  },
                },
              },
            },
          }),
        ]),
  ],
  test: {
    root,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/electron/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/unit/renderer/**/*.test.{ts,tsx}'],
        },
      },
    ],
  },
})
