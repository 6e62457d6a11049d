/// <reference types="vitest/config" />
import { builtinModules } from 'node:module'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import electron from 'vite-plugin-electron/simple'

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

export default defineConfig({
  root: path.join(root, 'renderer'),
  base: './',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
  },
  plugins: [
    react(),
    ...(isTest
      ? []
      : [
          electron({
            main: {
              entry: path.join(root, 'electron/main.ts'),
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
                    output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
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
          include: ['test/unit/electron/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
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
