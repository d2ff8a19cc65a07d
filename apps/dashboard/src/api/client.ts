import {
  ApprovalEventSchema,
  ApprovalListSchema,
  ApprovalSummarySchema,
  AuditPageSchema,
  AuditVerifySchema,
  CalibrationRecordsSchema,
  CalibrationStatsSchema,
  DecideResponseSchema,
  DecisionsPerMinuteSchema,
  ErrorEnvelopeSchema,
  HealthSchema,
  ListEntriesSchema,
  PacksSchema,
  PackValidateResponseSchema,
  StatsSchema,
  WhoamiSchema,
  type ApprovalEvent,
  type ApprovalResolution,
  type ApprovalSummary,
  type AuditPage,
  type AuditVerify,
  type CalibrationStats,
  type DecideRequestWire,
  type DecideResponse,
  type Health,
  type ListEntry,
  type ListKind,
  type PackInfo,
  type PackValidateResponse,
  type Stats,
  type Whoami,
  type AuditEntry,
  type DecisionsPerMinute,
} from '@permit0/contracts'
import { createParser } from 'eventsource-parser'
import type { z } from 'zod'

export const ApiErrorCode = {
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  Http: 'HTTP_ERROR',
  Network: 'NETWORK_ERROR',
  InvalidReply: 'INVALID_REPLY',
} as const
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode]

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Readonly<{ status?: number; path?: string; resolution?: ApprovalResolution }> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** True when the server answered 404: a route this server does not offer (or an unknown id). */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.code === ApiErrorCode.NotFound
}

/** Filters of the activity view, sent as the query of `GET /api/v1/audit`. */
export interface AuditFilters {
  action_type?: string
  decision?: 'allow' | 'deny' | 'human' | 'bypass'
  source?: string
  session_id?: string
  since?: string
  until?: string
  limit?: number
  cursor?: string
}

export type StatsWithTimeline = Stats & { per_minute?: DecisionsPerMinute }

export interface ApiClient {
  health(): Promise<Health>
  /** The caller's identity; a server without `/whoami` means no auth and full access. */
  whoami(): Promise<Whoami>
  listApprovals(): Promise<ApprovalSummary[]>
  getApproval(id: string): Promise<ApprovalSummary>
  decide(body: DecideRequestWire): Promise<DecideResponse>
  /** Streams approval events until the stream ends (resolves) or fails (rejects). */
  streamApprovals(onEvent: (event: ApprovalEvent) => void, options: { signal: AbortSignal; onOpen?: () => void }): Promise<void>
  listAudit(filters: AuditFilters): Promise<AuditPage>
  verifyAudit(): Promise<AuditVerify>
  exportAudit(format: 'jsonl' | 'csv'): Promise<Blob>
  stats(): Promise<StatsWithTimeline>
  listEntries(kind: ListKind): Promise<ListEntry[]>
  addListEntry(kind: ListKind, entry: { norm_hash: string; reason: string }): Promise<void>
  removeListEntry(kind: ListKind, normHash: string): Promise<void>
  packs(): Promise<PackInfo[]>
  validatePack(yaml: string): Promise<PackValidateResponse>
  calibrationStats(): Promise<CalibrationStats>
  calibrationRecords(query: { agreement?: string; reviewer?: string; limit?: number }): Promise<AuditEntry[]>
}

export interface ApiClientOptions {
  /** Origin + prefix of the API, default `''` (same origin). */
  baseUrl?: string
  fetch?: typeof fetch
  /** Read before every request, so a new sign-in takes effect at once. */
  getToken?: () => string | undefined
  /** Called on every 401 (the app then shows its sign-in form). */
  onUnauthorized?: () => void
}

const API = '/api/v1'
const StatsTimelineSchema = StatsSchema.extend({ per_minute: DecisionsPerMinuteSchema.optional() })

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))

  async function send(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    const token = options.getToken?.()
    if (token) headers.set('Authorization', `Bearer ${token}`)
    if (body !== undefined) headers.set('Content-Type', 'application/json')
    let response: Response
    try {
      response = await doFetch(`${baseUrl}${API}${path}`, {
        ...init,
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      })
    } catch (cause) {
      if (init.signal?.aborted) throw cause
      throw new ApiError(ApiErrorCode.Network, `Cannot reach the permit0 server (${method} ${path})`, { path }, { cause })
    }
    if (!response.ok) throw await toApiError(response, method, path, options.onUnauthorized)
    return response
  }

  async function json<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown): Promise<z.output<S>> {
    const response = await send(method, path, body)
    let raw: unknown
    try {
      raw = await response.json()
    } catch (cause) {
      throw new ApiError(ApiErrorCode.InvalidReply, `${method} ${path}: the reply is not JSON`, { path }, { cause })
    }
    const parsed = schema.safeParse(raw)
    if (!parsed.success) {
      const first = parsed.error.issues[0]
      const where = first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : ''
      throw new ApiError(ApiErrorCode.InvalidReply, `${method} ${path}: unexpected reply${where}`, { path })
    }
    return parsed.data
  }

  return {
    health: () => json(HealthSchema, 'GET', '/health'),
    async whoami() {
      try {
        return await json(WhoamiSchema, 'GET', '/whoami')
      } catch (error) {
        if (error instanceof ApiError && error.code === ApiErrorCode.NotFound) return { role: 'admin', auth: false }
        throw error
      }
    },
    listApprovals: async () => (await json(ApprovalListSchema, 'GET', '/approvals')).approvals,
    getApproval: (id) => json(ApprovalSummarySchema, 'GET', `/approvals/${encodeURIComponent(id)}`),
    decide: (body) => json(DecideResponseSchema, 'POST', '/approvals/decide', body),
    async streamApprovals(onEvent, { signal, onOpen }) {
      const response = await send('GET', '/approvals/stream', undefined, {
        signal,
        headers: { Accept: 'text/event-stream' },
      })
      if (!response.body) throw new ApiError(ApiErrorCode.InvalidReply, 'The event stream has no body')
      onOpen?.()
      const parser = createParser({
        onEvent(message) {
          let data: unknown
          try {
            data = JSON.parse(message.data)
          } catch {
            return // keep-alives and comments carry no JSON
          }
          const parsed = ApprovalEventSchema.safeParse(data)
          if (parsed.success) onEvent(parsed.data)
        },
      })
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        parser.feed(value)
      }
    },
    listAudit: (filters) => json(AuditPageSchema, 'GET', `/audit${toQuery(filters)}`),
    verifyAudit: () => json(AuditVerifySchema, 'GET', '/audit/verify'),
    exportAudit: async (format) => (await send('GET', `/audit/export${toQuery({ format })}`)).blob(),
    stats: () => json(StatsTimelineSchema, 'GET', '/stats'),
    listEntries: async (kind) => (await json(ListEntriesSchema, 'GET', `/lists/${kind}`)).entries,
    async addListEntry(kind, entry) {
      await send('POST', `/lists/${kind}`, entry)
    },
    async removeListEntry(kind, normHash) {
      await send('DELETE', `/lists/${kind}`, { norm_hash: normHash })
    },
    packs: async () => (await json(PacksSchema, 'GET', '/packs')).packs,
    validatePack: (yaml) => json(PackValidateResponseSchema, 'POST', '/packs/validate', { yaml }),
    calibrationStats: () => json(CalibrationStatsSchema, 'GET', '/calibration/stats'),
    calibrationRecords: async (query) =>
      (await json(CalibrationRecordsSchema, 'GET', `/calibration/records${toQuery(query)}`)).records,
  }
}

/** Builds `?a=1&b=2` from the defined, non-empty values. */
export function toQuery(values: object): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(values) as [string, unknown][]) {
    if (value !== undefined && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

async function toApiError(response: Response, method: string, path: string, onUnauthorized?: () => void): Promise<ApiError> {
  let message = `${method} ${path} failed with HTTP ${response.status}`
  let resolution: ApprovalResolution | undefined
  try {
    const envelope = ErrorEnvelopeSchema.safeParse(await response.json())
    if (envelope.success) {
      const issues = envelope.data.error.issues?.map((i) => `${i.path}: ${i.message}`).join('; ')
      message = `${envelope.data.error.message}${issues ? ` (${issues})` : ''}`
      resolution = envelope.data.error.resolution
    }
  } catch {
    // not JSON: keep the generic message
  }
  const details = { status: response.status, path, ...(resolution && { resolution }) }
  switch (response.status) {
    case 401:
      onUnauthorized?.()
      return new ApiError(ApiErrorCode.Unauthorized, 'Sign in with an API token to continue', details)
    case 403:
      return new ApiError(ApiErrorCode.Forbidden, `Your token's role may not do this (${message})`, details)
    case 404:
      return new ApiError(ApiErrorCode.NotFound, message, details)
    case 409:
      return new ApiError(ApiErrorCode.Conflict, message, details)
    default:
      return new ApiError(ApiErrorCode.Http, message, details)
  }
}
