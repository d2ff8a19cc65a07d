import type { LocalEngine } from './local.ts'

/** Builds the in-process engine for local mode from `--packs-dir` / `--profile`. */
export async function loadHookEngine(_options: { packsDir?: string; profile?: string; orgDomain: string }): Promise<LocalEngine> {
  throw new Error('local mode is not wired yet: the CLI engine factory is missing')
}
