/**
 * The `shell_facts` / `shell_action_type` helpers over the Bash analysis in `shell/analyze.ts`
 * (tree-sitter-bash parse, whole-tree walk, per-command classification, line-level reasons).
 */
import type { JsonValue } from '../types.ts'
import { analyzeShell, shellFactsToJson, type ShellFacts } from './shell/analyze.ts'
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
    name: 'shell_action_type',
    arity: 2,
    description: 'shell_action_type(command, cwd) → the action type of the most dangerous operation.',
    fn: (args) => cachedAnalysis(args).action,
  },
]
