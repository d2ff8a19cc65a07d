import type {
  ApprovalResolution as WireResolution,
  ApprovalSummary,
  AuditEntry as WireAuditEntry,
  CheckResponse,
  Remember,
} from '@permit0/contracts'
import { riskToWire, verdictToWire } from '@permit0/contracts'
import type { ApprovalRecord, ApprovalResolution } from '@permit0/approvals'
import {
  cachedDecisionReason,
  explainAction,
  verdictReason,
  type DecisionSource,
  type JsonObject,
  type NormAction,
  type Permission,
  type RememberedDecision,
  type Verdict,
} from '@permit0/engine'
import type { AuditEntry } from '@permit0/store'
import type { ScopeOptions } from './remember.ts'

export const iso = (ms: number): string => new Date(ms).toISOString()

export const toRemember = (remember: RememberedDecision): Remember => ({
  scope: remember.scope,
  expires_at: remember.expiresAtMs === undefined ? null : iso(remember.expiresAtMs),
})

export function toResolution(resolution: ApprovalResolution): WireResolution {
  return {
    status: resolution.status,
    ...(resolution.permission !== undefined && { permission: resolution.permission }),
    ...(resolution.reviewer !== undefined && { reviewer: resolution.reviewer }),
    ...(resolution.reason !== undefined && { reason: resolution.reason }),
    resolved_at: iso(resolution.resolvedAtMs),
    ...(resolution.remember !== undefined && { remember: toRemember(resolution.remember) }),
  }
}

/** The org domain a request was decided under (kept in an approval's context). */
const orgDomainOf = (context: JsonObject | undefined): { orgDomain?: string } => {
  const d = context?.['org_domain']
  return typeof d === 'string' && d !== '' ? { orgDomain: d } : {}
}

/** The explanation of a parked call and why the engine asked (computed from the stored action). */
export function approvalExplanation(record: Pick<ApprovalRecord, 'action' | 'context' | 'risk' | 'enginePermission' | 'engineSource'>): {
  explanation: string
  why: string
} {
  const verdict: Verdict = {
    permission: record.enginePermission,
    source: record.engineSource,
    action: record.action,
    ...(record.risk !== undefined && { risk: record.risk }),
    trace: [],
  }
  return { explanation: explainAction(record.action, orgDomainOf(record.context)), why: verdictReason(verdict) }
}

/** The agent behind a parked call, from its request context (client kind, agent type and id). */
export function agentOf(context: JsonObject | undefined): string | undefined {
  if (context === undefined) return undefined
  const metadata = context['metadata']
  const meta = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? metadata : {}
  const parts = [context['client_kind'], meta['agent_type'], meta['agent_id']].filter(
    (v): v is string => typeof v === 'string' && v !== '',
  )
  return parts.length === 0 ? undefined : [...new Set(parts)].join(' / ')
}

/** A card of the queue; `scopes`: what its reviewer may choose (shown while it is pending). */
export function toApprovalSummary(record: ApprovalRecord, scopes?: ScopeOptions): ApprovalSummary {
  const agent = agentOf(record.context)
  const { action } = record
  const { explanation, why } = approvalExplanation(record)
  return {
    approval_id: record.id,
    kind: record.kind,
    status: record.status,
    action_type: action.actionType,
    domain: action.domain,
    verb: action.verb,
    channel: action.channel,
    tool_name: record.toolName,
    surface_tool: action.execution.surfaceTool,
    surface_command: action.execution.surfaceCommand,
    norm_hash: action.normHash,
    explanation,
    ...(why !== '' && { why }),
    ...riskToWire(record.risk),
    flags: record.risk === undefined ? [] : [...record.risk.flags],
    parameters: action.parameters,
    engine_permission: record.enginePermission,
    engine_source: record.engineSource,
    ...(record.sessionId !== undefined && { session_id: record.sessionId }),
    ...(agent !== undefined && { agent }),
    ...(record.taskGoal !== undefined && { task_goal: record.taskGoal }),
    created_at: iso(record.createdAtMs),
    expires_at: iso(record.expiresAtMs),
    ...(scopes !== undefined && {
      scope_options: { scopes: [...scopes.scopes], default: scopes.default, remember_secs: Math.round(scopes.rememberMs / 1_000) },
    }),
    ...(record.resolution !== undefined && { resolution: toResolution(record.resolution) }),
  }
}

/** A cached human decision's reviewer, reason and time, from the verdict's policy-cache stage. */
function cachedHuman(verdict: Partial<Pick<Verdict, 'trace' | 'source'>>): { reviewer?: string; reason?: string; decided_at?: string } {
  if (verdict.source !== 'PolicyCache') return {}
  const d = verdict.trace?.find((s) => s.stage === 'policy_cache')?.detail
  if (d === undefined) return {}
  const at = d['decided_at_ms']
  return {
    ...(typeof d['reviewer'] === 'string' && { reviewer: d['reviewer'] }),
    ...(typeof d['reason'] === 'string' && { reason: d['reason'] }),
    ...(typeof at === 'number' && { decided_at: iso(at) }),
  }
}

/**
 * The `/check` response for a verdict (absent optionals omitted). Always carries `explanation`
 * and `why`; `trace` only with `options.trace`.
 */
export function toCheckResponse(
  verdict: Pick<Verdict, 'action' | 'risk'> &
    Partial<Pick<Verdict, 'trace' | 'explanation'>> & { permission: Permission; source: DecisionSource },
  extra: { approvalId?: string; reviewer?: string; reason?: string; why?: string; explanation?: string; trace?: boolean; remember?: RememberedDecision } = {},
): CheckResponse {
  const cached = cachedHuman(verdict)
  const reviewer = extra.reviewer ?? cached.reviewer
  const reason = extra.reason ?? cached.reason
  const explanation = extra.explanation ?? verdict.explanation ?? explainAction(verdict.action)
  const why = extra.why ?? verdictReason({ ...verdict, trace: verdict.trace ?? [] })
  return {
    ...verdictToWire(verdict),
    decision_source: verdict.source,
    ...(extra.approvalId !== undefined && { approval_id: extra.approvalId }),
    ...(reviewer !== undefined && reviewer !== '' && { reviewer }),
    ...(reason !== undefined && reason !== '' && { reason }),
    ...(cached.decided_at !== undefined && { decided_at: cached.decided_at }),
    explanation,
    ...(why !== '' && { why }),
    ...(extra.trace === true &&
      verdict.trace !== undefined && {
        trace: verdict.trace.map((s) => ({ stage: s.stage, outcome: s.outcome, ...(s.detail !== undefined && { detail: s.detail }) })),
      }),
    ...(extra.remember !== undefined && { remember: toRemember(extra.remember) }),
  }
}

/** What a person's decision says: "alice denied it: not on prod". */
export function humanWhy(permission: string, reviewer: string | undefined, reason: string | undefined): string {
  return cachedDecisionReason(
    { cached_source: 'HumanReviewer', ...(reviewer ? { reviewer } : {}), ...(reason ? { reason } : {}) },
    permission,
  ).replace(' this exact call earlier', ' it')
}

/** The response a parked request gets once a human decided. */
export function toHumanCheckResponse(record: ApprovalRecord): CheckResponse {
  const resolution = record.resolution
  const permission = resolution?.permission ?? 'deny'
  return toCheckResponse(
    {
      permission,
      source: 'HumanReviewer',
      action: record.action,
      risk: record.risk,
    },
    {
      approvalId: record.id,
      reviewer: resolution?.reviewer,
      reason: resolution?.reason,
      ...(resolution?.remember !== undefined && { remember: resolution.remember }),
      explanation: explainAction(record.action, orgDomainOf(record.context)),
      why: humanWhy(permission, resolution?.reviewer, resolution?.reason),
    },
  )
}

/** The explanation an audit entry shows: the recorded one, or one built from its action (older entries). */
export const auditExplanation = (entry: { explanation?: string; action: NormAction }): string =>
  entry.explanation ?? explainAction(entry.action)

export function toWireAuditEntry(entry: AuditEntry): WireAuditEntry {
  const { action, risk } = entry
  return {
    entry_id: entry.entryId,
    sequence: entry.sequence,
    timestamp: iso(entry.timestampMs),
    kind: entry.kind,
    permission: entry.decision,
    source: entry.decisionSource,
    action_type: action.actionType,
    channel: action.channel,
    norm_hash: action.normHash,
    ...(risk !== undefined && { score: risk.score, tier: risk.tier, blocked: risk.blocked }),
    flags: risk === undefined ? [] : [...risk.flags],
    surface_tool: action.execution.surfaceTool,
    surface_command: action.execution.surfaceCommand,
    explanation: auditExplanation(entry),
    ...(entry.approvalId !== undefined && { approval_id: entry.approvalId }),
    ...(entry.humanReview !== undefined && { reviewer: entry.humanReview.reviewer }),
    ...((entry.humanReview?.reason ?? entry.reason) !== undefined && { reason: entry.humanReview?.reason ?? entry.reason }),
    ...(entry.engineDecision !== undefined && { engine_permission: entry.engineDecision }),
    ...(entry.engineSource !== undefined && { engine_source: entry.engineSource }),
    ...(entry.sessionId !== undefined && { session_id: entry.sessionId }),
    ...(entry.taskGoal !== undefined && { task_goal: entry.taskGoal }),
    parameters: action.parameters,
    prev_hash: entry.prevHash,
    entry_hash: entry.entryHash,
    ...(entry.shadow !== undefined && { shadow: { ...entry.shadow } }),
  }
}
