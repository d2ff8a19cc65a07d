import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { ConfigError, ConfigErrorCode, readSettingsFile } from './config/load.ts'
import { configFileLocation } from './config/file.ts'
import { pickSetting } from './config/resolve.ts'
import { resolveDataDir as resolveCommonDataDir } from './data-dir.ts'
import type { Store, StoreConfig } from '@permit0/store'

/**
 * The store options shared by every command that opens the store (serve, audit export, db,
 * tokens, approvals): `--data-dir`, `--database-url`, `--audit-key`, `--config`, and `openStore()`.
 *
 * Resolution (config/resolve.ts, the rule of every command): flag > `PERMIT0_*` > the config file
 * (`data_dir`, `database_url`, `audit_key` of permit0.yaml) > default. `--database-url` >
 * `PERMIT0_DATABASE_URL` > `database_url`, else embedded PGlite in the data directory
 * (data-dir.ts). The audit log goes to `PERMIT0_AUDIT_DATABASE_URL` when set (PostgreSQL only).
 * The signing key is `--audit-key` > `PERMIT0_AUDIT_KEY_PATH` > `audit_key` >
 * `<data-dir>/audit-signing.key`, created (0600) on first use.
 */
export interface StoreFlags {
  readonly dataDir?: string
  readonly databaseUrl?: string
  readonly auditKey?: string
  /** The config file (`--config`; else `PERMIT0_CONFIG_FILE`, else `~/.permit0/permit0.yaml`). */
  readonly config?: string
}

/** The config file's layer of the store settings. */
export interface StoreFileSettings {
  readonly dataDir?: string
  readonly databaseUrl?: string
  readonly auditKey?: string
}

export interface StoreEnv {
  readonly env: Readonly<Record<string, string | undefined>>
  /** Defaults to `os.homedir()`. */
  readonly homeDir?: string
  readonly cwd?: string
  /**
   * The config file's layer. The resolve functions below are pure and use it as given (absent =
   * empty); `openStore`/`withStore` read the file when it is absent (serve passes `{}`: its loader
   * has merged the file already).
   */
  readonly file?: StoreFileSettings
}

export const AUDIT_KEY_FILE = 'audit-signing.key'

/** `config: false` for a command whose subcommands have a `--config` of their own (commander would hand it to the parent). */
export function addStoreOptions(command: Command, options: { readonly config?: boolean } = {}): Command {
  if (options.config !== false && !command.options.some((o) => o.long === '--config')) {
    command.addOption(new Option('--config <file>', 'config file (default PERMIT0_CONFIG_FILE, else ~/.permit0/permit0.yaml when present)'))
  }
  return command
    .addOption(new Option('--data-dir <dir>', 'embedded store directory (default PERMIT0_DATA_DIR or ~/.permit0/data)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (default PERMIT0_DATABASE_URL, else embedded)'))
    .addOption(
      new Option('--audit-key <path>', 'ed25519 audit signing key (default PERMIT0_AUDIT_KEY_PATH or <data-dir>/audit-signing.key)'),
    )
}

/** The data directory the flags and environment select (also holds the default audit key). */
export function resolveDataDir(flags: StoreFlags, deps: StoreEnv): string {
  return resolveCommonDataDir({ dataDir: flags.dataDir, fileDataDir: deps.file?.dataDir }, { env: deps.env, homeDir: deps.homeDir ?? homedir(), ...(deps.cwd !== undefined && { cwd: deps.cwd }) })
}

export function resolveAuditKeyPath(flags: StoreFlags, deps: StoreEnv): string {
  const given = pickSetting({ flag: flags.auditKey, env: deps.env.PERMIT0_AUDIT_KEY_PATH, file: deps.file?.auditKey })
  return given === undefined ? join(resolveDataDir(flags, deps), AUDIT_KEY_FILE) : resolve(deps.cwd ?? process.cwd(), given)
}

/** The store configuration without the signing key (pure). */
export function resolveStoreConfig(flags: StoreFlags, deps: StoreEnv): StoreConfig {
  const url = pickSetting({ flag: flags.databaseUrl, env: deps.env.PERMIT0_DATABASE_URL, file: deps.file?.databaseUrl })
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

/**
 * The store settings of the config file (`data_dir`, `database_url`, `audit_key`), read and
 * checked as serve reads the file (config/load.ts). Throws ConfigError naming the file on a
 * missing explicit file, broken YAML, an unknown key or a non-string value.
 */
export function readStoreFileSettings(flags: Pick<StoreFlags, 'config'>, deps: StoreEnv): StoreFileSettings {
  const location = configFileLocation({
    flag: flags.config,
    env: deps.env,
    homeDir: deps.homeDir ?? homedir(),
    ...(deps.cwd !== undefined && { cwd: deps.cwd }),
  })
  const settings = readSettingsFile(location)
  const out: Record<string, string> = {}
  for (const [key, name] of [['dataDir', 'data_dir'], ['databaseUrl', 'database_url'], ['auditKey', 'audit_key']] as const) {
    const value = settings[key]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw new ConfigError(ConfigErrorCode.Invalid, `config file ${location.path}: ${name}: expected a string`)
    out[key] = value
  }
  return out
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
export async function openStore(flags: StoreFlags, given: OpenStoreOptions): Promise<Store> {
  // Loaded here, not at the top: a command declares its store options without loading the store.
  const { createStore, loadOrCreateAuditKey } = await import('@permit0/store')
  const options = given.file !== undefined ? given : { ...given, file: readStoreFileSettings(flags, given) }
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
