/**
 * Risk-rule documents (`risk_rules/<verb>.yaml`) compiled once into closures: base template,
 * ordered `rules` and `session_rules` with precompiled `when:` conditions and mutations.
 */
import { compileCondition, parsePath, resolverFor, type Condition, type ConditionEnv } from '../conditions/index.ts'
import { issue, IssueSeverity, type IssuePath, type ValidationIssue } from '../errors.ts'
import { AMP_CEILINGS } from '../scoring/constants.ts'
import {
  addFlag,
  downgradeAmp,
  FlagRole,
  floorTemplate,
  gateTemplate,
  overrideAmp,
  promoteFlag,
  removeFlag,
  splitTemplate,
  upgradeAmp,
  createTemplate,
  type RiskTemplate,
} from '../scoring/template.ts'
import { isActionType } from '../taxonomy/index.ts'
import { Tier, type JsonValue } from '../types.ts'

/** Applies to the template; `data`/`env` are the rule's condition inputs (for `{parameter.…}` in gate texts). */
export type Mutation = (t: RiskTemplate, data: JsonValue, env: ConditionEnv) => void

const PLACEHOLDER = /\{(parameter(?:\.[A-Za-z0-9_]+)+)\}/g

/**
 * A gate reason with `{parameter.a.b}` placeholders filled from the call (lists joined with
 * `; `, missing values as `?`), so one rule can say why a specific call was refused.
 */
function reasonTemplate(text: string): (data: JsonValue, env: ConditionEnv) => string {
  const parts = [...text.matchAll(PLACEHOLDER)]
  if (parts.length === 0) return () => text
  const resolvers = new Map(parts.map((m) => [m[0], resolverFor(parsePath(m[1] as string))]))
  return (data, env) =>
    text.replace(PLACEHOLDER, (whole) => {
      const v = resolvers.get(whole)?.(data, env)
      if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('; ')
      return v === undefined || v === null ? '?' : typeof v === 'string' ? v : JSON.stringify(v)
    })
}

export interface CompiledRuleEntry {
  readonly when: Condition
  readonly then: readonly Mutation[]
  /** The entry's `then:` as written (for the decision trace: what a matching rule did). */
  readonly effects: JsonValue
}

export interface CompiledRiskRule {
  readonly actionType: string
  readonly fixedTier?: Tier
  readonly baseFlags: readonly (readonly [string, FlagRole])[]
  readonly baseAmps: readonly (readonly [string, number])[]
  readonly rules: readonly CompiledRuleEntry[]
  readonly sessionRules: readonly CompiledRuleEntry[]
  /** Where the rule came from (`permit0/email/risk_rules/send.yaml`), for messages. */
  readonly file?: string
}

export interface CompileRiskRuleResult {
  /** Present when there are no error-severity issues. */
  readonly rule?: CompiledRiskRule
  readonly issues: readonly ValidationIssue[]
}

const TOP_LEVEL_KEYS = new Set(['permit0_pack', 'action_type', 'tier', 'base', 'rules', 'session_rules'])
const FIXED_TIERS: Readonly<Record<string, Tier>> = {
  minimal: Tier.Minimal,
  low: Tier.Low,
  medium: Tier.Medium,
  high: Tier.High,
}
const BASE_AMP_MAX = 30

type Doc = Record<string, unknown>

function isMap(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v)
}

function parseRole(v: unknown, path: IssuePath, issues: ValidationIssue[]): FlagRole {
  if (v === 'primary') return FlagRole.Primary
  if (v !== 'secondary') {
    issues.push(
      issue('invalid_flag_role', path, `invalid flag role: ${String(v)} (must be 'primary' or 'secondary')`),
    )
  }
  return FlagRole.Secondary
}

function checkDim(dim: string, path: IssuePath, issues: ValidationIssue[]): void {
  if (!Object.hasOwn(AMP_CEILINGS, dim)) {
    issues.push(
      issue('unknown_amplifier', path, `unknown amplifier dimension '${dim}' is ignored by the scorer`, {
        key: dim,
        severity: IssueSeverity.Warning,
      }),
    )
  }
}

function parseFlags(node: unknown, path: IssuePath, issues: ValidationIssue[]): [string, FlagRole][] {
  if (node === undefined || node === null) return []
  if (!isMap(node)) {
    issues.push(issue('invalid_flags', path, 'flags must be a mapping of FLAG: primary|secondary'))
    return []
  }
  return Object.entries(node).map(([flag, role]) => [flag, parseRole(role, [...path, flag], issues)])
}

function parseAmps(
  node: unknown,
  path: IssuePath,
  max: number,
  issues: ValidationIssue[],
): [string, number][] {
  if (node === undefined || node === null) return []
  if (!isMap(node)) {
    issues.push(issue('invalid_amplifiers', path, 'amplifiers must be a mapping of dimension: integer'))
    return []
  }
  const out: [string, number][] = []
  for (const [dim, v] of Object.entries(node)) {
    const p = [...path, dim]
    if (!isInt(v) || v < 0 || v > max) {
      issues.push(
        issue('amplifier_out_of_range', p, `amplifier out of range: \`${dim}\` = ${JSON.stringify(v)} (must be 0..=${max === Infinity ? '∞' : max})`, { key: dim }),
      )
      continue
    }
    checkDim(dim, p, issues)
    out.push([dim, v])
  }
  return out
}

function dimAndNumber(
  v: unknown,
  numberKey: 'delta' | 'value',
  path: IssuePath,
  keyword: string,
  issues: ValidationIssue[],
): [string, number] | undefined {
  if (!isMap(v) || typeof v['dim'] !== 'string' || !isInt(v[numberKey])) {
    issues.push(
      issue('invalid_mutation', path, `'${keyword}' takes { dim: <name>, ${numberKey}: <integer> }`, { key: keyword }),
    )
    return undefined
  }
  checkDim(v['dim'], [...path, 'dim'], issues)
  return [v['dim'], v[numberKey]]
}

function compileMutation(
  node: unknown,
  path: IssuePath,
  gateOnly: boolean,
  issues: ValidationIssue[],
): Mutation | undefined {
  if (!isMap(node) || Object.keys(node).length !== 1) {
    issues.push(issue('invalid_mutation', path, 'a mutation must be a mapping with exactly one keyword'))
    return undefined
  }
  const [keyword, value] = Object.entries(node)[0] as [string, unknown]
  const p = [...path, keyword]
  if (gateOnly && keyword !== 'gate' && keyword !== 'floor') {
    issues.push(
      issue('fixed_tier_mutation', p, 'fixed-tier rules may only use gate: and floor: mutations (no add_flag/upgrade/etc.)', {
        key: keyword,
      }),
    )
    return undefined
  }
  switch (keyword) {
    case 'gate': {
      if (typeof value !== 'string' || value.trim() === '') {
        issues.push(issue('empty_gate_reason', p, 'empty gate reason', { key: keyword }))
        return undefined
      }
      const reason = reasonTemplate(value)
      return (t, data, env) => gateTemplate(t, reason(data, env))
    }
    case 'floor': {
      const tier = typeof value === 'string' ? FIXED_TIERS[value.toLowerCase()] : undefined
      if (tier === undefined) {
        issues.push(issue('invalid_mutation', p, "'floor' takes a tier: low, medium or high", { key: keyword }))
        return undefined
      }
      return (t) => floorTemplate(t, tier)
    }
    case 'add_flag': {
      if (!isMap(value) || typeof value['flag'] !== 'string') {
        issues.push(issue('invalid_mutation', p, "'add_flag' takes { flag: <FLAG>, role: primary|secondary }", { key: keyword }))
        return undefined
      }
      const flag = value['flag']
      const role = parseRole(value['role'], [...p, 'role'], issues)
      return (t) => addFlag(t, flag, role)
    }
    case 'remove_flag':
    case 'promote_flag': {
      if (typeof value !== 'string' || value === '') {
        issues.push(issue('invalid_mutation', p, `'${keyword}' takes a flag name`, { key: keyword }))
        return undefined
      }
      return keyword === 'remove_flag' ? (t) => removeFlag(t, value) : (t) => promoteFlag(t, value)
    }
    case 'upgrade':
    case 'downgrade': {
      const dv = dimAndNumber(value, 'delta', p, keyword, issues)
      if (!dv) return undefined
      const [dim, delta] = dv
      return keyword === 'upgrade' ? (t) => upgradeAmp(t, dim, delta) : (t) => downgradeAmp(t, dim, delta)
    }
    case 'override': {
      const dv = dimAndNumber(value, 'value', p, keyword, issues)
      if (!dv) return undefined
      const [dim, v] = dv
      return (t) => overrideAmp(t, dim, v)
    }
    case 'split': {
      if (!isMap(value)) {
        issues.push(issue('invalid_mutation', p, "'split' takes { flags?: {...}, amplifiers?: {...} }", { key: keyword }))
        return undefined
      }
      const flags = parseFlags(value['flags'], [...p, 'flags'], issues)
      const amps = parseAmps(value['amplifiers'], [...p, 'amplifiers'], Infinity, issues)
      return (t) => splitTemplate(t, createTemplate(flags, amps))
    }
    default:
      issues.push(
        issue('unknown_mutation', p, `unknown mutation '${keyword}' (expected gate, floor, add_flag, remove_flag, promote_flag, upgrade, downgrade, override or split)`, {
          key: keyword,
        }),
      )
      return undefined
  }
}

function compileEntries(
  node: unknown,
  path: IssuePath,
  gateOnly: boolean,
  issues: ValidationIssue[],
): CompiledRuleEntry[] {
  if (node === undefined || node === null) return []
  if (!Array.isArray(node)) {
    issues.push(issue('invalid_rules', path, 'must be a list of { when, then } entries'))
    return []
  }
  const out: CompiledRuleEntry[] = []
  node.forEach((entry: unknown, i) => {
    const p = [...path, i]
    if (!isMap(entry) || !Object.hasOwn(entry, 'when') || !Array.isArray(entry['then'])) {
      issues.push(issue('invalid_rule', p, 'a rule needs `when:` (a condition) and `then:` (a list of mutations)'))
      return
    }
    for (const k of Object.keys(entry)) {
      if (k !== 'when' && k !== 'then') {
        issues.push(issue('unknown_key', [...p, k], `unknown key '${k}' in a rule (expected when, then)`, { key: k }))
      }
    }
    const compiled = compileCondition(entry['when'], [...p, 'when'])
    issues.push(...compiled.issues)
    const then: Mutation[] = []
    ;(entry['then'] as unknown[]).forEach((m, j) => {
      const mut = compileMutation(m, [...p, 'then', j], gateOnly, issues)
      if (mut) then.push(mut)
    })
    out.push({ when: compiled.condition, then, effects: entry['then'] as JsonValue })
  })
  return out
}

/** Validates and compiles one parsed risk-rule document. */
export function compileRiskRule(doc: unknown, file?: string): CompileRiskRuleResult {
  const issues: ValidationIssue[] = []
  const withFile = (): ValidationIssue[] =>
    file === undefined ? issues : issues.map((i) => (i.file ? i : { ...i, file }))
  if (!isMap(doc)) {
    issues.push(issue('invalid_risk_rule', [], 'a risk rule must be a mapping'))
    return { issues: withFile() }
  }
  for (const k of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(k)) {
      issues.push(
        issue('unknown_key', [k], `unknown top-level key '${k}' is ignored`, { key: k, severity: IssueSeverity.Warning }),
      )
    }
  }
  if (typeof doc['permit0_pack'] !== 'string') {
    issues.push(issue('missing_field', ['permit0_pack'], 'permit0_pack (string) is required'))
  }
  const actionType = doc['action_type']
  if (typeof actionType !== 'string' || !isActionType(actionType)) {
    issues.push(issue('invalid_action_type', ['action_type'], `invalid action_type format: ${String(actionType)}`))
  }
  let fixedTier: Tier | undefined
  const tierNode = doc['tier']
  if (tierNode !== undefined && tierNode !== null) {
    const key = typeof tierNode === 'string' ? tierNode.toLowerCase() : ''
    fixedTier = FIXED_TIERS[key]
    if (fixedTier === undefined) {
      issues.push(
        issue(
          'invalid_tier',
          ['tier'],
          key === 'critical'
            ? 'tier: critical is not allowed — use a gate: mutation to force CRITICAL'
            : `invalid tier: ${String(tierNode)}`,
        ),
      )
    }
  }
  const hasTier = tierNode !== undefined && tierNode !== null
  const base = doc['base']
  if (!hasTier && (base === undefined || base === null)) {
    issues.push(issue('missing_base', ['base'], 'a scored rule must declare a base: section'))
  }
  if (base !== undefined && base !== null && !isMap(base)) {
    issues.push(issue('invalid_base', ['base'], 'base must be a mapping with flags and amplifiers'))
  }
  const baseMap = isMap(base) ? base : {}
  const baseFlags = parseFlags(baseMap['flags'], ['base', 'flags'], issues)
  const baseAmps = parseAmps(baseMap['amplifiers'], ['base', 'amplifiers'], BASE_AMP_MAX, issues)
  if (hasTier && baseAmps.length > 0) {
    issues.push(issue('fixed_tier_amplifiers', ['base', 'amplifiers'], 'amplifiers are ignored when tier: is set — remove them'))
  }
  const rules = compileEntries(doc['rules'], ['rules'], hasTier, issues)
  const sessionRules = compileEntries(doc['session_rules'], ['session_rules'], hasTier, issues)
  if (issues.some((i) => i.severity === IssueSeverity.Error)) return { issues: withFile() }
  return {
    rule: {
      actionType: actionType as string,
      ...(fixedTier === undefined ? {} : { fixedTier }),
      baseFlags,
      baseAmps,
      rules,
      sessionRules,
      ...(file === undefined ? {} : { file }),
    },
    issues: withFile(),
  }
}

/** Starts a fresh template for one call from the rule's base section. */
export function baseTemplate(rule: CompiledRiskRule): RiskTemplate {
  return createTemplate(rule.baseFlags, rule.baseAmps, rule.fixedTier)
}

/**
 * Applies every matching entry, in order (all-match; gates do not stop evaluation). Returns
 * whether any entry matched; `matched`, when given, receives the indices of the entries that did.
 */
export function applyEntries(
  entries: readonly CompiledRuleEntry[],
  t: RiskTemplate,
  data: JsonValue,
  env: Parameters<Condition>[1],
  matched?: number[],
): boolean {
  let any = false
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as CompiledRuleEntry
    if (e.when(data, env)) {
      any = true
      matched?.push(i)
      for (const m of e.then) m(t, data, env)
    }
  }
  return any
}
