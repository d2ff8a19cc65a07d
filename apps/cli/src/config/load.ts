import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { parseYamlValue as parseYaml } from '../yaml-value.ts'
import { type ConfigFileLocation, HOOK_SECTION, SERVE_SECTION, configFileLocation, readConfigFile, snakeKey } from './file.ts'
import { Layer, mergeLayers } from './resolve.ts'
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

/** Settings keys of serve's schema (camelCase), to name an unknown key of the file. */
const KNOWN_KEYS = new Set(Object.keys(ConfigSchema.in.shape))

/**
 * The settings of the config file as serve reads them (top level with `serve:` over it, `hook:`
 * left to the hook), camelCased; an unknown key, broken YAML, a missing explicit file → ConfigError
 * naming the file. Values are checked by the schema afterwards. The store commands read their
 * keys through it too, so a file means the same to every command.
 */
export function readSettingsFile(location: ConfigFileLocation | undefined): Partial<ConfigInput> {
  if (location === undefined) return {}
  const read = readConfigFile(location, { readFile: readFileOrUndefined, parseYaml })
  if (!read.ok) {
    const code = read.message.endsWith('does not exist') ? ConfigErrorCode.FileUnreadable : ConfigErrorCode.Invalid
    throw new ConfigError(code, read.message)
  }
  // Top level (shared and serve keys) with `serve:` over it; `hook:` is the hook's.
  const { [HOOK_SECTION]: _hook, [SERVE_SECTION]: serve, ...top } = read.doc
  if (serve !== undefined && serve !== null && (typeof serve !== 'object' || Array.isArray(serve))) {
    throw new ConfigError(ConfigErrorCode.Invalid, `config file ${read.path}: ${SERVE_SECTION}: expected a mapping of settings`)
  }
  const source = { ...top, ...(serve as Record<string, unknown> | null | undefined) }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(source)) {
    const name = camel(key)
    if (!KNOWN_KEYS.has(name)) {
      const hint = HOOK_KEYS.has(snakeKey(key)) ? ` (a hook setting: put it under \`${HOOK_SECTION}:\`)` : ''
      throw new ConfigError(ConfigErrorCode.Invalid, `config file ${read.path}: unknown key '${key}'${hint}`)
    }
    out[name] = value
  }
  return out as Partial<ConfigInput>
}

/** The hook's keys (hook/config.ts), named in the hint for one left at the top level. */
const HOOK_KEYS = new Set(['remote', 'unknown', 'client', 'shadow', 'hitl_routing', 'hitl_timeout_secs', 'token'])

function readFileOrUndefined(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/** `--port` for `port`, `PERMIT0_PORT`, `config file …`: where a rejected value came from. */
function describeSource(key: string, layer: Layer | undefined, file: string | undefined): string {
  if (layer === Layer.Flag) return ` (from --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)})`
  if (layer === Layer.Env) return ` (from ${Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0] ?? 'the environment'})`
  if (layer === Layer.File && file !== undefined) return ` (from config file ${file})`
  return ''
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

/** Merges flags > `PERMIT0_*` env > permit0.yaml > defaults (config/resolve.ts), validates once, freezes. */
export function loadConfig(options: LoadConfigOptions): Config {
  const env = options.env ?? process.env
  const home = options.home ?? (env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir())
  const location =
    options.file === false
      ? undefined
      : configFileLocation({ flag: options.file, env, homeDir: home, ...(options.cwd !== undefined && { cwd: options.cwd }) })
  const { values, sources } = mergeLayers<ConfigInput>({ flags: options.flags, env: envLayer(env), file: readSettingsFile(location) })
  const parsed = ConfigSchema.safeParse(values)
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => {
        const key = issue.path[0]
        const from = typeof key === 'string' ? describeSource(key, sources[key as keyof ConfigInput], location?.path) : ''
        return `${issue.path.join('.') || '(root)'}: ${issue.message}${from}`
      })
      .join('; ')
    throw new ConfigError(ConfigErrorCode.Invalid, `invalid configuration: ${details}`)
  }
  return Object.freeze(parsed.data)
}
