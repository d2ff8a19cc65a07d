import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorEnvelope } from '@permit0/contracts'
import { ApprovalError, type ApprovalRecord } from '@permit0/approvals'
import type { AppEnv } from './env.ts'
import { toResolution } from './mappers.ts'

/** Codes the server itself raises (the HTTP layer's closed set). */
export const ServerErrorCode = {
  Validation: 'VALIDATION_FAILED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  NotFound: 'NOT_FOUND',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  ApprovalTimeout: 'APPROVAL_TIMEOUT',
  ApprovalAbandoned: 'APPROVAL_ABANDONED',
  ShuttingDown: 'SHUTTING_DOWN',
  Internal: 'INTERNAL_ERROR',
} as const
export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode]

export interface ErrorIssue {
  readonly path: string
  readonly message: string
}

export class ServerError extends Error {
  override readonly name = 'ServerError'
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    readonly details: { issues?: readonly ErrorIssue[]; record?: ApprovalRecord } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The one code → status table for every error class of every package. */
export function statusForCode(code: string): ContentfulStatusCode {
  switch (code) {
    case ServerErrorCode.Validation:
    case 'ENGINE_INVALID_ACTION_TYPE':
    case 'ENGINE_UNKNOWN_CLIENT':
    case 'ENGINE_MISSING_REQUIRED_FIELD':
    case 'STORE_INVALID_INPUT':
    case 'DECISION_INVALID_SESSION_ID':
      return 400
    case ServerErrorCode.Unauthorized:
      return 401
    case ServerErrorCode.Forbidden:
      return 403
    case ServerErrorCode.ApprovalTimeout:
      return 408
    case ServerErrorCode.PayloadTooLarge:
      return 413
    case ServerErrorCode.UnsupportedMediaType:
      return 415
    case ServerErrorCode.ShuttingDown:
    case ServerErrorCode.ApprovalAbandoned:
    case 'APPROVAL_QUEUE_CLOSED':
    case 'STORE_CONNECTION_FAILED':
    case 'STORE_CLOSED':
      return 503
  }
  if (code.endsWith('_NOT_FOUND') || code === ServerErrorCode.NotFound) return 404
  if (code.endsWith('_CONFLICT')) return 409
  return 500
}

const HTTP_CODES: Readonly<Record<number, string>> = {
  400: ServerErrorCode.Validation,
  401: ServerErrorCode.Unauthorized,
  403: ServerErrorCode.Forbidden,
  404: ServerErrorCode.NotFound,
  413: ServerErrorCode.PayloadTooLarge,
}

export interface ErrorReporter {
  (err: unknown, c: Context<AppEnv>, status: number): void
}

/** Root `onError`: the only place that turns an exception into an HTTP response. */
export function createErrorHandler(report: ErrorReporter) {
  return (err: Error, c: Context<AppEnv>): Response => {
    const requestId = c.get('requestId') ?? 'unknown'
    let code: string = ServerErrorCode.Internal
    let message = 'internal server error'
    let status: ContentfulStatusCode = 500
    let body: ErrorEnvelope['error'] | undefined
    if (err instanceof HTTPException) {
      status = err.status as ContentfulStatusCode
      code = HTTP_CODES[status] ?? (status >= 500 ? ServerErrorCode.Internal : ServerErrorCode.Validation)
      message = err.message || (status === 413 ? 'request body too large' : 'request failed')
    } else if (err instanceof ServerError || err instanceof ApprovalError || hasCode(err)) {
      code = (err as { code: string }).code
      status = statusForCode(code)
      message = status === 500 ? 'internal server error' : err.message
      const details = (err as { details?: { issues?: readonly ErrorIssue[]; record?: ApprovalRecord } }).details
      body = {
        code,
        message,
        requestId,
        ...(details?.issues !== undefined && { issues: [...details.issues] }),
        ...(details?.record?.resolution !== undefined && { resolution: toResolution(details.record.resolution) }),
      }
    }
    report(err, c, status)
    return c.json({ error: body ?? { code, message, requestId } } satisfies ErrorEnvelope, status)
  }
}

function hasCode(err: unknown): err is { code: string; message: string } {
  return typeof (err as { code?: unknown }).code === 'string' && /^[A-Z][A-Z_]+$/.test((err as { code: string }).code)
}
