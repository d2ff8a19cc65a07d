import type {
  ApprovalResolution as WireResolution,
  ApprovalSummary,
  AuditEntry as WireAuditEntry,
  CheckResponse,
  Remember,
} from '@permit0/contracts'
import { riskToWire, verdictToWire } from '@permit0/contracts'
import type { ApprovalRecord, ApprovalResolution } from '@permit0/approvals'
import type { DecisionSource, Permission, RememberedDecision, Verdict } from '@permit0/engine'
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

/** A card of the queue; `scopes`: what its reviewer may choose (shown while it is pending). */
export function toApprovalSummary(record: ApprovalRecord, scopes?: ScopeOptions): ApprovalSummary {
  const { action } = record
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
    ...riskToWire(record.risk),
    flags: record.risk === undefined ? [] : [...record.risk.flags],
    parameters: action.parameters,
    engine_permission: record.enginePermission,
    engine_source: record.engineSource,
    ...(record.sessionId !== undefined && { session_id: record.sessionId }),
    ...(record.taskGoal !== undefined && { task_goal: record.taskGoal }),
    created_at: iso(record.createdAtMs),
    expires_at: iso(record.expiresAtMs),
    ...(scopes !== undefined && {
      scope_options: { scopes: [...scopes.scopes], default: scopes.default, remember_secs: Math.round(scopes.rememberMs / 1_000) },
    }),
    ...(record.resolution !== undefined && { resolution: toResolution(record.resolution) }),
  }
}

/** The `/check` response for a verdict (absent optionals omitted). */
export function toCheckResponse(
  verdict: Pick<Verdict, 'action' | 'risk'> & { permission: Permission; source: DecisionSource },
  extra: { approvalId?: string; reviewer?: string; reason?: string; remember?: RememberedDecision } = {},
): CheckResponse {
  return {
    ...verdictToWire(verdict),
    decision_source: verdict.source,
    ...(extra.approvalId !== undefined && { approval_id: extra.approvalId }),
    ...(extra.reviewer !== undefined && extra.reviewer !== '' && { reviewer: extra.reviewer }),
    ...(extra.reason !== undefined && extra.reason !== '' && { reason: extra.reason }),
    ...(extra.remember !== undefined && { remember: toRemember(extra.remember) }),
  }
}

/** The response a parked request gets once a human decided. */
export function toHumanCheckResponse(record: ApprovalRecord): CheckResponse {
  const resolution = record.resolution
  return toCheckResponse(
    {
      permission: resolution?.permission ?? 'deny',
      source: 'HumanReviewer',
      action: record.action,
      risk: record.risk,
    },
    {
      approvalId: record.id,
      reviewer: resolution?.reviewer,
      reason: resolution?.reason,
      ...(resolution?.remember !== undefined && { remember: resolution.remember }),
    },
  )
}

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
