import { CheckAcceptedSchema, CheckResponseSchema, MAX_HITL_TIMEOUT_SECS } from '@permit0/contracts'
import type { JsonObject, JsonValue } from '@permit0/engine'
import type { HookConfig } from './config.ts'
import { type HookOutcome, outcomeFromCheckResponse, parkedOutcome } from './envelope.ts'

export interface RemoteCall {
  readonly toolName: string
  readonly parameters: JsonValue
  readonly metadata: JsonObject
}

export interface RemoteOptions {
  readonly config: HookConfig
  /** Seconds the daemon may park the call (already kept under the hook timeout). */
  readonly waitSecs: number
  /** Hard deadline of the whole HTTP exchange, in ms. */
  readonly deadlineMs: number
  /**
   * Seconds until the host gives up on the hook (its hook timeout minus the time already spent),
   * sent as `client_deadline_secs`: the daemon then answers at least 5 s before it.
   */
  readonly hostDeadlineSecs?: number
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>
}

/** `http://host:port` → `…/api/v1/check`; a URL that already names an `/api/` path is used verbatim. */
export function checkEndpoint(remote: string): string {
  const trimmed = remote.trim().replace(/\/+$/, '')
  return trimmed.includes('/api/') ? trimmed : `${trimmed}/api/v1/check`
}

/**
 * Asks the daemon. Never throws: unreachable → `ask`; no answer within the deadline, an HTTP
 * error or a reply that breaks the contract → `deny` (fail closed, and never silence).
 */
export async function evaluateRemote(call: RemoteCall, options: RemoteOptions): Promise<HookOutcome> {
  const { config } = options
  const url = checkEndpoint(config.remote ?? '')
  const body = {
    tool_name: call.toolName,
    parameters: call.parameters,
    metadata: call.metadata,
    client_kind: config.client,
    org_domain: config.orgDomain,
    ...(config.hitlRouting !== undefined && { hitl_routing: config.hitlRouting }),
    hitl_timeout_secs: options.waitSecs,
    ...(options.hostDeadlineSecs !== undefined &&
      options.hostDeadlineSecs > 0 && {
        client_deadline_secs: Math.min(MAX_HITL_TIMEOUT_SECS, Math.round(options.hostDeadlineSecs * 1_000) / 1_000),
      }),
  }
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, options.deadlineMs)
  const fetchFn = options.fetch ?? fetch
  let status: number
  let text: string
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
      },
      body: JSON.stringify(body),
      signal: controller.signal,
    })
    status = res.status
    text = await res.text()
  } catch (err) {
    if (timedOut) {
      return {
        decision: 'deny',
        reason: `permit0: no answer from the daemon at ${url} within ${Math.round(options.deadlineMs / 1000)}s; denied to stay safe`,
        failSafe: true,
      }
    }
    return { decision: 'ask', reason: `permit0 remote unavailable: ${describe(err)}`, failSafe: true }
  } finally {
    clearTimeout(timer)
  }

  if (status >= 400) {
    return { decision: 'deny', reason: `permit0 daemon error (HTTP ${status}): ${errorText(text)}`, failSafe: true }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { decision: 'deny', reason: `permit0 daemon error (HTTP ${status}): reply is not JSON`, failSafe: true }
  }
  if (status === 202) {
    const parked = CheckAcceptedSchema.safeParse(json)
    return parkedOutcome(parked.success ? parked.data.approval_id : '?', config.remote)
  }
  const parsed = CheckResponseSchema.safeParse(withHumanSpelling(json))
  if (!parsed.success) {
    return {
      decision: 'deny',
      reason: `permit0 daemon error (HTTP ${status}): reply breaks the contract: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      failSafe: true,
    }
  }
  return outcomeFromCheckResponse(parsed.data, config.remote === undefined ? {} : { dashboardUrl: config.remote })
}

/** Upstream spells the HITL permission `humanintheloop`; treat it exactly like `human`. */
function withHumanSpelling(json: unknown): unknown {
  if (json === null || typeof json !== 'object') return json
  const permission = (json as { permission?: unknown }).permission
  return typeof permission === 'string' && ['human', 'humanintheloop'].includes(permission.toLowerCase())
    ? { ...json, permission: 'human' }
    : json
}

function describe(err: unknown): string {
  const parts: string[] = []
  for (let e: unknown = err, depth = 0; e && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code
    const message = (e as { message?: unknown }).message
    parts.push(typeof code === 'string' ? code : typeof message === 'string' ? message : String(e))
    e = (e as { cause?: unknown }).cause
  }
  return [...new Set(parts)].join(': ')
}

function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string }
    if (typeof body.error === 'string') return body.error
    if (body.error && typeof body.error.message === 'string') return body.error.message
  } catch {
    // plain text body
  }
  return text.slice(0, 500)
}
