/**
 * Daemon backend of `permit0 mcp --remote <url>`: `POST /api/v1/check` with
 * `Prefer: respond-async` (a human verdict parks on the daemon and answers 202 at once), then
 * long-polls `GET /api/v1/approvals/{id}/wait` within the call's budget. The approval lives as
 * long as `approvalTtlMs`, so a human can decide after the budget and a retry gets the answer.
 * Every failure to get a valid answer is an error the proxy turns into a refusal (fail closed).
 */
import { CheckAcceptedSchema, CheckResponseSchema, type CheckResponse } from '@permit0/contracts'
import type { BackendCheck, BackendWait, GateBackend } from './gate.ts'

export interface RemoteBackendOptions {
  /** Daemon base URL, e.g. `http://127.0.0.1:8787`. */
  readonly baseUrl: string
  readonly token?: string
  readonly approvalTtlMs: number
  /** Deadline of one non-waiting HTTP exchange. Default 10 000 ms. */
  readonly requestTimeoutMs?: number
  readonly fetch?: typeof fetch
}

/** Every failure of the daemon exchange (unreachable, HTTP error, reply outside the contract). */
export class RemoteGateError extends Error {
  override readonly name = 'RemoteGateError'
}

function errorText(body: unknown, status: number): string {
  const error = (body as { error?: { message?: unknown; code?: unknown } } | null)?.error
  const message = typeof error?.message === 'string' ? error.message : undefined
  return `HTTP ${status}${message !== undefined ? `: ${message}` : ''}`
}

const errorCode = (body: unknown): string | undefined => {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code
  return typeof code === 'string' ? code : undefined
}

export function createRemoteBackend(options: RemoteBackendOptions): GateBackend {
  const base = options.baseUrl.trim().replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]/.test(base)) throw new RemoteGateError(`--remote must be an http(s) URL, got '${options.baseUrl}'`)
  const fetchFn = options.fetch ?? fetch
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const auth: Record<string, string> = options.token !== undefined && options.token !== '' ? { authorization: `Bearer ${options.token}` } : {}

  const exchange = async (
    method: 'GET' | 'POST',
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
  ): Promise<{ status: number; body: unknown }> => {
    const signals = [AbortSignal.timeout(init.timeoutMs), ...(init.signal !== undefined ? [init.signal] : [])]
    let res: Response
    try {
      res = await fetchFn(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(init.body !== undefined && { 'content-type': 'application/json' }),
          ...auth,
          ...init.headers,
        },
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
        signal: AbortSignal.any(signals),
      })
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown } }).cause?.code
      throw new RemoteGateError(`permit0 daemon at ${base} unreachable: ${typeof cause === 'string' ? cause : (err as Error).message}`, { cause: err })
    }
    const text = await res.text()
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      throw new RemoteGateError(`permit0 daemon at ${base}: ${method} ${path} answered HTTP ${res.status} with a body that is not JSON`)
    }
    return { status: res.status, body }
  }

  const parseVerdict = (body: unknown, what: string): CheckResponse => {
    const parsed = CheckResponseSchema.safeParse(body)
    if (!parsed.success) throw new RemoteGateError(`permit0 daemon at ${base}: ${what} reply breaks the contract: ${parsed.error.issues[0]?.message ?? ''}`)
    return parsed.data
  }

  return {
    async check(request): Promise<BackendCheck> {
      const reply = await exchange('POST', '/api/v1/check', {
        body: { ...request, hitl_timeout_secs: Math.max(1, Math.ceil(options.approvalTtlMs / 1000)) },
        headers: { prefer: 'respond-async' },
        timeoutMs: requestTimeoutMs,
      })
      if (reply.status === 202) {
        const parked = CheckAcceptedSchema.safeParse(reply.body)
        if (!parked.success) throw new RemoteGateError(`permit0 daemon at ${base}: 202 reply breaks the contract`)
        return { kind: 'parked', approvalId: parked.data.approval_id, engine: parked.data.engine }
      }
      if (reply.status !== 200) throw new RemoteGateError(`permit0 daemon at ${base} refused the check: ${errorText(reply.body, reply.status)}`)
      return { kind: 'verdict', response: parseVerdict(reply.body, 'check') }
    },

    async wait(approvalId, timeoutMs, signal): Promise<BackendWait> {
      const deadline = Date.now() + timeoutMs
      const path = `/api/v1/approvals/${encodeURIComponent(approvalId)}/wait`
      for (;;) {
        const left = deadline - Date.now()
        if (left <= 0 || signal.aborted) return { kind: 'pending' }
        const secs = Math.max(0, Math.min(300, Math.floor(left / 1000)))
        let reply: { status: number; body: unknown }
        try {
          reply = await exchange('GET', `${path}?timeout=${secs}`, { timeoutMs: secs * 1000 + requestTimeoutMs, signal })
        } catch (err) {
          if (signal.aborted) return { kind: 'pending' }
          throw err
        }
        if (reply.status === 200) return { kind: 'verdict', response: parseVerdict(reply.body, 'wait') }
        if (reply.status === 202 || reply.status === 204) {
          if (secs === 0) return { kind: 'pending' }
          continue
        }
        if (reply.status === 404 || reply.status === 408 || errorCode(reply.body) === 'APPROVAL_ABANDONED') {
          return { kind: 'gone', why: errorText(reply.body, reply.status) }
        }
        throw new RemoteGateError(`permit0 daemon at ${base}: waiting for approval ${approvalId} failed: ${errorText(reply.body, reply.status)}`)
      }
    },

    // The daemon has no route to abandon an async approval; it expires after its lifetime.
    async abandon() {},

    decideHint(approvalId) {
      return `the permit0 dashboard at ${base}/ui/ (approval ${approvalId}) or POST ${base}/api/v1/approvals/decide`
    },

    async close() {},
  }
}
