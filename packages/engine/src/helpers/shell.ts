/**
 * The `shell_facts` / `shell_action_type` helpers over the Bash analysis in `shell/analyze.ts`
 * (tree-sitter-bash parse, whole-tree walk, per-command classification, line-level reasons).
 */
import type { JsonValue } from '../types.ts'
import { analyzeShell, judgeScript, shellFactsToJson, type ShellFacts } from './shell/analyze.ts'
import type { HelperDef } from './types.ts'

export { analyzeShell, MAX_COMMAND_LENGTH, MAX_DEPTH, MAX_NEST, MAX_NODES, shellFactsToJson, type ShellFacts } from './shell/analyze.ts'

/** One-entry memo: a normalizer asks for the action type and the facts of the same command. */
let memoKey: string | undefined
let memoValue: ShellFacts | undefined

function cachedAnalysis(args: readonly JsonValue[]): ShellFacts {
  const command = typeof args[0] === 'string' ? args[0] : ''
  const cwd = typeof args[1] === 'string' && args[1] !== '' ? args[1] : undefined
  const key = `${cwd ?? ''}\u0000${command}`
  if (memoKey === key && memoValue !== undefined) return memoValue
  const value = analyzeShell(command, cwd)
  memoKey = key
  memoValue = value
  return value
}

/**
 * What a script file would do when run (`judgeScript` in shell/analyze.ts): its language and the
 * reasons the shell analysis of its text gives, as JSON for the packs.
 */
export function scriptFacts(path: string, text: string, cwd: string | undefined): JsonValue {
  const j = judgeScript(path, text, cwd)
  if (j === undefined) return { script: false, deny: false, ask: false, deny_reasons: [], ask_reasons: [] }
  return { script: true, language: j.language, deny: j.deny.length > 0, ask: j.ask.length > 0, deny_reasons: [...j.deny], ask_reasons: [...j.ask] }
}

const textOf = (v: JsonValue | undefined): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? v.map((x) => textOf(x)).join('\n') : v !== null && typeof v === 'object' ? textOf((v as Record<string, JsonValue>)['new_string']) : ''

export const SHELL_HELPERS: readonly HelperDef[] = [
  {
    name: 'shell_facts',
    arity: 2,
    description:
      'shell_facts(command, cwd) → the classified command line: action, actions, category, ' +
      'programs, read_only, sudo, recursive, force, globs, broad_target, target_scope/kind, ' +
      'write_scope/kind, touches_secret, hosts, external_host, private_host, pipes_to_shell, ' +
      'remote_code, inline_code, package_install, packages, prod, kube_context, ' +
      'protected_branch, device_write, persistence, secret_in_command, parse_error, ' +
      'deny/deny_reasons, ask/ask_reasons, reason, secret_read, egress, …',
    fn: (args) => shellFactsToJson(cachedAnalysis(args)),
  },
  {
    name: 'script_facts',
    arity: 3,
    description:
      'script_facts(path, text, cwd) → what a script file would do when run (Write content, Edit new_string, ' +
      'MultiEdit edits[].new_string): script, language (by #! line, else extension: shell, python, node, ruby, perl), ' +
      'deny/deny_reasons, ask/ask_reasons of the shell analysis of its text (fragments\' parse errors dropped).',
    fn: (args) => scriptFacts(typeof args[0] === 'string' ? args[0] : '', textOf(args[1]), typeof args[2] === 'string' && args[2] !== '' ? args[2] : undefined),
  },
  {
    name: 'shell_action_type',
    arity: 2,
    description: 'shell_action_type(command, cwd) → the action type of the most dangerous operation.',
    fn: (args) => cachedAnalysis(args).action,
  },
]
