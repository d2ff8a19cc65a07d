import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { ConfigSchema, type Config, type ConfigInput } from './schema.ts'

export const ConfigErrorCode = { Invalid: 'CONFIG_INVALID', FileUnreadable: 'CONFIG_FILE_UNREADABLE' } as const
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode]

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** `PERMIT0_*` variable → config key. Only this module reads `process.env`. */
const ENV_KEYS: Readonly<Record<string, keyof ConfigInput>> = {
  PERMIT0_HOST: 'host',
  PERMIT0_PORT: 'port',
  PERMIT0_UI: 'ui',
  PERMIT0_CALIBRATE: 'calibrate',
  PERMIT0_PACKS_DIR: 'packsDir',
  PERMIT0_SHADOW_PACKS_DIR: 'shadowPacksDir',
  PERMIT0_PROFILE: 'profile',
  PERMIT0_ORG_DOMAIN: 'orgDomain',
  PERMIT0_DATABASE_URL: 'databaseUrl',
  PERMIT0_DATA_DIR: 'dataDir',
  PERMIT0_AUDIT_KEY_PATH: 'auditKey',
  PERMIT0_APPROVAL_TIMEOUT: 'approvalTimeoutSecs',
  PERMIT0_CACHE_HUMAN_VERDICTS: 'cacheHumanVerdicts',
  PERMIT0_APPROVAL_POLL_MS: 'approvalPollMs',
  PERMIT0_POLICY_CACHE_TTL_MS: 'policyCacheTtlMs',
  PERMIT0_TOKEN_CACHE_TTL_MS: 'tokenCacheTtlMs',
  PERMIT0_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  PERMIT0_LOG_LEVEL: 'logLevel',
  PERMIT0_UI_DIR: 'uiDir',
  PERMIT0_PUBLIC_URL: 'publicUrl',
  PERMIT0_LINK_SECRET: 'linkSecret',
  PERMIT0_LINK_SECRET_FILE: 'linkSecretFile',
  PERMIT0_NOTIFY_WEBHOOK: 'notifyWebhook',
  PERMIT0_WEBHOOK_SECRET: 'webhookSecret',
  PERMIT0_WEBHOOK_SECRET_FILE: 'webhookSecretFile',
  PERMIT0_NOTIFY_SLACK: 'notifySlack',
  PERMIT0_SLACK_API_URL: 'slackApiUrl',
  PERMIT0_SLACK_BOT_TOKEN: 'slackBotToken',
  PERMIT0_SLACK_BOT_TOKEN_FILE: 'slackBotTokenFile',
  PERMIT0_SLACK_SIGNING_SECRET: 'slackSigningSecret',
  PERMIT0_SLACK_SIGNING_SECRET_FILE: 'slackSigningSecretFile',
  PERMIT0_SLACK_USERS: 'slackUsers',
  PERMIT0_NOTIFY_EMAIL: 'notifyEmail',
  PERMIT0_NOTIFY_EMAIL_FROM: 'notifyEmailFrom',
  PERMIT0_NOTIFY_EMAIL_TO: 'notifyEmailTo',
  PERMIT0_SMTP_PASSWORD: 'smtpPassword',
  PERMIT0_SMTP_PASSWORD_FILE: 'smtpPasswordFile',
  PERMIT0_NOTIFY_INCLUDE_ARGUMENTS: 'notifyIncludeArguments',
}

const BOOLEAN_KEYS = new Set<keyof ConfigInput>(['ui', 'calibrate', 'cacheHumanVerdicts', 'notifyIncludeArguments'])

/** snake_case or kebab-case keys of permit0.yaml → camelCase config keys. */
const camel = (key: string): string => key.replace(/[-_]([a-z])/g, (_m, c: string) => c.toUpperCase())

function envLayer(env: Readonly<Record<string, string | undefined>>): Partial<ConfigInput> {
  const out: Record<string, unknown> = {}
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name]
    if (value === undefined || value === '') continue
    out[key] = BOOLEAN_KEYS.has(key) ? !['0', 'false', 'no', 'off'].includes(value.toLowerCase()) : value
  }
  return out as Partial<ConfigInput>
}

function fileLayer(path: string | undefined, explicit: boolean): Partial<ConfigInput> {
  if (path === undefined) return {}
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(ConfigErrorCode.FileUnreadable, `config file not found: ${path}`)
    return {}
  }
  let doc: unknown
  try {
    doc = parseYaml(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${path}: invalid YAML: ${(err as Error).message}`, { cause: err })
  }
  if (doc === null || doc === undefined) return {}
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${path}: expected a mapping of settings`)
  }
  const serve = (doc as Record<string, unknown>).serve
  const source = typeof serve === 'object' && serve !== null ? serve : doc
  return Object.fromEntries(Object.entries(source).map(([k, v]) => [camel(k), v])) as Partial<ConfigInput>
}

export interface LoadConfigOptions {
  /** CLI flags already parsed by commander (undefined = not given). */
  readonly flags: Partial<ConfigInput>
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /**
   * Settings file; default `$PERMIT0_CONFIG_FILE`, else `~/.permit0/permit0.yaml` (optional unless
   * given explicitly); `false` = none. Never `./permit0.yaml`: the working directory is the
   * agent's to write, and a file there must not choose the packs, the dashboard or the bind.
   */
  readonly file?: string | false
  readonly cwd?: string
  /** Home directory for the default file; default `$HOME` of `env`, else `os.homedir()`. */
  readonly home?: string
}

/** Merges flags > `PERMIT0_*` env > permit0.yaml > defaults, validates once, freezes. */
export function loadConfig(options: LoadConfigOptions): Config {
  const env = options.env ?? process.env
  const explicitFile = options.file === false ? undefined : (options.file ?? env.PERMIT0_CONFIG_FILE)
  const home = options.home ?? (env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir())
  const file =
    options.file === false
      ? undefined
      : explicitFile !== undefined
        ? resolve(options.cwd ?? process.cwd(), explicitFile)
        : join(home, '.permit0', 'permit0.yaml')
  const definedFlags = Object.fromEntries(Object.entries(options.flags).filter(([, v]) => v !== undefined))
  const merged = { ...fileLayer(file, explicitFile !== undefined), ...envLayer(env), ...definedFlags }
  const parsed = ConfigSchema.safeParse(merged)
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ')
    throw new ConfigError(ConfigErrorCode.Invalid, `invalid configuration: ${details}`)
  }
  return Object.freeze(parsed.data)
}

