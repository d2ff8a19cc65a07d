import { buildEngine } from '../engine-factory.ts'
import type { LocalEngine } from './local.ts'

/** Builds the in-process engine for local mode (packs dir resolution as every engine command). */
export async function loadHookEngine(
  options: { packsDir?: string; profile?: string; orgDomain: string },
  deps: { cwd?: string; packsDirEnv?: string } = {},
): Promise<LocalEngine> {
  return buildEngine(options, deps).engine
}
