/**
 * The one decision path. Every entry point — `serve` (`/check`, `/check_action`, the Claude Code
 * http hook), `/audit/replay`, the local hook, `gateway`, `check` and the MCP proxy — decides a
 * call here:
 *
 *   session id (validated) → session history (load) → engine (normalise → lists → cache → score
 *   with the session's rules and amplifier → reviewer → verdict, cache write) → settle (the entry
 *   point's audit entry, or parking for a human) → session record (the call and its outcome)
 *
 * Entry points differ only in transport and output, and in how they settle. A parked call is not
 * recorded here: the approval's resolution records it with the human's answer
 * (`createResolutionEffects`). Lean on purpose (only the engine): the local hook imports it, and
 * it must not pull in the store, the server or the dashboard.
 */
import {
  boundSessionRecord,
  parseClientKind,
  SESSION_ID_MAX_LENGTH,
  SESSION_RECORD_MAX_CHARS,
  stripClientPrefix,
  Tier,
  type CheckOptions,
  type JsonObject,
  type JsonValue,
  type NormAction,
  type Permission,
  type PolicyStore,
  type RawToolCall,
  type RiskScore,
  type SessionContext,
  type SessionRecord,
  type SessionStore,
  type Verdict,
} from '@permit0/engine'

/** Codes of `DecisionError` (a closed set). */
export const DecisionErrorCode = {
  /** `metadata.session_id` is present but not a non-empty string of at most 256 characters. */
  InvalidSessionId: 'DECISION_INVALID_SESSION_ID',
  /** A session record bigger than `SESSION_RECORD_MAX_CHARS` (not bounded first) was refused. */
  RecordTooLarge: 'DECISION_SESSION_RECORD_TOO_LARGE',
} as const
export type DecisionErrorCode = (typeof DecisionErrorCode)[keyof typeof DecisionErrorCode]

export class DecisionError extends Error {
  override readonly name = 'DecisionError'
  constructor(
    readonly code: DecisionErrorCode,
    message: string,
    readonly details: { issues?: ReadonlyArray<{ path: string; message: string }> } = {},
  ) {
    super(message)
  }
}

/** The engine as the decision path calls it (`@permit0/engine`'s `Engine`, or a test double). */
export interface DecisionEngine {
  check(call: RawToolCall, options: CheckOptions): Promise<Verdict>
  /** Needed only for pre-normalized actions (`/check_action`, replayed `__action:` events). */
  checkAction?(action: NormAction, options: CheckOptions): Promise<Verdict>
  toNormAction?(input: ActionInput): NormAction
}

/** A pre-normalized action (`/check_action`): the caller names the action type. */
export interface ActionInput {
  readonly actionType: string
  readonly channel: string
  readonly parameters: JsonObject
}

export interface DecisionPorts {
  readonly engine: DecisionEngine
  readonly policy: PolicyStore
  /** Session history; absent → every call decides without one (`hook --no-session`). */
  readonly sessions?: SessionStore
  readonly now: () => number
  /** The default org domain (a request's own wins). */
  readonly orgDomain?: string
}

export interface DecisionRequest {
  /** The call as the agent made it (for an action: tool name `__action:<type>`). */
  readonly call: RawToolCall
  /** A pre-normalized action: decided as given, `call` only records it. */
  readonly action?: ActionInput
  /** The host (`claude-code`, …) whose tool-name prefix is stripped; unknown spellings strip nothing. */
  readonly clientKind?: string
  readonly orgDomain?: string
}

/** A decided call, before it is settled. */
export interface Decided {
  readonly verdict: Verdict
  readonly call: RawToolCall
  /** The decision time (the session record's `atMs`). */
  readonly nowMs: number
  readonly sessionId?: string
  readonly taskGoal?: string
}

/** What an entry point did with a verdict. */
export interface Settled<T> {
  /** The answer; a still-pending promise for a call parked while the caller waits (not awaited here). */
  readonly result: T | Promise<T>
  /**
   * Record the call in its session now. False when the call was parked: its approval's
   * resolution records it with the human's answer.
   */
  readonly record: boolean
}

export interface DecideOptions {
  /** Replaces the policy store for this call (replay: read-only). */
  readonly policy?: PolicyStore
}

export interface Decider {
  /** Decides and records the call in its session (entry points without audit or parking). */
  decide(request: DecisionRequest, options?: DecideOptions): Promise<Decided>
  /** Decides, lets `settle` audit or park it, then records it unless `settle` says not to. */
  decideAndSettle<T>(request: DecisionRequest, settle: (decided: Decided) => Promise<Settled<T>>, options?: DecideOptions): Promise<T>
}

const nonEmpty = (value: JsonValue | undefined): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/**
 * The session id of a call: `metadata.session_id` when present. Documented rule (docs/serve.md
 * "Sessions"): absent → no session; a non-string, an empty string or more than
 * `SESSION_ID_MAX_LENGTH` characters → refused (`DecisionError`, HTTP 400).
 */
export function sessionIdOf(metadata: JsonObject): string | undefined {
  if (!Object.hasOwn(metadata, 'session_id')) return undefined
  const value = metadata.session_id
  let problem: string | undefined
  if (typeof value !== 'string') problem = `must be a string, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`
  else if (value === '') problem = 'must not be empty (leave it out for a call without a session)'
  else if (value.length > SESSION_ID_MAX_LENGTH) problem = `must be at most ${SESSION_ID_MAX_LENGTH} characters, got ${value.length}`
  if (problem === undefined) return value as string
  throw new DecisionError(DecisionErrorCode.InvalidSessionId, `invalid metadata.session_id: ${problem}`, {
    issues: [{ path: 'metadata.session_id', message: problem }],
  })
}

/** The session record of a decided (or, for a parked call, resolved) call, bounded for storage. */
export function sessionRecordOf(input: {
  readonly action: NormAction
  readonly risk?: RiskScore
  readonly atMs: number
  readonly permission: Permission
}): SessionRecord {
  return boundSessionRecord({
    actionType: input.action.actionType,
    tier: input.risk?.tier ?? Tier.Medium,
    flags: input.risk?.flags ?? [],
    atMs: input.atMs,
    parameters: input.action.parameters,
    permission: input.permission,
  })
}

/** For the CLI's session adapters: the record's JSON, or a `DecisionError` when it is over the limit. */
export function assertRecordSize(record: SessionRecord): string {
  const json = JSON.stringify(record)
  if (json.length > SESSION_RECORD_MAX_CHARS) {
    throw new DecisionError(
      DecisionErrorCode.RecordTooLarge,
      `session record of ${json.length} characters exceeds ${SESSION_RECORD_MAX_CHARS} (bound it with boundSessionRecord)`,
    )
  }
  return json
}

export function createDecider(ports: DecisionPorts): Decider {
  const { engine } = ports

  const evaluate = (request: DecisionRequest, policy: PolicyStore, nowMs: number, session: (() => Promise<SessionContext>) | undefined, taskGoal: string | undefined): Promise<Verdict> => {
    const common = {
      store: policy,
      nowMs,
      ...(session !== undefined && { session }),
      ...(taskGoal !== undefined && { taskGoal }),
    }
    if (request.action !== undefined) {
      if (engine.checkAction === undefined || engine.toNormAction === undefined) {
        throw new Error('this entry point cannot decide pre-normalized actions')
      }
      return engine.checkAction(engine.toNormAction(request.action), common)
    }
    const { call } = request
    const kind = request.clientKind === undefined ? undefined : parseClientKind(request.clientKind)
    const toolName = kind === undefined ? call.toolName : stripClientPrefix(call.toolName, kind)
    const orgDomain = request.orgDomain ?? ports.orgDomain
    return engine.check(toolName === call.toolName ? call : { ...call, toolName }, {
      ...common,
      ...(orgDomain !== undefined && { orgDomain }),
    })
  }

  const decideAndSettle = async <T>(
    request: DecisionRequest,
    settle: (decided: Decided) => Promise<Settled<T>>,
    options: DecideOptions = {},
  ): Promise<T> => {
    const sessionId = sessionIdOf(request.call.metadata)
    const taskGoal = nonEmpty(request.call.metadata.task_goal)
    const nowMs = ports.now()
    const sessions = sessionId === undefined ? undefined : ports.sessions
    // Loaded only when the call is scored (a list or cache hit needs no history).
    const session = sessions === undefined ? undefined : () => sessions.load(sessionId as string, nowMs)
    const verdict = await evaluate(request, options.policy ?? ports.policy, nowMs, session, taskGoal)
    const decided: Decided = {
      verdict,
      call: request.call,
      nowMs,
      ...(sessionId !== undefined && { sessionId }),
      ...(taskGoal !== undefined && { taskGoal }),
    }
    const settled = await settle(decided)
    if (settled.record && sessions !== undefined) {
      // A failed write fails the call (fail closed): a missing record could skip a later rule.
      await sessions.append(
        sessionId as string,
        sessionRecordOf({ action: verdict.action, ...(verdict.risk !== undefined && { risk: verdict.risk }), atMs: nowMs, permission: verdict.permission }),
      )
    }
    return settled.result
  }

  return {
    decide: (request, options) => decideAndSettle(request, async (decided) => ({ result: decided, record: true }), options),
    decideAndSettle,
  }
}
