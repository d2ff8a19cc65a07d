import { buildEngine } from '../engine-factory.ts'
import type { LocalEngine } from './local.ts'

/**
 * Builds the in-process engine for local mode (packs resolution as every engine command: never an
 * untrusted ./packs; no packs or a pack that fails to load throws, and the hook then denies).
 */
export async function loadHookEngine(
  options: { packsDir?: string; profile?: string; orgDomain: string },
  deps: { cwd?: string; packsDirEnv?: string; home?: string } = {},
): Promise<LocalEngine> {
  return buildEngine(options, deps).engine
}
