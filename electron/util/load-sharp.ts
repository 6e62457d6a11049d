/**
 * sharp (libvips), loaded on first use. Loading it takes about 0.1 s of CPU (the native addon and
 * its JavaScript), which start-up paths that never touch an image (the CLI until its first page,
 * a render worker that only reads page counts) should not pay.
 */
import type SharpModule from 'sharp'

/** sharp's default export (the constructor function with its static settings). */
export type Sharp = typeof SharpModule

let loading: Promise<Sharp> | undefined

/**
 * Resolves sharp, importing it on the first call; later calls share that import.
 *
 * @throws the import's error when sharp (or its native addon) cannot be loaded.
 */
export function loadSharp(): Promise<Sharp> {
  loading ??= import('sharp').then((m) => m.default)
  return loading
}
