/**
 * Stands in for `libpg-query` inside the hook bundle (`dist/hook.cjs`, tsup.config.ts): the real
 * module starts compiling its 1.7 MB WASM the moment it is imported, which the local hook must not
 * pay for on a call without SQL (`initParsers({ sql: false })`). Here the real module is imported
 * by `loadModule()` only; before that every parse throws as libpg-query's own does unloaded, and
 * the engine's SQL analysis fails closed on it.
 */
import { createRequire } from 'node:module'
import type * as LibPgQuery from 'libpg-query'

let real: typeof LibPgQuery | undefined

export async function loadModule(): Promise<void> {
  // A run-time require the bundler leaves alone (the bundle's own `libpg-query` is this module).
  const mod = createRequire(import.meta.url)('libpg-query') as typeof LibPgQuery
  await mod.loadModule()
  real = mod
}

function loaded(): typeof LibPgQuery {
  if (real === undefined) throw new Error('WASM module not initialized. Call loadModule() first.')
  return real
}

export const parseSync: typeof LibPgQuery.parseSync = (query) => loaded().parseSync(query)
export const parsePlPgSQLSync: typeof LibPgQuery.parsePlPgSQLSync = (query) => loaded().parsePlPgSQLSync(query)
export const scanSync: typeof LibPgQuery.scanSync = (query) => loaded().scanSync(query)
