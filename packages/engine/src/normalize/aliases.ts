/** Alias tables (`aliases.yaml`): one-hop tool-name rewrites, flat or conditional. */
import { describe } from '../conditions/compile-condition.ts'
import { isJsonObject, strictEqual } from '../conditions/values.ts'
import { DocReader } from '../packs/doc-checks.ts'
import type { ValidationIssue } from '../errors.ts'
import type { JsonValue } from '../types.ts'

export interface AliasBranch {
  /** Top-level parameter to test; absent for the `default` branch. */
  readonly param?: string
  readonly contains?: JsonValue
  readonly target: string
}

export interface CompiledAlias {
  readonly tool: string
  readonly file: string
  /** Flat alias target, or undefined for a conditional alias. */
  readonly target?: string
  readonly branches: readonly AliasBranch[]
}

const FILE_KEYS = ['permit0_pack', 'aliases']
const ENTRY_KEYS = ['tool', 'rewrite_as', 'when']
const IF_KEYS = ['param', 'contains']

export function compileAliasFile(
  doc: unknown,
  file: string,
): { aliases: CompiledAlias[]; issues: readonly ValidationIssue[] } {
  const r = new DocReader()
  const aliases: CompiledAlias[] = []
  const root = r.mapping(doc, [], 'an alias file')
  if (!root) return { aliases, issues: r.issues }
  r.keys(root, FILE_KEYS, [], 'an alias file')
  r.string(root, 'permit0_pack', [], false)
  if (!Object.hasOwn(root, 'aliases')) {
    r.error('missing_key', ['aliases'], `missing required key 'aliases' (a list, may be empty)`, 'aliases')
    return { aliases, issues: r.issues }
  }
  const list = root.aliases
  if (list === null) return { aliases, issues: r.issues }
  if (!Array.isArray(list)) {
    r.error('invalid_type', ['aliases'], `'aliases' must be a list, got ${describe(list)}`, 'aliases')
    return { aliases, issues: r.issues }
  }
  list.forEach((raw, i) => {
    const path = ['aliases', i]
    const entry = r.mapping(raw, path, 'an alias entry')
    if (!entry) return
    const before = r.issues.length
    r.keys(entry, ENTRY_KEYS, path, 'an alias entry')
    const tool = r.string(entry, 'tool', path, true)
    const rewrite = r.string(entry, 'rewrite_as', path, false)
    const hasWhen = Object.hasOwn(entry, 'when')
    const name = tool ?? '?'
    if (rewrite !== undefined && hasWhen) {
      r.error('alias_shape', path, `alias '${name}' has both 'rewrite_as' and 'when'; pick one`)
    } else if (rewrite === undefined && !hasWhen) {
      r.error('alias_shape', path, `alias '${name}' has neither 'rewrite_as' nor 'when'`)
    }
    const branches: AliasBranch[] = []
    if (hasWhen && rewrite === undefined) {
      const when = entry.when
      if (!Array.isArray(when) || when.length === 0) {
        r.error('alias_shape', [...path, 'when'], `alias '${name}' needs a non-empty 'when' list`, 'when')
      } else {
        when.forEach((b, j) => {
          const bp = [...path, 'when', j]
          const branch = r.mapping(b, bp, 'a when branch')
          if (!branch) return
          const keys = Object.keys(branch).sort().join(',')
          if (keys === 'default') {
            const target = r.string(branch, 'default', bp, true)
            if (j !== when.length - 1) {
              r.error('alias_shape', [...bp, 'default'], `'default' must be the last branch (later branches would never apply)`, 'default')
            }
            if (target !== undefined) branches.push({ target })
            return
          }
          if (keys !== 'if,rewrite_as') {
            r.error('alias_shape', bp, `alias '${name}' has a malformed when branch; use either ('if' + 'rewrite_as') or 'default'`)
            return
          }
          const target = r.string(branch, 'rewrite_as', bp, true)
          const cond = r.mapping(branch.if, [...bp, 'if'], "'if'")
          if (!cond || target === undefined) return
          r.keys(cond, IF_KEYS, [...bp, 'if'], "an alias 'if'")
          const param = r.string(cond, 'param', [...bp, 'if'], true)
          if (!Object.hasOwn(cond, 'contains') || cond.contains === null) {
            r.error('alias_shape', [...bp, 'if'], `alias '${name}' condition has no matcher (expected 'contains')`)
            return
          }
          if (param !== undefined) branches.push({ param, contains: cond.contains as JsonValue, target })
        })
      }
    }
    if (r.issues.length > before || tool === undefined) return
    aliases.push({ tool, file, ...(rewrite === undefined ? {} : { target: rewrite }), branches })
  })
  return { aliases, issues: r.issues }
}

/** The rewritten tool name, or undefined for no rewrite. */
export function resolveAlias(alias: CompiledAlias, parameters: JsonValue): string | undefined {
  if (alias.target !== undefined) return alias.target
  for (const b of alias.branches) {
    if (b.param === undefined) return b.target
    if (!isJsonObject(parameters) || !Object.hasOwn(parameters, b.param)) continue
    const v = parameters[b.param] as JsonValue
    const needle = b.contains as JsonValue
    if (Array.isArray(v) ? v.some((el) => strictEqual(el, needle)) : typeof v === 'string' && typeof needle === 'string' && v.includes(needle)) {
      return b.target
    }
  }
  return undefined
}
