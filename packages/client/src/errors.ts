/** Every failure `@permit0/client` reports: one class, a closed set of codes. */
export const ClientErrorCode = {
  /** The daemon could not be reached (refused, reset, DNS) on every attempt. */
  Transport: 'CLIENT_TRANSPORT',
  /** An attempt did not answer within `timeoutMs`. */
  Timeout: 'CLIENT_TIMEOUT',
  /** The daemon answered with a non-2xx status (see `details.status`). */
  Http: 'CLIENT_HTTP',
  /** The daemon answered 2xx with a body that does not match the wire contract. */
  MalformedResponse: 'CLIENT_MALFORMED_RESPONSE',
  /** A parked approval was not decided before the client's wait budget ran out. */
  ApprovalTimeout: 'CLIENT_APPROVAL_TIMEOUT',
  /** `guard()` / middleware refused to run the wrapped function (deny or human verdict). */
  Denied: 'CLIENT_DENIED',
  /** Invalid options or arguments given to the client. */
  InvalidArgument: 'CLIENT_INVALID_ARGUMENT',
} as const
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode]

export class ClientError extends Error {
  override readonly name = 'ClientError'
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }

  /** HTTP status when the daemon answered, else undefined. */
  get status(): number | undefined {
    return typeof this.details.status === 'number' ? this.details.status : undefined
  }

  /** Transport errors, timeouts and 5xx may succeed on retry; 4xx and contract errors never do. */
  get retryable(): boolean {
    if (this.code === ClientErrorCode.Transport || this.code === ClientErrorCode.Timeout) return true
    return this.code === ClientErrorCode.Http && (this.status ?? 0) >= 500
  }
}
