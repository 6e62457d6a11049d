// ESLint flat config: typescript-eslint's recommended rules, the import boundaries between the
// worlds (renderer, preload, main, shared "std" code) and the size limits of electron/ and renderer/.
// Each boundary is one `no-restricted-imports` option set; for a file, the last matching block wins,
// so the blocks go from the general (all of electron/) to the particular (ipc/, shared/).
import js from '@eslint/js'
import { builtinModules } from 'node:module'
import tseslint from 'typescript-eslint'

const ELECTRON_ONLY_IN =
  'Electron is imported only by electron/main.ts, electron/preload.ts, electron/platform/electron-platform.ts and electron/ipc/: put the call behind the Platform interface (electron/platform/platform.ts).'
const RAW_IPC = 'Raw ipcMain/ipcRenderer live in electron/ipc/ and electron/preload.ts only: use installIpcHandlers / the preload API.'

/** `electron` may not be imported at all. */
const noElectron = { name: 'electron', message: ELECTRON_ONLY_IN }
/** `electron` may be imported, but not its raw IPC objects. */
const noRawIpc = { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: RAW_IPC }
/** No Node built-ins (std code and the renderer). */
const noNode = [
  { regex: '^node:', message: 'This code runs in every world (or the renderer): no Node built-ins.' },
  {
    regex: `^(${builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`,
    message: 'This code runs in every world (or the renderer): no Node built-ins.',
  },
]
/** Leaf services never reach up into the app's composition or the IPC layer. */
const noAppOrIpc = {
  regex: '(^|/)(app|ipc)/',
  message: 'electron/pdfco/, electron/render/ and electron/files/ never import electron/app/ or electron/ipc/: pass what they need as arguments.',
}
const noApp = { regex: '(^|/)app/', message: 'electron/ipc/ never imports electron/app/: move the type into ipc/ or shared/.' }

const restrict = (paths, patterns = []) => ['error', { paths, patterns }]

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-electron/', 'dist-cli/', 'release/', 'out/', 'test-results/', '.bench-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      // TypeScript checks these (and knows about types and globals ESLint does not).
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['electron/**/*.{ts,tsx,mts,mjs}', 'renderer/**/*.{ts,tsx}'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  // Main process: no Electron outside the composition root, the preload, the platform adapter and ipc/.
  { files: ['electron/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': restrict([noElectron]) } },
  {
    files: ['electron/pdfco/**/*.ts', 'electron/render/**/*.ts', 'electron/files/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([noElectron], [noAppOrIpc]) },
  },
  {
    files: ['electron/main.ts', 'electron/platform/electron-platform.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([noRawIpc]) },
  },
  { files: ['electron/ipc/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': restrict([], [noApp]) } },
  { files: ['electron/preload.ts'], rules: { '@typescript-eslint/no-restricted-imports': 'off' } },
  // "std": shared by every world.
  { files: ['electron/shared/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': restrict([noElectron], noNode) } },
  // Renderer: only electron/shared/ and, as types, the IPC contract.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        [{ name: 'electron', message: 'The renderer reaches main only through window.pdfApp (renderer/api.ts).' }],
        [
          ...noNode,
          {
            regex: '(^|/)electron/(?!shared/|ipc/contract\\.ts$)',
            message: 'The renderer imports only electron/shared/ and types from electron/ipc/contract.ts.',
          },
          {
            regex: '(^|/)electron/ipc/contract\\.ts$',
            allowTypeImports: true,
            message: 'The renderer imports the IPC contract with `import type` only.',
          },
        ],
      ),
    },
  },
)
