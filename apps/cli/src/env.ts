/**
 * The environment the CLI commands read, snapshotted once by `main()` and passed down to every
 * command factory (`xxxCommand(ctx)`). Apart from `config/load.ts` (serve's settings), this is the
 * only module that reads `process.env`.
 */
import { z } from 'zod'

const optional = z.string().optional()

export const CliEnvSchema = z.object({
  /** Home directory (`os.homedir()` when unset). */
  HOME: optional,
  /** Claude Code's session id: the hook's fallback session. */
  CLAUDE_SESSION_ID: optional,
  PERMIT0_PACKS_DIR: optional,
  /** Store selection (store-options.ts). */
  PERMIT0_DATA_DIR: optional,
  PERMIT0_DATABASE_URL: optional,
  PERMIT0_AUDIT_DATABASE_URL: optional,
  PERMIT0_AUDIT_KEY_PATH: optional,
  PERMIT0_AUDIT_REDACT_KEYS: optional,
  /** The config file of every command (config/file.ts); `PERMIT0_CONFIG` is the hook's deprecated one. */
  PERMIT0_CONFIG_FILE: optional,
  PERMIT0_CONFIG: optional,
  /** Shared settings (serve and hook). */
  PERMIT0_ORG_DOMAIN: optional,
  PERMIT0_PROFILE: optional,
  /** Hook settings (hook/config.ts). */
  PERMIT0_UNKNOWN: optional,
  PERMIT0_CLIENT: optional,
  PERMIT0_SHADOW: optional,
  PERMIT0_REMOTE: optional,
  PERMIT0_TOKEN: optional,
})
export type CliEnv = Readonly<z.infer<typeof CliEnvSchema>>

/** What `main()` hands every command factory. */
export interface CliContext {
  readonly env: CliEnv
}

/** Parses the variables above out of `source` (default `process.env`) into a frozen snapshot. */
export function readCliEnv(source: Readonly<Record<string, string | undefined>> = process.env): CliEnv {
  return Object.freeze(CliEnvSchema.parse(source))
}

/**
 * The whole environment (string values only), for child processes permit0 launches on the
 * user's behalf (`permit0 mcp -- <server command>` passes it on unchanged, as the client would).
 */
export function childProcessEnv(source: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(source)) if (typeof value === 'string') env[key] = value
  return env
}
