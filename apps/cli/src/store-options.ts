import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { pickSetting } from './config/resolve.ts'
import { resolveDataDir as resolveCommonDataDir } from './data-dir.ts'
import { loadOrCreateAuditKey, type Store, type StoreConfig, createStore } from '@permit0/store'

/**
 * The store options shared by every command that opens the store (serve, audit export, db,
 * tokens): `--data-dir`, `--database-url`, `--audit-key`, and `openStore()`.
 *
 * Resolution (config/resolve.ts, the rule of every command): `--database-url` > `PERMIT0_DATABASE_URL` > embedded PGlite in `--data-dir` >
 * `PERMIT0_DATA_DIR` > `~/.permit0/data`. The audit log goes to `PERMIT0_AUDIT_DATABASE_URL`
 * when set (PostgreSQL only). The signing key is `--audit-key` > `PERMIT0_AUDIT_KEY_PATH` >
 * `<data-dir>/audit-signing.key`, created (0600) on first use.
 */
export interface StoreFlags {
  readonly dataDir?: string
  readonly databaseUrl?: string
  readonly auditKey?: string
}

export interface StoreEnv {
  readonly env: Readonly<Record<string, string | undefined>>
  /** Defaults to `os.homedir()`. */
  readonly homeDir?: string
  readonly cwd?: string
}

export const AUDIT_KEY_FILE = 'audit-signing.key'

export function addStoreOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'embedded store directory (default PERMIT0_DATA_DIR or ~/.permit0/data)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (default PERMIT0_DATABASE_URL, else embedded)'))
    .addOption(
      new Option('--audit-key <path>', 'ed25519 audit signing key (default PERMIT0_AUDIT_KEY_PATH or <data-dir>/audit-signing.key)'),
    )
}

/** The data directory the flags and environment select (also holds the default audit key). */
export function resolveDataDir(flags: StoreFlags, deps: StoreEnv): string {
  return resolveCommonDataDir(flags, { env: deps.env, homeDir: deps.homeDir ?? homedir(), ...(deps.cwd !== undefined && { cwd: deps.cwd }) })
}

export function resolveAuditKeyPath(flags: StoreFlags, deps: StoreEnv): string {
  const given = pickSetting({ flag: flags.auditKey, env: deps.env.PERMIT0_AUDIT_KEY_PATH })
  return given === undefined ? join(resolveDataDir(flags, deps), AUDIT_KEY_FILE) : resolve(deps.cwd ?? process.cwd(), given)
}

/** The store configuration without the signing key (pure). */
export function resolveStoreConfig(flags: StoreFlags, deps: StoreEnv): StoreConfig {
  const url = pickSetting({ flag: flags.databaseUrl, env: deps.env.PERMIT0_DATABASE_URL })
  const redactKeys = (deps.env.PERMIT0_AUDIT_REDACT_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
  const audit = redactKeys.length > 0 ? { redactKeys } : {}
  if (url !== undefined) {
    const auditUrl = pickSetting({ env: deps.env.PERMIT0_AUDIT_DATABASE_URL })
    return { kind: 'postgres', url, ...(auditUrl === undefined ? {} : { auditUrl }), audit }
  }
  return { kind: 'embedded', dataDir: resolveDataDir(flags, deps), audit }
}

export interface OpenStoreOptions extends StoreEnv {
  /** Run migrations before returning (serve, export). Default true. */
  readonly migrate?: boolean
  /** Told once when a new signing key was created (prints its public key). */
  readonly onKeyCreated?: (info: { path: string; publicKey: string }) => void
}

/**
 * Opens (and by default migrates) the store the flags select, with the persisted audit signing
 * key. Throws StoreError with a one-line message on an unreachable database, a locked data dir,
 * a bad key or a failed migration; the store is closed again on failure.
 */
export async function openStore(flags: StoreFlags, options: OpenStoreOptions): Promise<Store> {
  const config = resolveStoreConfig(flags, options)
  const keyPath = resolveAuditKeyPath(flags, options)
  const { seed, created } = loadOrCreateAuditKey(keyPath)
  const store = createStore({ ...config, audit: { ...config.audit, signingKey: seed } })
  if (created) options.onKeyCreated?.({ path: keyPath, publicKey: store.audit.publicKey })
  if (options.migrate === false) return store
  try {
    await store.migrate()
  } catch (err) {
    await store.close().catch(() => undefined)
    throw err
  }
  return store
}

/**
 * Opens the store, runs `fn`, always closes it; a thrown error (StoreError or other) becomes one
 * `error: …` line on stderr and exit code 1. For one-shot commands (db, token, audit export).
 */
export async function withStore(
  flags: StoreFlags,
  options: OpenStoreOptions & { readonly io: { stderr: (text: string) => void } },
  fn: (store: Store) => Promise<number>,
): Promise<number> {
  try {
    const store = await openStore(flags, options)
    try {
      return await fn(store)
    } finally {
      await store.close()
    }
  } catch (err) {
    options.io.stderr(`error: ${(err as Error).message}`)
    return 1
  }
}
