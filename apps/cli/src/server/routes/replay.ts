import { Hono } from 'hono'
import {
  type FailedOpenEvent,
  type FailedOpenWindow,
  type FailedOpenWindows,
  MAX_REPLAY_BATCH,
  ReplayRequestSchema,
  type ReplayResponse,
} from '@permit0/contracts'
import type { JsonObject, PolicyStore } from '@permit0/engine'
import type { AuditEntry } from '@permit0/store'
import { createDecider, sessionIdOf, type Decided, type DecisionEngine, type DecisionRequest } from '../../decision/decide.ts'
import { isAdmin, ROLES, requireRole } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { ServerError, ServerErrorCode } from '../errors.ts'
import { iso } from '../mappers.ts'
import { parseJson } from '../validate.ts'

/** Newest failed-open entries scanned by `GET /failed_open_windows`. */
export const FAILED_OPEN_SCAN_LIMIT = 10_000
const PAGE = 1_000
/** Metadata key carrying a batch's `dropped_count` (on the batch's first entry only). */
export const DROPPED_COUNT_KEY = 'replay_dropped_count'
const ACTION_PREFIX = '__action:'

export type ReplayDeps = Pick<AppDeps, 'store' | 'clock' | 'auth' | 'sessions'> & {
  /** The engine that re-scores replayed events (absent → 503). */
  readonly engine?: DecisionEngine
}

/** Where `POST /replay` answers (mounted under `/api/v1/audit`). */
export const REPLAY_PATH = '/api/v1/audit/replay'

/**
 * Largest `POST /audit/replay` body: a client batch (`MAX_REPLAY_BATCH` events, up to about 2 MB
 * of JSON from `@permit0/client`) always fits, whatever the general `--body-limit-bytes`.
 */
export const REPLAY_BODY_LIMIT_BYTES = 4 * 1_048_576
export const replayBodyLimit = (bodyLimitBytes: number): number => Math.max(REPLAY_BODY_LIMIT_BYTES, 2 * bodyLimitBytes + 65_536)

/** Re-scoring must not change live state: the policy cache is read, never written. */
const readOnly = (store: PolicyStore): PolicyStore => ({
  lookup: (hash, nowMs) => store.lookup(hash, nowMs),
  cacheSet: async () => undefined,
})

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/**
 * A call that already ran is audited whatever its metadata: an invalid `session_id` (not a
 * non-empty string of at most 256 characters) is left out of the decision (no session), kept in
 * the audit entry's raw call.
 */
function withValidSession(metadata: JsonObject): JsonObject {
  try {
    sessionIdOf(metadata)
    return metadata
  } catch {
    const { session_id: _invalid, ...rest } = metadata
    return rest
  }
}

/** The audit `reason` of every replayed entry (marks it as a client report the server re-decided). */
export const REPLAYED_REASON =
  'replayed fail-open event: the client reports it ran while the daemon was unreachable; the decision is the server re-deciding the call now'

/**
 * Fail-open backfill: `POST /replay` re-decides every event a client let through while the daemon
 * was unreachable — the same engine, packs, org domain and (read-only) lists as `/check` — and
 * appends a `failed_open` audit entry whose decision is the server's own verdict (the client never
 * sets a permission or a source; source `FailedOpen`, `reason` marks it as replayed).
 * Pre-normalized events (`__action:<type>`) and a per-event `org_domain` are honoured only from an
 * admin, as on `/check_action` and `/check`. `GET /failed_open_windows` summarises the outages.
 */
export function replayRoutes(deps: ReplayDeps) {
  const policy = readOnly(deps.store.policy)

  const decider =
    deps.engine === undefined
      ? undefined
      : createDecider({
          engine: deps.engine,
          policy,
          ...(deps.sessions !== undefined && { sessions: deps.sessions }),
          now: () => deps.clock.now(),
        })

  /**
   * The request the live call made, as far as the server lets a client choose: host prefixes are
   * stripped as on /check; the org domain is the server's (an admin's per-event value only).
   */
  function requestOf(event: FailedOpenEvent, metadata: JsonObject, admin: boolean): DecisionRequest {
    const call = { toolName: event.tool_name, parameters: event.parameters, metadata: withValidSession(metadata) }
    if (event.tool_name.startsWith(ACTION_PREFIX)) {
      if (!admin) throw new Error('a pre-normalized action (__action:) can only be replayed with an admin token')
      const parameters = event.parameters
      return {
        call,
        action: {
          actionType: event.tool_name.slice(ACTION_PREFIX.length),
          channel: str(metadata.channel) ?? 'app',
          parameters: parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters) ? parameters : {},
        },
      }
    }
    const clientKind = str(metadata.client_kind) ?? (metadata.client === '@permit0/openclaw' ? 'openclaw' : undefined)
    const orgDomain = admin ? str(metadata.org_domain) : undefined
    return { call, ...(clientKind !== undefined && { clientKind }), ...(orgDomain !== undefined && { orgDomain }) }
  }

  return new Hono<AppEnv>()
    .post('/replay', requireRole(deps, ROLES.check), async (c) => {
      const body = await parseJson(c, ReplayRequestSchema)
      if (body.events.length > MAX_REPLAY_BATCH) {
        throw new ServerError(
          ServerErrorCode.PayloadTooLarge,
          `replay batch too large: ${body.events.length} events (max ${MAX_REPLAY_BATCH})`,
        )
      }
      if (decider === undefined) {
        throw new ServerError(ServerErrorCode.ShuttingDown, 'this daemon has no engine to re-score replayed events')
      }
      const admin = isAdmin(deps, c)
      let accepted = 0
      const rejected: ReplayResponse['rejected'] = []
      for (const [index, event] of body.events.entries()) {
        const metadata: JsonObject = {
          ...event.metadata,
          event_id: event.event_id,
          ...(index === 0 && body.dropped_count > 0 && { [DROPPED_COUNT_KEY]: body.dropped_count }),
        }
        // The one decision path: the event is decided with its session's history (as the live call
        // would have been) and, since it ran, recorded into that session.
        const failedOpen = {
          eventId: event.event_id,
          failReasonCode: event.fail_reason_code,
          failReason: event.fail_reason,
          clientWindowStart: body.client_window_start,
          clientWindowEnd: body.client_window_end,
          clientVersion: event.client_version,
          failOpenSource: event.fail_open_source,
          occurredAt: event.occurred_at,
        }
        const audit = async ({ verdict, sessionId, taskGoal }: Decided) => {
          try {
            await deps.store.audit.append({
              kind: 'failed_open',
              decision: verdict.permission,
              decisionSource: 'FailedOpen',
              reason: REPLAYED_REASON,
              action: verdict.action,
              rawToolCall: { toolName: event.tool_name, parameters: event.parameters, metadata },
              ...(verdict.risk !== undefined && { risk: verdict.risk }),
              trace: verdict.trace,
              ...(sessionId !== undefined && { sessionId }),
              ...(taskGoal !== undefined && { taskGoal }),
              retroactiveDecision: verdict.permission,
              engineSource: verdict.source,
              failedOpen,
            })
          } catch (err) {
            return { result: `audit write failed: ${(err as Error).message}`, record: false }
          }
          return { result: undefined, record: true }
        }
        let error: string | undefined
        try {
          error = await decider.decideAndSettle(requestOf(event, metadata, admin), audit)
        } catch (err) {
          error = `retro-score failed: ${(err as Error).message}`
        }
        if (error === undefined) accepted += 1
        else rejected.push({ event_id: event.event_id, error })
      }
      return c.json({ accepted, rejected } satisfies ReplayResponse)
    })
    .get('/failed_open_windows', requireRole(deps, ROLES.read), async (c) => {
      const entries: AuditEntry[] = []
      let cursor: string | undefined
      do {
        const page = await deps.store.audit.list({ kind: 'failed_open', limit: PAGE, ...(cursor !== undefined && { cursor }) })
        entries.push(...page.entries)
        cursor = page.nextCursor
      } while (cursor !== undefined && entries.length < FAILED_OPEN_SCAN_LIMIT)
      return c.json({ windows: summariseWindows(entries.slice(0, FAILED_OPEN_SCAN_LIMIT)) } satisfies FailedOpenWindows)
    })
}

/** Groups failed-open entries by (window start, window end, reason code); newest window end first. */
export function summariseWindows(entries: readonly AuditEntry[]): FailedOpenWindow[] {
  const groups = new Map<string, FailedOpenWindow & { lastMs: number }>()
  for (const entry of entries) {
    const fo = entry.failedOpen
    if (fo === undefined) continue
    const key = JSON.stringify([fo.clientWindowStart, fo.clientWindowEnd, fo.failReasonCode])
    const g = groups.get(key) ?? {
      client_window_start: fo.clientWindowStart,
      client_window_end: fo.clientWindowEnd,
      fail_reason_code: fo.failReasonCode,
      event_count: 0,
      dropped_count: 0,
      would_have_allowed: 0,
      would_have_denied: 0,
      would_have_human: 0,
      would_have_blocked: 0,
      lastMs: 0,
    }
    g.event_count += 1
    const dropped = entry.rawToolCall.metadata[DROPPED_COUNT_KEY]
    if (typeof dropped === 'number') g.dropped_count += dropped
    if (entry.retroactiveDecision === 'allow') g.would_have_allowed += 1
    if (entry.retroactiveDecision === 'deny') g.would_have_denied += 1
    if (entry.retroactiveDecision === 'human') g.would_have_human += 1
    if (entry.retroactiveDecision === 'deny' || entry.retroactiveDecision === 'human') g.would_have_blocked += 1
    g.lastMs = Math.max(g.lastMs, entry.timestampMs)
    groups.set(key, g)
  }
  return [...groups.values()]
    .sort((a, b) => (a.client_window_end < b.client_window_end ? 1 : a.client_window_end > b.client_window_end ? -1 : 0))
    .map(({ lastMs, ...w }) => ({ ...w, last_replayed_at: iso(lastMs) }))
}
