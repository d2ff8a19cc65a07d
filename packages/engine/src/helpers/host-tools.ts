/**
 * Helpers for the agent host's scheduling tools (Claude Code's CronCreate, ScheduleWakeup): what
 * a scheduled prompt will run. A prompt that starts with `!` is a shell command run in bash mode
 * when it fires, so it is judged as that command (shell_facts) plus persistence.
 */
import { canonicalJson, sha256Hex } from '../canonical/norm-hash.ts'
import type { JsonValue } from '../types.ts'
import { SHELL_HELPERS } from './shell.ts'
import type { HelperDef } from './types.ts'

const SHELL_FACTS = SHELL_HELPERS.find((h) => h.name === 'shell_facts')

/** The shell command of a `!command` prompt, else `""`. */
export function bangCommand(prompt: JsonValue | undefined): string {
  if (typeof prompt !== 'string') return ''
  const m = /^\s*!(.*)$/s.exec(prompt)
  return m?.[1]?.trim() ?? ''
}

/** SHA-256 of a value's canonical JSON (`"unhashable"` when it has none). */
export function jsonDigest(value: JsonValue | undefined): string {
  try {
    return sha256Hex(canonicalJson(value ?? null))
  } catch {
    return 'unhashable'
  }
}

export const HOST_TOOL_HELPERS: readonly HelperDef[] = [
  {
    name: 'json_digest',
    arity: 1,
    description:
      'json_digest(value) → SHA-256 hex of its canonical JSON; `json_digest(_params)` makes a ' +
      "normalizer's norm_hash cover every parameter of the call.",
    fn: (args) => jsonDigest(args[0]),
  },
  {
    name: 'scheduled_shell_facts',
    arity: 2,
    description:
      'scheduled_shell_facts(prompt, cwd) → shell_facts of the `!command` a scheduled prompt runs ' +
      '(the same analysis as Bash); a prompt without `!` analyses as the empty command.',
    fn: (args) => SHELL_FACTS === undefined ? { action: 'process.run', parse_error: true } : SHELL_FACTS.fn([bangCommand(args[0]), args[1] ?? null]),
  },
  {
    name: 'bang_command',
    arity: 1,
    description: 'bang_command(prompt) → the shell command of a `!command` prompt (bash mode), else "".',
    fn: (args) => bangCommand(args[0]),
  },
]
