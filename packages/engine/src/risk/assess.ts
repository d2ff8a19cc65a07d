import type { ConditionEnv, NamedSets } from '../conditions/index.ts'
import type { HybridScorer } from '../scoring/hybrid.ts'
import { sessionBlockReason } from '../session/block-rules.ts'
import { sessionAmplifier, sessionSnapshot, type SessionContext } from '../session/session.ts'
import { gateTemplate } from '../scoring/template.ts'
import type { JsonObject, JsonValue, RiskScore } from '../types.ts'
import { applyEntries, baseTemplate, type CompiledRiskRule } from './compile-risk-rule.ts'

export interface AssessInput {
  readonly actionType: string
  /** The normalizer's output parameters (reachable as `parameter.*`). */
  readonly parameters: JsonObject
  /** The raw tool-call parameters (bare field names in `when:`). */
  readonly rawParameters: JsonValue
  readonly session?: SessionContext
  /** Wall-clock time of the call; used by windowed session rules. */
  readonly nowMs?: number
}

/**
 * The per-call data a rule's `when:` sees: the raw parameters (a non-object is wrapped as
 * `{_raw: v}`) plus `parameter` = the normalized parameters, unless the raw call has its own.
 * For an object the raw parameters are not copied: `parameter.*` paths read `env.parameter`.
 */
export function ruleData(
  raw: JsonValue,
  parameters: JsonObject,
  namedSets: NamedSets,
): { readonly data: JsonValue; readonly env: ConditionEnv } {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    return Object.hasOwn(raw, 'parameter')
      ? { data: raw, env: { namedSets } }
      : { data: raw, env: { namedSets, parameter: parameters } }
  }
  return { data: { _raw: raw, parameter: parameters }, env: { namedSets } }
}

/** Side information from an assessment. */
export interface AssessReport {
  /** A session rule matched or a session block rule fired (the verdict depends on history). */
  sessionDependent: boolean
  /** Indices of the `rules:` / `session_rules:` entries that matched (filled when present). */
  matchedRules?: number[]
  matchedSessionRules?: number[]
  /** The session block rule's reason, when one fired. */
  sessionBlockReason?: string
  /** The template as scored: flags with their roles, amplifiers with their raw values. */
  flags?: Record<string, string>
  amplifiers?: Record<string, number>
  /** The template was gated by a rule (`gate:`) or a session block rule before scoring. */
  gatedByRule?: boolean
}

/**
 * Runs one compiled risk rule for a call (rules, then session inputs) and scores the template.
 * `report`, when given, is filled in.
 */
export function assessRisk(
  rule: CompiledRiskRule,
  input: AssessInput,
  scorer: HybridScorer,
  namedSets: NamedSets,
  report?: AssessReport,
): RiskScore {
  const t = baseTemplate(rule)
  if (rule.rules.length > 0) {
    const { data, env } = ruleData(input.rawParameters, input.parameters, namedSets)
    applyEntries(rule.rules, t, data, env, report?.matchedRules)
  }
  const session = input.session
  if (session !== undefined) {
    const env = { namedSets }
    t.amps.set('session', sessionAmplifier(session))
    const matched =
      rule.sessionRules.length > 0 &&
      applyEntries(rule.sessionRules, t, sessionSnapshot(session), env, report?.matchedSessionRules)
    const reason = sessionBlockReason({
      session,
      actionType: input.actionType,
      parameters: input.parameters,
      nowMs: input.nowMs ?? session.records.at(-1)?.atMs ?? 0,
    })
    if (reason !== undefined) gateTemplate(t, reason)
    if (report) {
      report.sessionDependent = matched || reason !== undefined
      if (reason !== undefined) report.sessionBlockReason = reason
    }
  }
  if (report?.flags !== undefined) {
    for (const [flag, role] of t.flags) report.flags[flag] = role
    if (report.amplifiers !== undefined) for (const [dim, v] of t.amps) report.amplifiers[dim] = v
    report.gatedByRule = t.blocked
  }
  return scorer.score(t, input.actionType)
}
