import type { Resolved } from './config.ts'

/**
 * Claude Code's hook entry `hook install` writes. `onFailure: "block"` sits on the entry itself
 * (Claude Code ≥ 2.1.295; on the matcher group it does nothing): a hook that cannot start, times
 * out or exits oddly then blocks the call instead of letting it run.
 */
export type HookEntry =
  | { readonly type: 'command'; readonly command: string; readonly timeout: number; readonly onFailure: 'block' }
  | {
      readonly type: 'http'
      readonly url: string
      readonly timeout: number
      readonly onFailure: 'block'
      readonly headers: Readonly<Record<string, string>>
      readonly allowedEnvVars: readonly string[]
    }

export interface HookRegistration {
  readonly matcher: string
  readonly hooks: readonly [HookEntry]
}

/** The first Claude Code version that honours `onFailure: "block"`. */
export const ON_FAILURE_MIN_VERSION = '2.1.295'
/** The environment variable Claude Code substitutes into the http hook's Authorization header. */
export const HOOK_TOKEN_ENV = 'PERMIT0_TOKEN'
/** Where a daemon answers Claude Code's http hook. */
export const HTTP_HOOK_PATH = '/api/v1/hooks/claude-code'

/** The command form: the `PreToolUse` entry that runs `command`, with an explicit timeout in seconds. */
export function buildRegistration(command: string, timeoutSecs: number, matcher: string): HookRegistration {
  return { matcher, hooks: [{ type: 'command', command, timeout: timeoutSecs, onFailure: 'block' }] }
}

/** `http://host:port` → the daemon's http-hook URL; a URL already naming `/api/` is kept. */
export function httpHookUrl(remote: string): string {
  const trimmed = remote.trim().replace(/\/+$/, '')
  return trimmed.includes('/api/') ? trimmed : `${trimmed}${HTTP_HOOK_PATH}`
}

/** The http form: Claude Code POSTs the hook JSON to the daemon, with the agent token from the env. */
export function buildHttpRegistration(remote: string, timeoutSecs: number, matcher: string): HookRegistration {
  return {
    matcher,
    hooks: [
      {
        type: 'http',
        url: httpHookUrl(remote),
        timeout: timeoutSecs,
        onFailure: 'block',
        headers: { Authorization: `Bearer $${HOOK_TOKEN_ENV}` },
        allowedEnvVars: [HOOK_TOKEN_ENV],
      },
    ],
  }
}

/** `2.1.332 (Claude Code)` → is it older than `min`? Undefined when no version is readable. */
export function isOlderThan(versionText: string, min: string): boolean | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(versionText)
  if (!m) return undefined
  const have = m.slice(1, 4).map(Number)
  const want = min.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    if (have[i]! !== want[i]!) return have[i]! < want[i]!
  }
  return false
}

/** Does a `PreToolUse` entry run our hook (any earlier install, whatever its path or form)? */
function isPermit0Entry(entry: unknown): boolean {
  const hooks = (entry as { hooks?: unknown })?.hooks
  if (!Array.isArray(hooks)) return false
  return hooks.some((h) => {
    const command = (h as { command?: unknown })?.command
    const url = (h as { url?: unknown })?.url
    return (
      (typeof command === 'string' && /permit0|[/\\]dist[/\\]bin\.js\b/.test(command) && /\bhook\b/.test(command)) ||
      (typeof url === 'string' && url.includes(HTTP_HOOK_PATH))
    )
  })
}

/**
 * Merges the registration into the text of a Claude Code `settings.json` (or creates one),
 * replacing an earlier permit0 hook entry and keeping every other setting and hook untouched.
 */
export function mergeIntoSettings(existing: string | undefined, registration: HookRegistration): Resolved<string> {
  let settings: Record<string, unknown> = {}
  if (existing !== undefined && existing.trim() !== '') {
    let parsed: unknown
    try {
      parsed = JSON.parse(existing)
    } catch (err) {
      return { ok: false, message: `settings file is not valid JSON (${(err as Error).message}); fix it first` }
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { ok: false, message: 'settings file must contain a JSON object' }
    }
    settings = parsed as Record<string, unknown>
  }
  const hooks = settings.hooks ?? {}
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) {
    return { ok: false, message: 'settings "hooks" must be an object' }
  }
  const pre = (hooks as Record<string, unknown>).PreToolUse ?? []
  if (!Array.isArray(pre)) return { ok: false, message: 'settings "hooks.PreToolUse" must be an array' }
  const merged = {
    ...settings,
    hooks: { ...hooks, PreToolUse: [...pre.filter((e) => !isPermit0Entry(e)), registration] },
  }
  return { ok: true, value: `${JSON.stringify(merged, null, 2)}\n` }
}
