/**
 * The synchronous core of the decision pipeline, in the reference's order:
 * denylist → allowlist → policy cache → unknown fallback → scorer. The async shell in `engine.ts`
 * does the store round trip, the optional agent review and the cache write.
 */
import type { NamedSets } from '../conditions/index.ts'
import { assessRisk, type AssessInput, type AssessReport } from '../risk/assess.ts'
import type { CompiledRiskRule } from '../risk/compile-risk-rule.ts'
import { routeTier, type HybridScorer } from '../scoring/hybrid.ts'
import type { SessionContext } from '../session/session.ts'
import { UNKNOWN_ACTION_TYPE } from '../taxonomy/taxonomy.ts'
import { explainAction } from './explain.ts'
import {
  DecisionSource,
  Permission,
  type JsonObject,
  type JsonValue,
  type ListOrigin,
  type NormAction,
  type PolicyLookup,
  type RiskScore,
  type TraceStage,
  type Verdict,
} from '../types.ts'

export interface DecideContext {
  /** The raw tool-call parameters (risk rules read bare field names from them). */
  readonly rawParameters: JsonValue
  readonly session?: SessionContext
  readonly nowMs: number
  /** The organisation's mail domain, for the explanation ("outside acme.com"). */
  readonly orgDomain?: string
}

export interface ScoringModel {
  readonly rules: ReadonlyMap<string, CompiledRiskRule>
  readonly scorer: HybridScorer
  readonly namedSets: NamedSets
}

export const TraceStageName = {
  Normalize: 'normalize',
  Denylist: 'denylist',
  Allowlist: 'allowlist',
  PolicyCache: 'policy_cache',
  UnknownAction: 'unknown_action',
  RiskScoring: 'risk_scoring',
  AgentReview: 'agent_review',
} as const

const DENY_MISS: TraceStage = { stage: TraceStageName.Denylist, outcome: 'miss' }
const ALLOW_MISS: TraceStage = { stage: TraceStageName.Allowlist, outcome: 'miss' }
const CACHE_MISS: TraceStage = { stage: TraceStageName.PolicyCache, outcome: 'miss' }
const UNKNOWN_MISS: TraceStage = { stage: TraceStageName.UnknownAction, outcome: 'miss' }

/** The normalizer that matched (pack, id, file), when known. */
export interface NormalizerRef {
  readonly id: string
  readonly pack: string
  readonly file: string
}

export function normalizeStage(action: NormAction, normalizer?: NormalizerRef): TraceStage {
  const detail: JsonObject = { action_type: action.actionType, channel: action.channel }
  if (normalizer !== undefined) {
    detail['normalizer'] = { id: normalizer.id, pack: normalizer.pack, file: normalizer.file }
  } else if (action.actionType === UNKNOWN_ACTION_TYPE) {
    detail['normalizer'] = null
  }
  return { stage: TraceStageName.Normalize, outcome: 'ok', detail }
}

function listDetail(origin: ListOrigin | undefined): JsonObject | undefined {
  if (origin === undefined) return undefined
  return { reason: origin.reason, created_by: origin.createdBy, created_at_ms: origin.createdAtMs }
}

function hitStage(stage: string, origin: ListOrigin | undefined): TraceStage {
  const detail = listDetail(origin)
  return detail === undefined ? { stage, outcome: 'hit' } : { stage, outcome: 'hit', detail }
}

export function riskDetail(risk: RiskScore): JsonObject {
  const detail: JsonObject = {
    tier: risk.tier,
    raw: risk.raw,
    score: risk.score,
    flags: [...risk.flags],
    blocked: risk.blocked,
  }
  if (risk.blockReason !== undefined) detail['block_reason'] = risk.blockReason
  return detail
}

/** Scores an action with its risk rule; `undefined` when no rule is installed (unknown action). */
export function scoreAction(
  model: ScoringModel,
  action: NormAction,
  ctx: Omit<DecideContext, 'nowMs'> & { readonly nowMs?: number },
  report?: AssessReport,
): RiskScore | undefined {
  const rule = model.rules.get(action.actionType)
  if (rule === undefined) return undefined
  const input: AssessInput = {
    actionType: action.actionType,
    parameters: action.parameters,
    rawParameters: ctx.rawParameters,
    session: ctx.session,
    nowMs: ctx.nowMs,
  }
  return assessRisk(rule, input, model.scorer, model.namedSets, report)
}

export interface Decision {
  readonly verdict: Verdict
  /**
   * Whether the verdict may be written to the policy cache: engine Allow/Deny that did not depend
   * on session history (a session gate must not leak into other sessions through the cache).
   */
  readonly cacheable: boolean
  /** A session rule or session block rule shaped the verdict. */
  readonly sessionDependent: boolean
}

/**
 * Decides one normalized action given what the policy store knows about its hash. Pure and
 * synchronous; `trace` starts with `leadingTrace` (normally the normalize stage).
 */
export function decide(
  model: ScoringModel,
  action: NormAction,
  lookup: PolicyLookup,
  ctx: DecideContext,
  leadingTrace: readonly TraceStage[] = [],
): Decision {
  const report: AssessReport = {
    sessionDependent: false,
    matchedRules: [],
    matchedSessionRules: [],
    flags: {},
    amplifiers: {},
  }
  const verdict = decideVerdict(model, action, lookup, ctx, leadingTrace, report)
  const sessionDependent = report.sessionDependent
  return { verdict, cacheable: isCacheable(verdict) && !sessionDependent, sessionDependent }
}

function decideVerdict(
  model: ScoringModel,
  action: NormAction,
  lookup: PolicyLookup,
  ctx: DecideContext,
  leadingTrace: readonly TraceStage[],
  report: AssessReport,
): Verdict {
  const trace: TraceStage[] = [...leadingTrace]
  const explanation = explainAction(action, ctx.orgDomain === undefined ? {} : { orgDomain: ctx.orgDomain })
  if (lookup.denylisted) {
    trace.push(hitStage(TraceStageName.Denylist, lookup.denyEntry))
    return { permission: Permission.Deny, source: DecisionSource.Denylist, action, trace, explanation }
  }
  trace.push(DENY_MISS)
  if (lookup.allowlisted) {
    trace.push(hitStage(TraceStageName.Allowlist, lookup.allowEntry))
    return { permission: Permission.Allow, source: DecisionSource.Allowlist, action, trace, explanation }
  }
  trace.push(ALLOW_MISS)
  const cached = lookup.cached
  if (cached !== undefined) {
    const detail: JsonObject = { cached_permission: cached.permission, cached_source: cached.source }
    if (cached.reviewer !== undefined) detail['reviewer'] = cached.reviewer
    if (cached.reason !== undefined) detail['reason'] = cached.reason
    if (cached.decidedAtMs !== undefined) detail['decided_at_ms'] = cached.decidedAtMs
    if (cached.approvalId !== undefined) detail['approval_id'] = cached.approvalId
    trace.push({ stage: TraceStageName.PolicyCache, outcome: 'hit', detail })
    return cached.risk === undefined
      ? { permission: cached.permission, source: DecisionSource.PolicyCache, action, trace, explanation }
      : { permission: cached.permission, source: DecisionSource.PolicyCache, action, risk: cached.risk, trace, explanation }
  }
  trace.push(CACHE_MISS)
  const risk = scoreAction(model, action, ctx, report)
  if (risk === undefined) {
    trace.push({
      stage: TraceStageName.UnknownAction,
      outcome: 'evaluated',
      detail: { action_type: action.actionType, permission: Permission.Human },
    })
    return { permission: Permission.Human, source: DecisionSource.UnknownFallback, action, trace, explanation }
  }
  trace.push(UNKNOWN_MISS)
  trace.push({
    stage: TraceStageName.RiskScoring,
    outcome: 'evaluated',
    detail: scoringDetail(risk, model.rules.get(action.actionType), report),
  })
  return { permission: routeTier(risk), source: DecisionSource.Scorer, action, risk, trace, explanation }
}

/**
 * The risk-scoring trace detail: the score, the rule file, each matching rule entry and what it
 * did, the flags and amplifiers as scored, and which gate or block rule fired.
 */
function scoringDetail(risk: RiskScore, rule: CompiledRiskRule | undefined, report: AssessReport): JsonObject {
  const detail = riskDetail(risk)
  if (rule === undefined) return detail
  if (rule.file !== undefined) detail['risk_rule'] = rule.file
  if (rule.fixedTier !== undefined) detail['fixed_tier'] = rule.fixedTier
  detail['matched_rules'] = (report.matchedRules ?? []).map((i) => ({ index: i, then: rule.rules[i]?.effects ?? null }))
  if ((report.matchedSessionRules ?? []).length > 0) {
    detail['matched_session_rules'] = (report.matchedSessionRules ?? []).map((i) => ({
      index: i,
      then: rule.sessionRules[i]?.effects ?? null,
    }))
  }
  if (report.flags !== undefined) detail['flag_roles'] = { ...report.flags }
  if (report.amplifiers !== undefined) detail['amplifiers'] = { ...report.amplifiers }
  if (report.sessionBlockReason !== undefined) detail['session_block_rule'] = report.sessionBlockReason
  if (risk.blocked && risk.blockReason !== undefined) {
    if (report.gatedByRule !== true) detail['block_rule'] = risk.blockReason
    else if (report.sessionBlockReason !== risk.blockReason) detail['gate'] = risk.blockReason
  }
  return detail
}

/**
 * Which sources' verdicts the policy cache may keep: only what the engine's scoring (or its agent
 * reviewer) worked out. Lists are looked up fresh, a cache hit is already cached, and a human's
 * answer is remembered by the approvals flow, not here. A new source must say (compile error).
 */
export const CACHEABLE_SOURCES = {
  Denylist: false,
  Allowlist: false,
  PolicyCache: false,
  UnknownFallback: false,
  Scorer: true,
  AgentReviewer: true,
  HumanReviewer: false,
} as const satisfies Record<DecisionSource, boolean>

/**
 * Whether a verdict may be written to the policy cache (engine Allow/Deny only). A verdict on an
 * unknown tool is never cached, whoever gave it.
 */
export function isCacheable(verdict: Verdict): boolean {
  return (
    verdict.permission !== Permission.Human &&
    verdict.action.actionType !== UNKNOWN_ACTION_TYPE &&
    CACHEABLE_SOURCES[verdict.source]
  )
}
