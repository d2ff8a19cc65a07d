import { type ClientKind, parseClientKind } from '@permit0/engine'
import { z } from 'zod'
import { HOOK_SECTION, SHARED_KEYS, configFileLocation, readConfigFile, snakeKey } from '../config/file.ts'
import { pickSetting } from '../config/resolve.ts'
import { resolveDataDir } from '../data-dir.ts'

/** What the hook does with a call no pack classifies (only when the verdict would be `ask`). */
export const UnknownPolicy = { Ask: 'ask', Allow: 'allow', Deny: 'deny', Bypass: 'bypass' } as const
export type UnknownPolicy = (typeof UnknownPolicy)[keyof typeof UnknownPolicy]

/** `cc-prompt`: ask in Claude Code at once. `ui-wait`: park on the dashboard until a human decides. */
export const HitlRouting = { CcPrompt: 'cc-prompt', UiWait: 'ui-wait' } as const
export type HitlRouting = (typeof HitlRouting)[keyof typeof HitlRouting]

/**
 * Timeout (seconds) the hook is registered with (`hook install` writes it explicitly) and the
 * budget every remote wait is kept under. Claude Code's own default for command hooks is 600 s.
 */
export const HOOK_TIMEOUT_SECS = 600
/** Margin kept between the longest daemon wait and the host killing the hook. */
export const HOOK_DEADLINE_MARGIN_SECS = 20
export const DEFAULT_HITL_TIMEOUT_SECS = 300
export const DEFAULT_ORG_DOMAIN = 'default.org'
export const DEFAULT_CLIENT = 'claude-code'

const UnknownSchema = z.enum(['ask', 'allow', 'deny', 'bypass'], {
  error: (i) => `unknown policy '${String(i.input)}' is not supported (use ask, allow, deny or bypass)`,
})
/** Client spellings of the engine (`claude_code`, `open-claw`, `none`, …) → the canonical kind. */
const ClientSchema = z.string().transform((value, ctx) => {
  const kind = parseClientKind(value)
  if (kind === undefined) {
    ctx.addIssue({ code: 'custom', message: `client '${value}' is not supported (use claude-code, claude-desktop, openclaw or raw)` })
    return z.NEVER
  }
  return kind
})
const RoutingSchema = z
  .enum(['cc-prompt', 'cc_prompt', 'ui-wait', 'ui_wait'], {
    error: (i) => `hitl_routing '${String(i.input)}' is not supported (use cc-prompt or ui-wait)`,
  })
  .transform((v): HitlRouting => (v.startsWith('ui') ? HitlRouting.UiWait : HitlRouting.CcPrompt))

/** The hook's keys: the `hook:` section of permit0.yaml; every key optional, unknown keys rejected. */
const hookKeys = {
  remote: z.string().min(1).optional(),
  hitl_routing: RoutingSchema.optional(),
  hitl_timeout_secs: z.number().int().nonnegative().optional(),
  unknown: UnknownSchema.optional(),
  client: ClientSchema.optional(),
  shadow: z.boolean().optional(),
  /** Bearer token for a daemon that requires one (our addition; env `PERMIT0_TOKEN` wins). */
  token: z.string().min(1).optional(),
}
export const HookSectionSchema = z
  .strictObject(hookKeys)
  .nullable()
  .transform((v) => v ?? {})
export type HookSection = z.output<typeof HookSectionSchema>

/** Deprecated `~/.permit0/config.yaml` (or `$PERMIT0_CONFIG`): the hook's keys and `org_domain` at the top. */
export const LegacyHookConfigFileSchema = z
  .strictObject({ ...hookKeys, org_domain: z.string().min(1).optional() })
  .nullable()
  .transform((v) => v ?? {})

/** The shared top-level keys of permit0.yaml, as the hook reads them (serve's keys are serve's to check). */
const SharedSchema = z.object({
  org_domain: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  packs_dir: z.string().min(1).optional(),
  data_dir: z.string().min(1).optional(),
})
const HOOK_ONLY_KEYS = new Set(Object.keys(hookKeys))
/** The deprecated hook file (read only when permit0.yaml has no `hook:` section). */
export const LEGACY_CONFIG_ENV = 'PERMIT0_CONFIG'

export interface HookFlags {
  readonly remote?: string
  readonly unknown?: string
  readonly client?: string
  readonly shadow?: boolean
  readonly orgDomain?: string
  readonly profile?: string
  readonly packsDir?: string
  readonly dataDir?: string
  readonly config?: string
}

export interface HookConfig {
  readonly remote?: string
  readonly token?: string
  readonly unknown: UnknownPolicy
  readonly client: ClientKind
  readonly shadow: boolean
  readonly orgDomain: string
  /** Local mode: scoring profile (flag > `PERMIT0_PROFILE` > `profile` > none). */
  readonly profile?: string
  /** Local mode: packs root (flag > `PERMIT0_PACKS_DIR` > `packs_dir` > the default roots). */
  readonly packsDir?: string
  /** The data directory (flag > `PERMIT0_DATA_DIR` > `data_dir` > `~/.permit0/data`), absolute. */
  readonly dataDir: string
  /**
   * Only when configured (`hitl_routing` in the file): `cc-prompt` asks the daemon to return
   * `human` at once (Claude Code prompts natively); absent or `ui-wait` → the daemon's default
   * (a `--ui` daemon parks the call on its dashboard).
   */
  readonly hitlRouting?: HitlRouting
  readonly hitlTimeoutSecs: number
  /** The config file that was read, if any (permit0.yaml, or the deprecated file it fell back to). */
  readonly configPath?: string
  /** One-line notes for stderr (a deprecated file or layout was read). */
  readonly notes: readonly string[]
}

export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string }

export interface ResolveHookConfigInput {
  readonly flags: HookFlags
  readonly env: Readonly<Record<string, string | undefined>>
  readonly homeDir: string
  readonly cwd?: string
  /** Returns the file text, or `undefined` when the file does not exist. */
  readonly readFile: (path: string) => string | undefined
  /** YAML → JS value (throws on syntax errors). */
  readonly parseYaml: (text: string) => unknown
}

function issues(path: string, error: z.ZodError, section?: string): string {
  const where = (at: PropertyKey[]) => [...(section === undefined ? [] : [section]), ...at.map(String)].join('.') || '(root)'
  return `config file ${path}: ${error.issues.map((i) => `${where(i.path)}: ${i.message}`).join('; ')}`
}

function snakeDoc(doc: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).map(([k, v]) => [snakeKey(k), v]))
}

/** The hook's section and the shared keys out of permit0.yaml, else the deprecated file. */
function readHookFile(input: ResolveHookConfigInput): Resolved<{
  hook: HookSection
  shared: z.output<typeof SharedSchema>
  legacyOrgDomain?: string
  path?: string
  notes: string[]
}> {
  const { env } = input
  const location = configFileLocation({ flag: input.flags.config, env, homeDir: input.homeDir, ...(input.cwd !== undefined && { cwd: input.cwd }) })
  const read = readConfigFile(location, input)
  if (!read.ok) return read
  const doc = snakeDoc(read.doc)
  const notes: string[] = []
  let section: unknown
  if (HOOK_SECTION in doc) {
    const value = doc[HOOK_SECTION]
    section = typeof value === 'object' && value !== null && !Array.isArray(value) ? snakeDoc(value as Record<string, unknown>) : value
  } else {
    // The hook's keys at the top level (an old-format file named by --config): still read.
    const topHookKeys = Object.keys(doc).filter((k) => HOOK_ONLY_KEYS.has(k))
    if (topHookKeys.length > 0) {
      notes.push(`permit0 hook: deprecated: ${read.path} has hook settings (${topHookKeys.join(', ')}) at the top level; move them under \`hook:\``)
      section = Object.fromEntries(topHookKeys.map((k) => [k, doc[k]]))
    }
  }
  const shared = SharedSchema.safeParse(Object.fromEntries(SHARED_KEYS.filter((k) => k in doc).map((k) => [k, doc[k]])))
  if (!shared.success) return { ok: false, message: issues(read.path, shared.error) }
  if (section !== undefined) {
    const hook = HookSectionSchema.safeParse(section)
    if (!hook.success) return { ok: false, message: issues(read.path, hook.error, HOOK_SECTION) }
    return { ok: true, value: { hook: hook.data, shared: shared.data, path: read.path, notes } }
  }

  // No `hook:` section: the deprecated file, if there is one.
  const legacyNamed = env[LEGACY_CONFIG_ENV] !== undefined && env[LEGACY_CONFIG_ENV] !== ''
  const legacyLocation = { path: legacyNamed ? (env[LEGACY_CONFIG_ENV] as string) : `${input.homeDir}/.permit0/config.yaml`, explicit: legacyNamed }
  const legacyRead = readConfigFile(legacyLocation, input)
  if (!legacyRead.ok) return legacyRead
  const base = { shared: shared.data, notes, ...(read.exists && { path: read.path }) }
  if (!legacyRead.exists) return { ok: true, value: { hook: {}, ...base } }
  const legacy = LegacyHookConfigFileSchema.safeParse(Object.keys(legacyRead.doc).length === 0 ? null : legacyRead.doc)
  if (!legacy.success) return { ok: false, message: issues(legacyRead.path, legacy.error) }
  const { org_domain, ...hook } = legacy.data
  notes.push(
    `permit0 hook: deprecated: ${legacyRead.path}${legacyNamed ? ` (${LEGACY_CONFIG_ENV})` : ''} is read because ${read.path} has no \`hook:\` section; move its settings there`,
  )
  return {
    ok: true,
    value: { ...base, hook, ...(org_domain !== undefined && { legacyOrgDomain: org_domain }), path: legacyRead.path },
  }
}

/**
 * Resolves the hook configuration with the one rule of every command (config/resolve.ts):
 * flag > environment (`PERMIT0_*`) > config file > default, an empty variable counting as unset.
 * The file is permit0.yaml (`--config` > `PERMIT0_CONFIG_FILE` > `~/.permit0/permit0.yaml`): its
 * `hook:` section holds `remote`, `unknown`, `client`, `shadow`, `hitl_routing`,
 * `hitl_timeout_secs` (the last two: file > default), its top level the shared `org_domain`,
 * `profile`, `packs_dir`, `data_dir`. Without a `hook:` section the deprecated
 * `~/.permit0/config.yaml` (or `$PERMIT0_CONFIG`) is read, with a note. An explicitly named file
 * that does not exist is an error.
 */
export function resolveHookConfig(input: ResolveHookConfigInput): Resolved<HookConfig> {
  const { flags, env } = input
  const read = readHookFile(input)
  if (!read.ok) return read
  const { hook: file, shared, legacyOrgDomain, path, notes } = read.value

  const unknown = UnknownSchema.safeParse(pickSetting({ flag: flags.unknown, env: env.PERMIT0_UNKNOWN, file: file.unknown, fallback: 'bypass' }))
  if (!unknown.success) return { ok: false, message: unknown.error.issues[0]!.message }
  const client = ClientSchema.safeParse(pickSetting({ flag: flags.client, env: env.PERMIT0_CLIENT, file: file.client, fallback: DEFAULT_CLIENT }))
  if (!client.success) return { ok: false, message: client.error.issues[0]!.message }
  // `--shadow` is a switch (absent = not given); PERMIT0_SHADOW=0 turns it off, anything else on.
  const envShadow = env.PERMIT0_SHADOW === undefined || env.PERMIT0_SHADOW === '' ? undefined : env.PERMIT0_SHADOW !== '0'
  const shadow = pickSetting({ flag: flags.shadow === true ? true : undefined, env: envShadow, file: file.shadow, fallback: false }) === true
  const remote = pickSetting({ flag: flags.remote, env: env.PERMIT0_REMOTE, file: file.remote })
  const token = pickSetting({ env: env.PERMIT0_TOKEN, file: file.token })
  const orgDomain = pickSetting({ flag: flags.orgDomain, env: env.PERMIT0_ORG_DOMAIN, file: shared.org_domain ?? legacyOrgDomain, fallback: DEFAULT_ORG_DOMAIN }) as string
  const profile = pickSetting({ flag: flags.profile, env: env.PERMIT0_PROFILE, file: shared.profile })
  const packsDir = pickSetting({ flag: flags.packsDir, env: env.PERMIT0_PACKS_DIR, file: shared.packs_dir })
  const dataDir = resolveDataDir(
    { dataDir: flags.dataDir, fileDataDir: shared.data_dir },
    { env, homeDir: input.homeDir, ...(input.cwd !== undefined && { cwd: input.cwd }) },
  )

  return {
    ok: true,
    value: Object.freeze({
      ...(remote !== undefined ? { remote } : {}),
      ...(token !== undefined ? { token } : {}),
      unknown: unknown.data,
      client: client.data,
      shadow,
      orgDomain,
      ...(profile !== undefined ? { profile } : {}),
      ...(packsDir !== undefined ? { packsDir } : {}),
      dataDir,
      ...(file.hitl_routing !== undefined ? { hitlRouting: file.hitl_routing } : {}),
      hitlTimeoutSecs: file.hitl_timeout_secs ?? DEFAULT_HITL_TIMEOUT_SECS,
      ...(path !== undefined ? { configPath: path } : {}),
      notes,
    }),
  }
}

/** The wait asked of the daemon: the configured budget, kept below the host's hook timeout. */
export function effectiveWaitSecs(hitlTimeoutSecs: number, hookTimeoutSecs: number): number {
  return Math.max(0, Math.min(hitlTimeoutSecs, hookTimeoutSecs - HOOK_DEADLINE_MARGIN_SECS))
}
