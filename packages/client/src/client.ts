import { ulid } from 'ulid'
import { ClientError, ClientErrorCode } from './errors.ts'
import { createFailOpenBuffer, type FailOpenBufferStatus } from './fail-open-buffer.ts'
import { backoffDelay, type FetchLike, type HttpReply, httpError, sendRequest, sleep } from './transport.ts'
import {
  CheckAcceptedSchema,
  type CheckResponse,
  CheckResponseSchema,
  type FailedOpenEvent,
  MAX_REPLAY_BATCH,
  ReplayResponseSchema,
  riskFromWire,
} from '@permit0/contracts'

export const CLIENT_NAME = '@permit0/client'
export const CLIENT_VERSION = '0.1.0'

/** Source reported on the synthetic decision returned when the client fails open. */
export const FAILED_OPEN_SOURCE = 'FailedOpen'

export interface ClientOptions {
  /** Daemon base URL, e.g. `http://127.0.0.1:8787`. */
  readonly baseUrl: string
  /** Bearer token (role `agent` is enough for checks and replay). */
  readonly token?: string
  /** Deadline of one HTTP attempt (long-poll waits add their poll time). Default 10 000. */
  readonly timeoutMs?: number
  /** Extra attempts after a transport error, timeout or 5xx. 4xx is never retried. Default 2. */
  readonly retries?: number
  /** First backoff delay; doubles per attempt up to `maxBackoffMs`. Default 100 / 5 000. */
  readonly backoffMs?: number
  readonly maxBackoffMs?: number
  /** Total time to wait for a human on a parked call; also sent as `hitl_timeout_secs`. Default 300 000. */
  readonly approvalTimeoutMs?: number
  /** Seconds of one long-poll on `/approvals/{id}/wait`. Default 25 (below common proxy idle limits). */
  readonly pollSecs?: number
  /**
   * Opt-in: when the daemon cannot give a verdict (unreachable, timeout, 5xx after retries), allow
   * the call, buffer a failed-open event and replay it to `/api/v1/audit/replay` later. Never
   * applies to a deny, a human verdict or a 4xx answer.
   */
  readonly failOpen?: boolean
  /** Failed-open events kept in memory (oldest dropped beyond it). Default 10 000. */
  readonly bufferCapacity?: number
  /** Replay the buffer in the background after the next successful check. Default true. */
  readonly autoReplay?: boolean
  /** Bytes per replay request, to stay under the daemon's body limit. Default 900 000. */
  readonly maxReplayBytes?: number
  /** Sent as `client_kind` (tool-name prefix stripping on the daemon). */
  readonly clientKind?: string
  /** Sent as `org_domain`. */
  readonly orgDomain?: string
  /** Merged into every call's `metadata`. */
  readonly metadata?: Readonly<Record<string, unknown>>
  /** Called when a call fails open (for logging). */
  readonly onFailOpen?: (event: FailedOpenEvent, error: ClientError) => void
  readonly fetch?: FetchLike
  /** Injected clock (ms since epoch). */
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
}

export interface CheckInput {
  readonly toolName: string
  readonly parameters: unknown
  readonly metadata?: Readonly<Record<string, unknown>>
  readonly sessionId?: string
  readonly taskGoal?: string
}

export interface CheckActionInput {
  /** `domain.verb`, e.g. `email.send`. */
  readonly actionType: string
  /** Vendor/surface; default `app`. */
  readonly channel?: string
  readonly parameters?: Readonly<Record<string, unknown>>
}

export interface CallOptions {
  readonly signal?: AbortSignal
  /** Overrides `approvalTimeoutMs` for this call. */
  readonly approvalTimeoutMs?: number
}

/** A verdict as the daemon gave it (camelCase), or the synthetic allow of a failed-open call. */
export interface Decision {
  readonly permission: 'allow' | 'human' | 'deny'
  /** Verdict source: `Scorer`, `HumanReviewer`, `PolicyCache`, … or `FailedOpen`. */
  readonly source: string
  readonly actionType: string
  readonly channel?: string
  readonly normHash: string
  readonly score?: number
  readonly tier?: string
  readonly blocked?: boolean
  readonly blockReason?: string
  readonly flags?: readonly string[]
  readonly approvalId?: string
  readonly reviewer?: string
  readonly reason?: string
  /** True only for the synthetic allow returned when the daemon could not be asked. */
  readonly failedOpen: boolean
}

export interface ReplayReport {
  /** Events the daemon stored. */
  readonly accepted: number
  /** Events the daemon refused (removed from the buffer; they would fail again). */
  readonly rejected: readonly { readonly event_id: string; readonly error: string }[]
  /** Events still buffered (the daemon was unreachable again, or a drain was already running). */
  readonly remaining: number
  readonly error?: ClientError
}

export interface Permit0Client {
  check(input: CheckInput, options?: CallOptions): Promise<Decision>
  checkAction(input: CheckActionInput, options?: CallOptions): Promise<Decision>
  /** Sends buffered failed-open events to `/api/v1/audit/replay` in batches of ≤ 500. */
  replayFailedOpen(): Promise<ReplayReport>
  failedOpenStatus(): FailOpenBufferStatus
  /** `GET /api/v1/health`; never throws. */
  health(): Promise<boolean>
  /** Drops the buffer and stops background work. */
  close(): void
}

export function createClient(options: ClientOptions): Permit0Client {
  if (!/^https?:\/\//.test(options.baseUrl)) {
    throw new ClientError(ClientErrorCode.InvalidArgument, `baseUrl must be an http(s) URL, got '${options.baseUrl}'`)
  }
  const base = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 10_000
  const retries = options.retries ?? 2
  const backoffMs = options.backoffMs ?? 100
  const maxBackoffMs = options.maxBackoffMs ?? 5_000
  const approvalTimeoutMs = options.approvalTimeoutMs ?? 300_000
  const pollSecs = options.pollSecs ?? 25
  const maxReplayBytes = options.maxReplayBytes ?? 900_000
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => fetch(input, init))
  const now = options.now ?? Date.now
  const wait = options.sleep ?? sleep
  const buffer = createFailOpenBuffer(options.bufferCapacity ?? 10_000)
  const authHeaders: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {}
  let replaying: Promise<ReplayReport> | undefined
  let closed = false

  /** Sends with retries on transport errors, timeouts and 5xx; returns the last reply otherwise. */
  async function exchange(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    extra: { headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<HttpReply> {
    let lastError: ClientError | undefined
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      if (attempt > 0) await wait(backoffDelay(attempt - 1, backoffMs, maxBackoffMs))
      try {
        const reply = await sendRequest(fetchFn, {
          method,
          url: `${base}${path}`,
          body,
          headers: { ...authHeaders, ...extra.headers },
          timeoutMs: extra.timeoutMs ?? timeoutMs,
          ...(extra.signal ? { signal: extra.signal } : {}),
        })
        if (reply.status < 500) return reply
        lastError = httpError(`${method} ${path}`, reply)
      } catch (err) {
        if (!(err instanceof ClientError)) throw err
        lastError = err
      }
    }
    throw lastError ?? new ClientError(ClientErrorCode.Transport, `${method} ${path} failed`)
  }

  async function decide(
    what: string,
    path: string,
    body: Record<string, unknown>,
    failOpenEvent: () => Omit<FailedOpenEvent, 'fail_reason' | 'fail_reason_code' | 'event_id' | 'occurred_at'>,
    opts: CallOptions,
  ): Promise<Decision> {
    const budgetMs = opts.approvalTimeoutMs ?? approvalTimeoutMs
    const started = now()
    let reply: HttpReply
    try {
      reply = await exchange('POST', path, { ...body, hitl_timeout_secs: Math.max(1, Math.ceil(budgetMs / 1000)) }, {
        headers: { prefer: 'respond-async' },
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
    } catch (err) {
      if (err instanceof ClientError && options.failOpen && err.retryable && !closed) {
        return failOpen(err, failOpenEvent())
      }
      throw err
    }
    let decision: Decision
    if (reply.status === 202) {
      const parked = CheckAcceptedSchema.safeParse(reply.body)
      if (!parked.success) throw malformed(what, reply, parked.error.message)
      decision = await awaitApproval(parked.data.approval_id, started + budgetMs, opts.signal)
    } else if (reply.status >= 200 && reply.status < 300) {
      decision = toDecision(what, reply)
    } else {
      throw httpError(what, reply)
    }
    if (options.autoReplay !== false && buffer.status().count > 0) void replayFailedOpen()
    return decision
  }

  /** Long-polls a parked approval, re-attaching after dropped connections, until the deadline. */
  async function awaitApproval(id: string, deadline: number, signal?: AbortSignal): Promise<Decision> {
    const path = `/api/v1/approvals/${encodeURIComponent(id)}/wait`
    let failures = 0
    for (;;) {
      const remainingMs = deadline - now()
      if (remainingMs <= 0) {
        throw new ClientError(
          ClientErrorCode.ApprovalTimeout,
          `approval ${id} was not decided within the client's wait budget`,
          { approvalId: id },
        )
      }
      const secs = Math.max(1, Math.min(pollSecs, Math.ceil(remainingMs / 1000)))
      let reply: HttpReply
      try {
        reply = await sendRequest(fetchFn, {
          method: 'GET',
          url: `${base}${path}?timeout=${secs}`,
          headers: authHeaders,
          timeoutMs: secs * 1000 + timeoutMs,
          ...(signal ? { signal } : {}),
        })
      } catch (err) {
        if (!(err instanceof ClientError)) throw err
        // Dropped connection or a restarting daemon: the approval is durable, so re-attach.
        await wait(Math.min(backoffDelay(failures, backoffMs, maxBackoffMs), Math.max(0, deadline - now())))
        failures += 1
        continue
      }
      if (reply.status === 503 && errorCode(reply) === 'APPROVAL_ABANDONED') {
        throw httpError(`GET ${path}`, reply) // the daemon gave the approval up: waiting longer is futile
      }
      if (reply.status >= 500) {
        await wait(Math.min(backoffDelay(failures, backoffMs, maxBackoffMs), Math.max(0, deadline - now())))
        failures += 1
        continue
      }
      failures = 0
      if (reply.status === 202 || reply.status === 204) continue // still pending: poll again
      if (reply.status === 408) {
        throw new ClientError(ClientErrorCode.ApprovalTimeout, `approval ${id} timed out on the daemon`, {
          approvalId: id,
          status: 408,
          body: reply.body,
        })
      }
      if (reply.status >= 400) throw httpError(`GET ${path}`, reply)
      return { ...toDecision(`GET ${path}`, reply), approvalId: id }
    }
  }

  function failOpen(
    error: ClientError,
    partial: Omit<FailedOpenEvent, 'fail_reason' | 'fail_reason_code' | 'event_id' | 'occurred_at'>,
  ): Decision {
    const event: FailedOpenEvent = {
      event_id: ulid(now()),
      occurred_at: new Date(now()).toISOString(),
      ...partial,
      fail_reason: error.message,
      fail_reason_code: error.code,
    }
    buffer.push(event)
    options.onFailOpen?.(event, error)
    return {
      permission: 'allow',
      source: FAILED_OPEN_SOURCE,
      actionType: 'unknown.unclassified',
      normHash: '',
      reason: `permit0 unavailable, failed open: ${error.message}`,
      failedOpen: true,
    }
  }

  function replayFailedOpen(): Promise<ReplayReport> {
    if (replaying) return replaying
    replaying = drain().finally(() => {
      replaying = undefined
    })
    return replaying
  }

  async function drain(): Promise<ReplayReport> {
    let accepted = 0
    const rejected: { event_id: string; error: string }[] = []
    while (buffer.status().count > 0 && !closed) {
      const batch = nextBatch()
      const status = buffer.status()
      const dropped = status.dropped
      let reply: HttpReply
      try {
        reply = await exchange(
          'POST',
          '/api/v1/audit/replay',
          {
            events: batch,
            client_window_start: status.windowStart ?? '',
            client_window_end: status.windowEnd ?? '',
            dropped_count: dropped,
          },
          { timeoutMs: Math.max(10 * timeoutMs, 10_000) },
        )
        if (reply.status < 200 || reply.status >= 300) throw httpError('POST /api/v1/audit/replay', reply)
      } catch (err) {
        if (!(err instanceof ClientError)) throw err
        return { accepted, rejected, remaining: buffer.status().count, error: err }
      }
      const parsed = ReplayResponseSchema.safeParse(reply.body)
      if (!parsed.success) {
        const error = malformed('POST /api/v1/audit/replay', reply, parsed.error.message)
        return { accepted, rejected, remaining: buffer.status().count, error }
      }
      accepted += parsed.data.accepted
      rejected.push(...parsed.data.rejected.map((r) => ({ event_id: r.event_id, error: r.error })))
      buffer.remove(new Set(batch.map((e) => e.event_id)))
      buffer.ackDropped(dropped)
    }
    return { accepted, rejected, remaining: buffer.status().count }
  }

  /** Oldest events, at most 500 and at most `maxReplayBytes` of JSON (always at least one). */
  function nextBatch(): FailedOpenEvent[] {
    const candidates = buffer.peek(MAX_REPLAY_BATCH)
    const batch: FailedOpenEvent[] = []
    let bytes = 0
    for (const event of candidates) {
      const size = Buffer.byteLength(JSON.stringify(event))
      if (batch.length > 0 && bytes + size > maxReplayBytes) break
      batch.push(event)
      bytes += size
    }
    return batch
  }

  function baseMetadata(extra?: Readonly<Record<string, unknown>>, input?: CheckInput): Record<string, unknown> {
    return {
      client: CLIENT_NAME,
      client_version: CLIENT_VERSION,
      ...options.metadata,
      ...(input?.sessionId ? { session_id: input.sessionId } : {}),
      ...(input?.taskGoal ? { task_goal: input.taskGoal } : {}),
      ...extra,
    }
  }

  /** The failed-open event for a call (metadata carries what the replay needs to re-score it alike). */
  const failedOpenEvent =
    (toolName: string, parameters: unknown, metadata: Record<string, unknown>) => () => ({
      tool_name: toolName,
      parameters: (parameters ?? {}) as FailedOpenEvent['parameters'],
      metadata: {
        ...metadata,
        ...(options.clientKind ? { client_kind: options.clientKind } : {}),
        ...(options.orgDomain ? { org_domain: options.orgDomain } : {}),
      } as FailedOpenEvent['metadata'],
      outcome: 'executed',
      client_version: CLIENT_VERSION,
      fail_open_source: 'config_flag',
    })

  return {
    check(input, opts = {}) {
      if (typeof input.toolName !== 'string' || input.toolName.length === 0) {
        return Promise.reject(new ClientError(ClientErrorCode.InvalidArgument, 'check(): toolName must be a non-empty string'))
      }
      const metadata = baseMetadata(input.metadata, input)
      const body: Record<string, unknown> = {
        tool_name: input.toolName,
        parameters: input.parameters ?? {},
        metadata,
        ...(options.clientKind ? { client_kind: options.clientKind } : {}),
        ...(options.orgDomain ? { org_domain: options.orgDomain } : {}),
      }
      return decide('POST /api/v1/check', '/api/v1/check', body, failedOpenEvent(input.toolName, input.parameters, metadata), opts)
    },
    checkAction(input, opts = {}) {
      if (!/^[a-z0-9_]+\.[a-z0-9_]+$/.test(input.actionType)) {
        return Promise.reject(
          new ClientError(ClientErrorCode.InvalidArgument, `checkAction(): actionType must be 'domain.verb', got '${input.actionType}'`),
        )
      }
      const body = { action_type: input.actionType, source: input.channel ?? 'app', parameters: input.parameters ?? {} }
      return decide(
        'POST /api/v1/check_action',
        '/api/v1/check_action',
        body,
        failedOpenEvent(`__action:${input.actionType}`, input.parameters, { ...baseMetadata(), channel: input.channel ?? 'app' }),
        opts,
      )
    },
    replayFailedOpen,
    failedOpenStatus: () => buffer.status(),
    async health() {
      try {
        const reply = await sendRequest(fetchFn, { method: 'GET', url: `${base}/api/v1/health`, timeoutMs })
        return reply.status === 200
      } catch {
        return false
      }
    },
    close() {
      closed = true
      buffer.clear()
    },
  }
}

function errorCode(reply: HttpReply): string | undefined {
  const error = (reply.body as { error?: { code?: unknown } } | undefined)?.error
  return typeof error?.code === 'string' ? error.code : undefined
}

function malformed(what: string, reply: HttpReply, detail: string): ClientError {
  return new ClientError(
    ClientErrorCode.MalformedResponse,
    `${what} answered HTTP ${reply.status} with a body that breaks the wire contract: ${detail}`,
    { status: reply.status, body: reply.body },
  )
}

function toDecision(what: string, reply: HttpReply): Decision {
  const parsed = CheckResponseSchema.safeParse(reply.body)
  if (!parsed.success) throw malformed(what, reply, parsed.error.message)
  return fromReply(parsed.data)
}

function fromReply(r: CheckResponse): Decision {
  return {
    permission: r.permission,
    source: r.source,
    actionType: r.action_type,
    channel: r.channel,
    normHash: r.norm_hash,
    ...riskFromWire(r),
    ...(r.approval_id !== undefined ? { approvalId: r.approval_id } : {}),
    ...(r.reviewer !== undefined ? { reviewer: r.reviewer } : {}),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    failedOpen: false,
  }
}
