import {
  type ClientKind,
  type JsonObject,
  type JsonValue,
  type PolicyStore,
  type RawToolCall,
  type SessionContext,
  stripClientPrefix,
  Tier,
  type Verdict,
  verdictReason,
} from '@permit0/engine'
import { type HookOutcome, outcomeFromVerdict } from './envelope.ts'
import type { SessionFile } from './session-file.ts'

/** The part of `@permit0/engine`'s `Engine` the hook uses. */
export interface LocalEngine {
  check(
    call: RawToolCall,
    options: { store: PolicyStore; nowMs: number; orgDomain?: string; session?: SessionContext },
  ): Promise<Verdict>
}

/** Local mode keeps no lists and no cache between invocations (upstream's in-memory state). */
const STATELESS_POLICY: PolicyStore = {
  lookup: async () => ({ denylisted: false, allowlisted: false }),
  cacheSet: async () => undefined,
}

export interface LocalCall {
  readonly toolName: string
  readonly parameters: JsonValue
  readonly metadata: JsonObject
}

export interface LocalOptions {
  readonly engine: LocalEngine
  readonly client: ClientKind
  readonly orgDomain: string
  readonly nowMs: number
  /** Cross-invocation session history; absent → stateless. */
  readonly session?: SessionFile
  readonly store?: PolicyStore
}

/** Evaluates in-process and records the call in the session file. */
export async function evaluateLocal(
  call: LocalCall,
  options: LocalOptions,
): Promise<{ outcome: HookOutcome; isUnknown: boolean; verdict: Verdict }> {
  const session = options.session?.load()
  const verdict = await options.engine.check(
    { toolName: stripClientPrefix(call.toolName, options.client), parameters: call.parameters, metadata: call.metadata },
    {
      store: options.store ?? STATELESS_POLICY,
      nowMs: options.nowMs,
      orgDomain: options.orgDomain,
      ...(session ? { session } : {}),
    },
  )
  options.session?.append({
    actionType: verdict.action.actionType,
    tier: verdict.risk?.tier ?? Tier.Medium,
    flags: verdict.risk?.flags ?? [],
    atMs: options.nowMs,
    parameters: verdict.action.parameters,
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
