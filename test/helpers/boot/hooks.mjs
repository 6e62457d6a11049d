// Node module resolution hook: `electron` → the stand-in next to this file.
const FAKE = new URL('./fake-electron.mjs', import.meta.url).href

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: FAKE, shortCircuit: true }
  return nextResolve(specifier, context)
}
