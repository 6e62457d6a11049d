/**
 * Throws for a case the types say cannot happen (the renderer's copy of `electron/errors.ts`
 * `assertNever`, which lives in the main world and cannot be imported here).
 *
 * @param value the impossible value; typed `never` so a missing `switch` case is a type error.
 * @param what a word for the error message.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`)
}
