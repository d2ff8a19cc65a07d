import { verdictReason, type ClientKind, type JsonObject, type JsonValue, type PolicyStore, type SessionStore, type Verdict } from '@permit0/engine'
import { createDecider, type DecisionEngine } from '../decision/decide.ts'
import { type HookOutcome, outcomeFromVerdict } from './envelope.ts'

/** The part of `@permit0/engine`'s `Engine` the hook uses. */
export type LocalEngine = Pick<DecisionEngine, 'check'>

/** Local mode keeps no lists and no cache between invocations (upstream's in-memory state). */
const STATELESS_POLICY: PolicyStore = {
  lookup: async () => ({ denylisted: false, allowlisted: false }),
  cacheSet: async () => undefined,
}

export interface LocalCall {
  readonly toolName: string
  readonly parameters: JsonValue
  /** `session_id` here names the session (the hook sets it to the resolved id). */
  readonly metadata: JsonObject
}

export interface LocalOptions {
  readonly engine: LocalEngine
  readonly client: ClientKind
  readonly orgDomain: string
  readonly nowMs: number
  /** Cross-invocation session history (the session files); absent → stateless. */
  readonly sessions?: SessionStore
  readonly store?: PolicyStore
}

/** Decides in-process through the one decision path, which records the call in its session. */
export async function evaluateLocal(
  call: LocalCall,
  options: LocalOptions,
): Promise<{ outcome: HookOutcome; isUnknown: boolean; verdict: Verdict }> {
  const decider = createDecider({
    engine: options.engine,
    policy: options.store ?? STATELESS_POLICY,
    ...(options.sessions !== undefined && { sessions: options.sessions }),
    now: () => options.nowMs,
    orgDomain: options.orgDomain,
  })
  const { verdict } = await decider.decide({
    call: { toolName: call.toolName, parameters: call.parameters, metadata: call.metadata },
    clientKind: options.client,
  })
  const outcome = outcomeFromVerdict({
    permission: verdict.permission,
    source: verdict.source,
    actionType: verdict.action.actionType,
    ...(verdict.risk ? { score: verdict.risk.score, tier: verdict.risk.tier } : {}),
    ...(verdict.risk?.blockReason !== undefined ? { blockReason: verdict.risk.blockReason } : {}),
    ...(verdict.explanation !== undefined ? { explanation: verdict.explanation } : {}),
    why: verdictReason(verdict),
  })
  return { outcome, isUnknown: verdict.action.domain === 'unknown', verdict }
}
