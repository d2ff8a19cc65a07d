/**
 * `serve --shadow <packs dir>`: beside each live decision, what a candidate policy would have
 * answered, recorded in the audit entry's `shadow` member (docs/serve.md). The candidate engine
 * has no side effects: it reads the allow/deny lists but no cached verdict (a new policy's
 * fingerprint would ignore them) and writes nothing; it never parks, and an error in it is
 * recorded, never thrown.
 */
import type { JsonObject, NormAction, PolicyStore, RawToolCall } from '@permit0/engine'
import type { AuditShadow } from '@permit0/store'
import { createDecider, type DecisionEngine } from '../decision/decide.ts'

/** The call as the live engine saw it, plus the action it normalized to. */
export interface ShadowCall {
  readonly call: RawToolCall
  /** The live verdict's action: a `/check_action` call is re-decided from its type and channel. */
  readonly action: NormAction
  readonly clientKind?: string
  readonly orgDomain?: string
  readonly nowMs: number
}

export type ShadowEvaluator = (input: ShadowCall) => Promise<AuditShadow>

/** Lists only: no cached verdict is read, nothing is written. */
export function shadowPolicy(live: PolicyStore): PolicyStore {
  return {
    lookup: async (normHash, nowMs) => {
      const found = await live.lookup(normHash, nowMs)
      return { denylisted: found.denylisted, allowlisted: found.allowlisted }
    },
    cacheSet: async () => undefined,
  }
}

/** Decides through the one decision path, with the candidate engine, the lists only and no session. */
export function createShadowEvaluator(engine: DecisionEngine, live: PolicyStore): ShadowEvaluator {
  const store = shadowPolicy(live)
  return async ({ call, action, clientKind, orgDomain, nowMs }) => {
    try {
      const decider = createDecider({ engine, policy: store, now: () => nowMs })
      const { verdict } = await decider.decide({
        call,
        ...(call.toolName.startsWith('__action:') && {
          action: { actionType: action.actionType, channel: action.channel, parameters: call.parameters as JsonObject },
        }),
        ...(clientKind !== undefined && { clientKind }),
        ...(orgDomain !== undefined && { orgDomain }),
      })
      return {
        permission: verdict.permission,
        source: verdict.source,
        ...(verdict.risk !== undefined && { tier: verdict.risk.tier, score: verdict.risk.score }),
      }
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) }
    }
  }
}

/** The `shadow` member of an audit entry (nothing without `--shadow`). Never throws. */
export async function shadowFields(evaluate: ShadowEvaluator | undefined, input: ShadowCall): Promise<{ shadow?: AuditShadow }> {
  if (evaluate === undefined) return {}
  try {
    return { shadow: await evaluate(input) }
  } catch (err) {
    return { shadow: { error: err instanceof Error ? err.message : String(err) } }
  }
}

/** A `ShadowCall` from what the decision service keeps of a call (its approval context). */
export function shadowCall(call: RawToolCall, action: NormAction, context: JsonObject, orgDomain: string | undefined, nowMs: number): ShadowCall {
  const clientKind = typeof context.client_kind === 'string' ? context.client_kind : undefined
  const domain = typeof context.org_domain === 'string' ? context.org_domain : orgDomain
  return { call, action, nowMs, ...(clientKind !== undefined && { clientKind }), ...(domain !== undefined && { orgDomain: domain }) }
}
