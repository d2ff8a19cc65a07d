import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pickSetting } from './config/resolve.ts'

/**
 * The one data directory of every command (docs/configuration.md): `--data-dir` >
 * `PERMIT0_DATA_DIR` > `data_dir` of permit0.yaml > `~/.permit0/data`, relative paths against
 * the working directory. `serve`,
 * `db`, `audit`, `token` and `login` keep the embedded store, the audit signing key and the
 * reviewer secret there; the local hook keeps its pack cache (`cache/`) and session histories
 * (`hook-sessions/`) there. Deliberately free of heavy imports: the hook resolves it per call.
 */
export function resolveDataDir(
  given: { readonly dataDir?: string | undefined; readonly fileDataDir?: string | undefined },
  deps: { readonly env: Readonly<Record<string, string | undefined>>; readonly homeDir: string; readonly cwd?: string },
): string {
  const dir = pickSetting({ flag: given.dataDir, env: deps.env.PERMIT0_DATA_DIR, file: given.fileDataDir })
  return dir === undefined ? join(deps.homeDir, '.permit0', 'data') : resolve(deps.cwd ?? process.cwd(), dir)
}

/**
 * Before the data directory was one, the local hook defaulted to `~/.permit0` (not
 * `~/.permit0/data`). Session histories still there are moved once into the data directory, so a
 * running session keeps its history across the upgrade (session rules must not lose what they
 * saw). Only for the default location; a rename is atomic, and a concurrent hook that loses the
 * race finds the new directory in place. The old `~/.permit0/cache/` is a cache: it is rebuilt.
 */
export function migrateLegacyHookSessions(dataDir: string, homeDir: string): void {
  const legacy = join(homeDir, '.permit0', 'hook-sessions')
  const current = join(dataDir, 'hook-sessions')
  if (dataDir !== join(homeDir, '.permit0', 'data') || existsSync(current) || !existsSync(legacy)) return
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    renameSync(legacy, current)
  } catch {
    // Another hook moved it first (then `current` exists), or the move failed: the old
    // histories stay where they are and this call starts without them rather than failing.
  }
}
