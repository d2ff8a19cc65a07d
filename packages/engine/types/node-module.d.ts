/**
 * The one Node API the engine's source may touch: `createRequire`, used only by
 * `src/parsers/bash.ts` at `initParsers()` time to locate the installed bash grammar's `.wasm`
 * (the eslint boundary allows `node:module` in that file alone). Declared with just that member so
 * no other Node API type-checks in shipped code.
 */
declare module 'node:module' {
  export function createRequire(url: string): { resolve(id: string): string }
}

interface ImportMeta {
  /** The module's URL (only `parsers/bash.ts` reads it, to resolve the grammar's `.wasm`). */
  readonly url: string
}
