import type { CheckResponse } from './check.ts'
import type { DecisionSource, Permission, Tier } from './common.ts'

/**
 * The snake_case wire form of a verdict and its risk score, defined once: `/check` and
 * `/check_action` responses, approval cards, `permit0 check --json` and `permit0 gateway` output
 * lines are all built by `verdictToWire` / `riskToWire`, and clients read the risk fields
 * back with `riskFromWire`. The inputs are structural, so the engine's `Verdict` and
 * `RiskScore` (and the store's records) fit without this package importing the engine.
 */

/** The risk part of a verdict, camelCase (the engine's `RiskScore` fits). */
export interface RiskFields {
  readonly score: number
  readonly tier: Tier
  readonly blocked: boolean
  readonly blockReason?: string | undefined
  readonly flags: readonly string[]
}

/** What a verdict carries onto the wire (the engine's `Verdict` fits). */
export interface VerdictFields {
  readonly permission: Permission
  readonly source: DecisionSource
  readonly action: { readonly actionType: string; readonly channel: string; readonly normHash: string }
  readonly risk?: RiskFields | undefined
}

/**
 * camelCase field → snake_case wire field, checked against both sides: a field added to
 * `RiskFields` fails to compile until it is named here, and every target must be a `/check` field.
 */
export const RISK_WIRE_FIELDS = {
  score: 'score',
  tier: 'tier',
  blocked: 'blocked',
  blockReason: 'block_reason',
  flags: 'flags',
} as const satisfies Record<keyof RiskFields, keyof CheckResponse>

export type RiskWire = Pick<CheckResponse, (typeof RISK_WIRE_FIELDS)[keyof RiskFields]>
export type VerdictWire = Pick<CheckResponse, 'permission' | 'source' | 'action_type' | 'channel' | 'norm_hash'> & RiskWire

/** The risk fields on the wire; `{}` without a risk score. Absent optionals are omitted. */
export function riskToWire(risk: RiskFields | undefined): RiskWire {
  if (risk === undefined) return {}
  return {
    score: risk.score,
    tier: risk.tier,
    blocked: risk.blocked,
    ...(risk.blockReason !== undefined && { block_reason: risk.blockReason }),
    flags: [...risk.flags],
  }
}

/** A verdict on the wire: permission, source, action_type, channel, norm_hash, then the risk fields. */
export function verdictToWire(verdict: VerdictFields): VerdictWire {
  return {
    permission: verdict.permission,
    source: verdict.source,
    action_type: verdict.action.actionType,
    channel: verdict.action.channel,
    norm_hash: verdict.action.normHash,
    ...riskToWire(verdict.risk),
  }
}

/** The wire's risk fields back in camelCase, each only when present. */
export function riskFromWire(wire: RiskWire): Partial<RiskFields> {
  return {
    ...(wire.score !== undefined && { score: wire.score }),
    ...(wire.tier !== undefined && { tier: wire.tier }),
    ...(wire.blocked !== undefined && { blocked: wire.blocked }),
    ...(wire.block_reason !== undefined && { blockReason: wire.block_reason }),
    ...(wire.flags !== undefined && { flags: wire.flags }),
  }
}
