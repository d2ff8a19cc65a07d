import type { Resolved } from './config.ts'

export interface HookRegistration {
  readonly matcher: string
  readonly hooks: readonly [{ readonly type: 'command'; readonly command: string; readonly timeout: number }]
}

/** The `PreToolUse` entry `hook install` registers, with an explicit timeout in seconds. */
export function buildRegistration(command: string, timeoutSecs: number, matcher: string): HookRegistration {
  return { matcher, hooks: [{ type: 'command', command, timeout: timeoutSecs }] }
}

/** Does a `PreToolUse` entry run our hook (any earlier install, whatever its path)? */
function isPermit0Entry(entry: unknown): boolean {
  const hooks = (entry as { hooks?: unknown })?.hooks
  if (!Array.isArray(hooks)) return false
  return hooks.some((h) => {
    const command = (h as { command?: unknown })?.command
    return typeof command === 'string' && /permit0/.test(command) && /\bhook\b/.test(command)
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
