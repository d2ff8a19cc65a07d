export const ApprovalErrorCode = {
  NotFound: 'APPROVAL_NOT_FOUND',
  /**
   * Already resolved (`details.record` carries the winning resolution), or `create` with an id
   * that already exists (`details.id`; the store answers the same with `STORE_CONFLICT`).
   */
  Conflict: 'APPROVAL_CONFLICT',
  Closed: 'APPROVAL_QUEUE_CLOSED',
} as const
export type ApprovalErrorCode = (typeof ApprovalErrorCode)[keyof typeof ApprovalErrorCode]

export class ApprovalError extends Error {
  override readonly name = 'ApprovalError'
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
