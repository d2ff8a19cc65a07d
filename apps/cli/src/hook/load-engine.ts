import { initParsers } from '@permit0/engine'
import { buildEngine } from '../engine-factory.ts'
import { CLI_VERSION } from '../version.ts'
import type { LocalEngine } from './local.ts'

export interface LoadHookEngineOptions {
  readonly packsDir?: string
  readonly profile?: string
  readonly orgDomain: string
  /** Where the parsed-packs cache lives (`<data dir>/cache`); absent → no cache. */
  readonly cacheDir?: string
  /** Load the PostgreSQL parser (default true); the hook skips it for a call without SQL. */
  readonly sql?: boolean
}

/**
 * Builds the in-process engine for local mode (packs resolution as every engine command: never an
 * untrusted ./packs; no packs or a pack that fails to load throws, and the hook then denies),
 * loading the WASM parsers first (the `hook` command skips them in remote mode) and reading the
 * packs' parsed YAML from the on-disk cache when `cacheDir` is given.
 */
export async function loadHookEngine(
  options: LoadHookEngineOptions,
  deps: { cwd?: string; packsDirEnv?: string; home?: string; onNote?: (note: string) => void } = {},
): Promise<LocalEngine> {
  const { cacheDir, sql, ...engineOptions } = options
  await initParsers(sql === undefined ? {} : { sql })
  return buildEngine(engineOptions, {
    ...deps,
    ...(cacheDir !== undefined ? { packCache: { dir: cacheDir, version: CLI_VERSION } } : {}),
    ...(deps.onNote ? { onPackCacheNote: deps.onNote } : {}),
  }).engine
}
