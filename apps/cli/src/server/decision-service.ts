import { abandonedAuditReason, ABANDONED_AUDIT, type ApprovalQueue, type ApprovalRecord, type Clock, type OpenApproval } from '@permit0/approvals'
import type { CheckAccepted, CheckActionRequest, CheckRequest, CheckResponse } from '@permit0/contracts'
import {
  UNKNOWN_ACTION_TYPE,
  type DecisionSource,
  type JsonObject,
  type JsonValue,
  type PolicyLookup,
  type PolicyStore,
  type RawToolCall,
  type SessionStore,
  type Verdict,
} from '@permit0/engine'
import type { NewAuditEntry, StoredPolicyCacheEntry } from '@permit0/store'
import { createDecider, sessionRecordOf, type Decided, type DecisionEngine, type Settled } from '../decision/decide.ts'
import { ServerError, ServerErrorCode } from './errors.ts'
import { approvalExplanation, iso, toCheckResponse, toHumanCheckResponse } from './mappers.ts'
import type { Metrics } from './metrics.ts'
import { shadowCall, shadowFields, type ShadowEvaluator } from './shadow.ts'
import { sessionKeyOf } from './remember.ts'

export type { ActionInput, DecisionEngine } from '../decision/decide.ts'

export interface AuditSink {
  append(entry: NewAuditEntry): Promise<unknown>
}

export interface ServeMode {
  /** Park fresh Scorer/AgentReviewer HITL verdicts for a human. */
  readonly ui: boolean
  /** Park every fresh Scorer/AgentReviewer/UnknownFallback decision. */
  readonly calibrate: boolean
}

export interface HumanCacheOptions {
  /** Cache a human's Allow/Deny (`--no-cache-human-verdicts` turns it off). */
  readonly enabled: boolean
  readonly ttlMs: number
  /** Fingerprint of the scoring configuration (cache rows from another config are ignored). */
  readonly fingerprint: string
}

/**
 * The policy store as the server uses it: a lookup can include one session's own cached verdicts
 * (a reviewer's "this exact call, this session only"), and a cache row can be written for one
 * session (`sessionKey`). The store's policy repository; a store without sessions ignores both.
 */
export interface ScopedPolicyStore extends PolicyStore {
  lookup(normHash: string, nowMs: number, sessionKey?: string): Promise<PolicyLookup>
  cacheSet(entry: StoredPolicyCacheEntry): Promise<void>
}

export interface DecisionServiceDeps {
  readonly engine: DecisionEngine
  readonly policy: ScopedPolicyStore
  /** Session history (the store's rows under `serve`); absent → calls decide without one. */
  readonly sessions?: SessionStore
  readonly audit: AuditSink
  /** Absent without `--ui`: nothing parks. */
  readonly queue?: ApprovalQueue
  readonly clock: Clock
  readonly mode: ServeMode
  readonly approvalTimeoutMs: number
  readonly humanCache: HumanCacheOptions
  readonly orgDomain?: string
  readonly metrics?: Metrics
  /** `serve --shadow`: the candidate policy, recorded beside each decision (shadow.ts). */
  readonly shadow?: ShadowEvaluator
}

export interface CallOptions {
  /** Aborts when the HTTP client goes away; a parked call is then abandoned. */
  readonly signal?: AbortSignal
  /** Answer 202 with an approval id instead of holding the connection. */
  readonly respondAsync?: boolean
}

export type CheckOutcome =
  | { readonly status: 200; readonly body: CheckResponse }
  | { readonly status: 202; readonly body: CheckAccepted }

export interface DecisionService {
  check(request: CheckRequest, options?: CallOptions): Promise<CheckOutcome>
  checkAction(request: CheckActionRequest, options?: CallOptions): Promise<CheckOutcome>
  /** The answer for an approval that has ended (used by the long-poll wait route). */
  outcomeOf(record: ApprovalRecord): CheckResponse
}

/**
 * Which fresh verdicts a person sees: `hitl` — a `human` verdict parked under `--ui`; `calibration`
 * — every such decision parked under `--calibrate`. Exhaustive: a new source does not compile
 * until it says whether it parks.
 */
const PARKABLE = {
  Denylist: { hitl: false, calibration: false },
  Allowlist: { hitl: false, calibration: false },
  PolicyCache: { hitl: false, calibration: false },
  UnknownFallback: { hitl: false, calibration: true },
  Scorer: { hitl: true, calibration: true },
  AgentReviewer: { hitl: true, calibration: true },
  HumanReviewer: { hitl: false, calibration: false },
} as const satisfies Record<DecisionSource, { readonly hitl: boolean; readonly calibration: boolean }>

/** A policy store that never caches: in calibration mode a human sees the call first. */
const withoutCacheWrites = (store: ScopedPolicyStore): ScopedPolicyStore => ({
  lookup: (hash, nowMs, sessionKey) => store.lookup(hash, nowMs, sessionKey),
  cacheSet: async () => undefined,
})

/** The engine's store for a call in a session: its lookups also see that session's own rows. */
const inSession = (store: ScopedPolicyStore, sessionId: string | undefined): PolicyStore => {
  if (sessionId === undefined) return store
  const sessionKey = sessionKeyOf(sessionId)
  return { lookup: (hash, nowMs) => store.lookup(hash, nowMs, sessionKey), cacheSet: (entry) => store.cacheSet(entry) }
}

const nonEmpty = (value: JsonValue | undefined): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/** The daemon answers a caller that declared a deadline at least this long before it. */
export const HOST_DEADLINE_MARGIN_MS = 5_000

interface Prepared {
  readonly call: RawToolCall
  readonly context: JsonObject
  readonly timeoutSecs?: number
  /** `client_deadline_secs`: when the caller (its host) stops waiting, as an absolute time. */
  readonly deadlineAtMs?: number
  readonly wait: boolean
  /** `hitl_routing: cc-prompt`: the agent host prompts natively; a `human` verdict never parks. */
  readonly hostPrompts: boolean
  /** The caller asked for the decision trace in the response. */
  readonly trace?: boolean
}

/**
 * `hitl_routing`: an explicit `cc-prompt` (or `cc_prompt`) means "do not park, return `human` at
 * once"; `ui-wait`, anything else or absent → the server's default (park under `--ui`).
 */
export const hostPrompts = (routing: string | undefined): boolean =>
  routing !== undefined && /^cc[-_]prompt$/i.test(routing.trim())

export function createDecisionService(deps: DecisionServiceDeps): DecisionService {
  const { clock, mode, queue } = deps
  const engineStore = mode.calibrate ? withoutCacheWrites(deps.policy) : deps.policy
  const decider = createDecider({
    engine: deps.engine,
    policy: engineStore,
    ...(deps.sessions !== undefined && { sessions: deps.sessions }),
    now: () => clock.now(),
    ...(deps.orgDomain !== undefined && { orgDomain: deps.orgDomain }),
  })

  const shouldPark = (verdict: Verdict, prepared: Prepared): boolean => {
    if (queue === undefined) return false
    if (prepared.hostPrompts && verdict.permission === 'human') return false
    if (mode.calibrate) return PARKABLE[verdict.source].calibration
    return mode.ui && verdict.permission === 'human' && PARKABLE[verdict.source].hitl
  }

  const record = (permission: string, source: string, tier: string | undefined): void => {
    deps.metrics?.decisions.inc({ permission, source, tier: tier ?? 'none' })
  }

  /** Audits the verdict (recorded in the session next) or parks it (recorded when it resolves). */
  const settle = async (decided: Decided, prepared: Prepared, options: CallOptions): Promise<Settled<CheckOutcome>> => {
    const { verdict } = decided
    if (!shouldPark(verdict, prepared) || queue === undefined) {
      await deps.audit.append({
        kind: 'decision',
        timestampMs: clock.now(),
        decision: verdict.permission,
        decisionSource: verdict.source,
        action: verdict.action,
        rawToolCall: prepared.call,
        ...(verdict.risk !== undefined && { risk: verdict.risk }),
        trace: verdict.trace,
        ...(verdict.explanation !== undefined && { explanation: verdict.explanation }),
        ...sessionOf(decided),
        ...(await shadowFields(deps.shadow, shadowCall(prepared.call, verdict.action, prepared.context, deps.orgDomain, clock.now()))),
      })
      record(verdict.permission, verdict.source, verdict.risk?.tier)
      return { result: { status: 200, body: toCheckResponse(verdict, { trace: prepared.trace === true }) }, record: true }
    }

    let timeoutMs = prepared.timeoutSecs !== undefined ? prepared.timeoutSecs * 1_000 : deps.approvalTimeoutMs
    if (prepared.deadlineAtMs !== undefined) {
      // Answer (deny) at least HOST_DEADLINE_MARGIN_MS before the caller's host gives up and runs it.
      timeoutMs = Math.max(0, Math.min(timeoutMs, prepared.deadlineAtMs - HOST_DEADLINE_MARGIN_MS - clock.now()))
    }
    const input: OpenApproval = {
      kind: mode.calibrate ? 'calibration' : 'hitl',
      action: verdict.action,
      toolName: prepared.call.toolName,
      ...(verdict.risk !== undefined && { risk: verdict.risk }),
      enginePermission: verdict.permission,
      engineSource: verdict.source,
      ...sessionOf(decided),
      context: prepared.context,
      timeoutMs,
    }
    if (options.respondAsync === true || !prepared.wait) {
      const opened = await queue.open(input)
      return {
        result: {
          status: 202,
          body: {
            status: 'pending',
            approval_id: opened.id,
            wait_url: `/api/v1/approvals/${opened.id}/wait`,
            expires_at: iso(opened.expiresAtMs),
            engine: toCheckResponse(verdict, { approvalId: opened.id, trace: prepared.trace === true }),
          },
        },
        record: false,
      }
    }
    // Not awaited here: while parked, nothing of this call (verdict, trace, request copies) stays
    // reachable from a suspended frame; the queue keeps the one approval record.
    return {
      result: queue
        .park(input, options.signal !== undefined ? { signal: options.signal } : {})
        .then((approval): CheckOutcome => ({ status: 200, body: outcomeOf(approval) })),
      record: false,
    }
  }

  const outcomeOf = (approval: ApprovalRecord): CheckResponse => {
    const resolution = approval.resolution
    switch (approval.status) {
      case 'decided': {
        const body = toHumanCheckResponse(approval)
        record(body.permission, body.source, body.tier)
        return body
      }
      case 'expired': {
        const secs = Math.round((approval.expiresAtMs - approval.createdAtMs) / 1_000)
        throw new ServerError(
          ServerErrorCode.ApprovalTimeout,
          `approval ${approval.id} timed out after ${secs}s with no human decision: denied`,
          { record: approval },
        )
      }
      case 'abandoned':
        throw new ServerError(
          ServerErrorCode.ApprovalAbandoned,
          `approval ${approval.id} was abandoned (${resolution?.reason ?? 'client disconnected'})`,
          { record: approval },
        )
      case 'pending':
        throw new Error(`approval ${approval.id} is still pending`)
    }
  }

  return {
    async check(request, options = {}) {
      const receivedAtMs = clock.now()
      const metadata = request.metadata as JsonObject
      const call: RawToolCall = { toolName: request.tool_name, parameters: request.parameters as JsonValue, metadata }
      const context: JsonObject = {
        tool_name: request.tool_name,
        parameters: call.parameters,
        metadata,
        ...(request.client_kind !== undefined && { client_kind: request.client_kind }),
        ...((request.org_domain ?? deps.orgDomain) !== undefined && { org_domain: request.org_domain ?? deps.orgDomain }),
      }
      const prepared: Prepared = {
        call,
        context,
        ...(request.hitl_timeout_secs !== undefined && { timeoutSecs: request.hitl_timeout_secs }),
        ...(request.client_deadline_secs !== undefined && { deadlineAtMs: receivedAtMs + request.client_deadline_secs * 1_000 }),
        wait: request.hitl_wait !== false,
        hostPrompts: hostPrompts(request.hitl_routing),
        ...(request.trace === true && { trace: true }),
      }
      return decider.decideAndSettle(
        {
          call,
          ...(request.client_kind !== undefined && { clientKind: request.client_kind }),
          ...(request.org_domain !== undefined && { orgDomain: request.org_domain }),
        },
        (decided) => settle(decided, prepared, options),
        // the engine's lookups also see this session's own cached verdicts ("this session only")
        { policy: inSession(engineStore, nonEmpty(metadata.session_id)) },
      )
    },

    async checkAction(request, options = {}) {
      const receivedAtMs = clock.now()
      const metadata = (request.metadata ?? {}) as JsonObject
      const toolName = `__action:${request.action_type}`
      const call: RawToolCall = { toolName, parameters: request.parameters as JsonObject, metadata }
      const prepared: Prepared = {
        call,
        context: { tool_name: toolName, parameters: call.parameters, metadata },
        ...(request.hitl_timeout_secs !== undefined && { timeoutSecs: request.hitl_timeout_secs }),
        ...(request.client_deadline_secs !== undefined && { deadlineAtMs: receivedAtMs + request.client_deadline_secs * 1_000 }),
        wait: request.hitl_wait !== false,
        hostPrompts: false,
        ...(request.trace === true && { trace: true }),
      }
      return decider.decideAndSettle(
        {
          call,
          action: { actionType: request.action_type, channel: request.source, parameters: request.parameters as JsonObject },
        },
        (decided) => settle(decided, prepared, options),
        // the engine's lookups also see this session's own cached verdicts ("this session only")
        { policy: inSession(engineStore, nonEmpty(metadata.session_id)) },
      )
    },

    outcomeOf,
  }
}

function sessionOf(decided: Decided): { sessionId?: string; taskGoal?: string } {
  const { sessionId, taskGoal } = decided
  return { ...(sessionId !== undefined && { sessionId }), ...(taskGoal !== undefined && { taskGoal }) }
}

/**
 * Side effects of an approval's end, run once on the replica that resolved it: the audit entry
 * (human verdict with reviewer, reason and the engine's verdict; timeout; abandonment), the
 * human-verdict cache write, and the call's session record with its final outcome.
 */
export function createResolutionEffects(deps: {
  readonly audit: AuditSink
  readonly policy: Pick<ScopedPolicyStore, 'cacheSet'>
  /** The call's session records the outcome (the human's answer; deny when it expired or was abandoned). */
  readonly sessions?: SessionStore
  readonly clock: Clock
  readonly humanCache: HumanCacheOptions
  readonly metrics?: Metrics
  readonly shadow?: ShadowEvaluator
  readonly orgDomain?: string
}): (record: ApprovalRecord) => Promise<void> {
  return async (approval) => {
    const resolution = approval.resolution
    if (resolution === undefined) return
    const context = approval.context ?? {}
    const rawToolCall: RawToolCall = {
      toolName: typeof context.tool_name === 'string' ? context.tool_name : approval.toolName,
      parameters: context.parameters ?? approval.action.parameters,
      metadata:
        typeof context.metadata === 'object' && context.metadata !== null && !Array.isArray(context.metadata)
          ? context.metadata
          : {},
    }
    const common = {
      timestampMs: resolution.resolvedAtMs,
      action: approval.action,
      rawToolCall,
      ...(approval.risk !== undefined && { risk: approval.risk }),
      engineDecision: approval.enginePermission,
      engineSource: approval.engineSource,
      explanation: approvalExplanation(approval).explanation,
      approvalId: approval.id,
      ...(approval.sessionId !== undefined && { sessionId: approval.sessionId }),
      ...(approval.taskGoal !== undefined && { taskGoal: approval.taskGoal }),
      // A parked call is audited only when it ends: its shadow answer is recorded then.
      ...(await shadowFields(deps.shadow, shadowCall(rawToolCall, approval.action, context, deps.orgDomain, approval.createdAtMs))),
    }
    deps.metrics?.approvalWait.observe(
      { status: resolution.status },
      Math.max(0, resolution.resolvedAtMs - approval.createdAtMs) / 1_000,
    )
    await recordInSession(deps.sessions, approval)
    if (resolution.status === 'decided') {
      const permission = resolution.permission ?? 'deny'
      await deps.audit.append({
        ...common,
        kind: 'human_decision',
        decision: permission,
        decisionSource: 'HumanReviewer',
        humanReview: {
          reviewer: resolution.reviewer ?? '',
          decision: permission,
          ...(resolution.reason !== undefined && { reason: resolution.reason }),
          reviewedAtMs: resolution.resolvedAtMs,
        },
      })
      // The reviewer's scope (remember.ts): `once` caches nothing, `session` one session's row.
      // Records from before scopes are remembered as `call`. A person's answer on an unknown tool
      // answers that call only: never cached.
      const remember = resolution.remember ?? { scope: 'call' }
      const sessionKey = remember.scope === 'session' && approval.sessionId !== undefined ? sessionKeyOf(approval.sessionId) : undefined
      if (
        deps.humanCache.enabled &&
        permission !== 'human' &&
        approval.action.actionType !== UNKNOWN_ACTION_TYPE &&
        (remember.scope === 'call' || sessionKey !== undefined)
      ) {
        const now = deps.clock.now()
        await deps.policy.cacheSet({
          normHash: approval.action.normHash,
          ...(sessionKey !== undefined && { sessionKey }),
          permission,
          source: 'HumanReviewer',
          ...(approval.risk !== undefined && { risk: approval.risk }),
          ...(resolution.reviewer !== undefined && resolution.reviewer !== '' && { reviewer: resolution.reviewer }),
          ...(resolution.reason !== undefined && resolution.reason !== '' && { reason: resolution.reason }),
          decidedAtMs: resolution.resolvedAtMs,
          approvalId: approval.id,
          createdAtMs: now,
          expiresAtMs: remember.expiresAtMs ?? now + deps.humanCache.ttlMs,
          fingerprint: deps.humanCache.fingerprint,
        })
      }
      return
    }
    if (resolution.status === 'expired') {
      // The caller was answered (408 → its client denies) before its deadline: a real deny.
      await deps.audit.append({ ...common, kind: 'approval_expired', decision: 'deny', decisionSource: approval.engineSource })
      return
    }
    await deps.audit.append({
      ...common,
      kind: 'approval_abandoned',
      decision: ABANDONED_AUDIT.decision,
      decisionSource: approval.engineSource,
      reason: abandonedAuditReason(resolution.reason),
    })
  }
}

/**
 * A parked call enters its session when its approval ends, with the final outcome: the human's
 * permission, or deny (timed out, abandoned: the caller was refused). Its time is when it was
 * asked, so the session keeps calls in the order the agent made them.
 */
async function recordInSession(sessions: SessionStore | undefined, approval: ApprovalRecord): Promise<void> {
  const resolution = approval.resolution
  if (sessions === undefined || approval.sessionId === undefined || resolution === undefined) return
  const permission = resolution.status === 'decided' ? (resolution.permission ?? 'deny') : 'deny'
  await sessions.append(
    approval.sessionId,
    sessionRecordOf({ action: approval.action, ...(approval.risk !== undefined && { risk: approval.risk }), atMs: approval.createdAtMs, permission }),
  )
}
