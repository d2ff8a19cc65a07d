import { type ClientKind, parseClientKind } from '@permit0/engine'
import { z } from 'zod'

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

/** `~/.permit0/config.yaml`: every key optional, unknown keys rejected. */
export const HookConfigFileSchema = z
  .strictObject({
    remote: z.string().min(1).optional(),
    hitl_routing: RoutingSchema.optional(),
    hitl_timeout_secs: z.number().int().nonnegative().optional(),
    unknown: UnknownSchema.optional(),
    org_domain: z.string().min(1).optional(),
    client: ClientSchema.optional(),
    shadow: z.boolean().optional(),
    /** Bearer token for a daemon that requires one (our addition; env `PERMIT0_TOKEN` wins). */
    token: z.string().min(1).optional(),
  })
  .nullable()
  .transform((v) => v ?? {})
export type HookConfigFile = z.output<typeof HookConfigFileSchema>

export interface HookFlags {
  readonly remote?: string
  readonly unknown?: string
  readonly client?: string
  readonly shadow?: boolean
  readonly orgDomain?: string
  readonly config?: string
}

export interface HookConfig {
  readonly remote?: string
  readonly token?: string
  readonly unknown: UnknownPolicy
  readonly client: ClientKind
  readonly shadow: boolean
  readonly orgDomain: string
  /**
   * Only when configured (`hitl_routing` in the file): `cc-prompt` asks the daemon to return
   * `human` at once (Claude Code prompts natively); absent or `ui-wait` → the daemon's default
   * (a `--ui` daemon parks the call on its dashboard).
   */
  readonly hitlRouting?: HitlRouting
  readonly hitlTimeoutSecs: number
  /** The config file that was read, if any. */
  readonly configPath?: string
}

export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string }

export interface ResolveHookConfigInput {
  readonly flags: HookFlags
  readonly env: Readonly<Record<string, string | undefined>>
  readonly homeDir: string
  /** Returns the file text, or `undefined` when the file does not exist. */
  readonly readFile: (path: string) => string | undefined
  /** YAML → JS value (throws on syntax errors). */
  readonly parseYaml: (text: string) => unknown
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v)

/**
 * Resolves the hook configuration with upstream's precedence:
 * `remote`, `unknown`, `client`, `shadow`: flag > env (`PERMIT0_*`) > file > default;
 * `org_domain`: flag > file > default; `hitl_routing`, `hitl_timeout_secs`: file > default.
 * The file is `--config`, else `$PERMIT0_CONFIG`, else `~/.permit0/config.yaml` if it exists;
 * an explicitly named file that does not exist is an error.
 */
export function resolveHookConfig(input: ResolveHookConfigInput): Resolved<HookConfig> {
  const { flags, env } = input
  const explicit = flags.config ?? nonEmpty(env.PERMIT0_CONFIG)
  const path = explicit ?? `${input.homeDir}/.permit0/config.yaml`
  const text = input.readFile(path)
  if (text === undefined && explicit !== undefined) {
    return { ok: false, message: `config file ${explicit} does not exist` }
  }
  let file: HookConfigFile = {}
  if (text !== undefined) {
    let raw: unknown
    try {
      raw = text.trim() === '' ? null : input.parseYaml(text)
    } catch (err) {
      return { ok: false, message: `config file ${path}: invalid YAML: ${(err as Error).message}` }
    }
    const parsed = HookConfigFileSchema.safeParse(raw)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
      return { ok: false, message: `config file ${path}: ${issues}` }
    }
    file = parsed.data
  }

  const unknown = UnknownSchema.safeParse(flags.unknown ?? nonEmpty(env.PERMIT0_UNKNOWN) ?? file.unknown ?? 'bypass')
  if (!unknown.success) return { ok: false, message: unknown.error.issues[0]!.message }
  const client = ClientSchema.safeParse(flags.client ?? nonEmpty(env.PERMIT0_CLIENT) ?? file.client ?? DEFAULT_CLIENT)
  if (!client.success) return { ok: false, message: client.error.issues[0]!.message }
  const envShadow = nonEmpty(env.PERMIT0_SHADOW)
  const shadow = flags.shadow === true || (envShadow !== undefined ? envShadow !== '0' : (file.shadow ?? false))
  const remote = nonEmpty(flags.remote) ?? nonEmpty(env.PERMIT0_REMOTE) ?? file.remote
  const token = nonEmpty(env.PERMIT0_TOKEN) ?? file.token

  return {
    ok: true,
    value: Object.freeze({
      ...(remote !== undefined ? { remote } : {}),
      ...(token !== undefined ? { token } : {}),
      unknown: unknown.data,
      client: client.data,
      shadow,
      orgDomain: flags.orgDomain ?? file.org_domain ?? DEFAULT_ORG_DOMAIN,
      ...(file.hitl_routing !== undefined ? { hitlRouting: file.hitl_routing } : {}),
      hitlTimeoutSecs: file.hitl_timeout_secs ?? DEFAULT_HITL_TIMEOUT_SECS,
      ...(text !== undefined ? { configPath: path } : {}),
    }),
  }
}

/** The wait asked of the daemon: the configured budget, kept below the host's hook timeout. */
export function effectiveWaitSecs(hitlTimeoutSecs: number, hookTimeoutSecs: number): number {
  return Math.max(0, Math.min(hitlTimeoutSecs, hookTimeoutSecs - HOOK_DEADLINE_MARGIN_SECS))
}
