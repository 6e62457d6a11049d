/** Types of build-freshness.mjs (plain JavaScript so the launchers run without a TypeScript loader). */
export declare function newestMtimeMs(target: string): number
export declare function isBuildFresh(root: string, outputs: readonly string[], sources: readonly string[]): boolean
export declare const APP_BUILD: { readonly outputs: readonly string[]; readonly sources: readonly string[] }
