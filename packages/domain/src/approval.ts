/** The life of a parked request: pending until a human decides, it expires or its caller leaves. */
export const ApprovalStatus = {
  Pending: 'pending',
  Decided: 'decided',
  Expired: 'expired',
  Abandoned: 'abandoned',
} as const
export type ApprovalStatus = (typeof ApprovalStatus)[keyof typeof ApprovalStatus]

/** The end states of an approval. */
export const ApprovalEndStatus = {
  Decided: ApprovalStatus.Decided,
  Expired: ApprovalStatus.Expired,
  Abandoned: ApprovalStatus.Abandoned,
} as const
export type ApprovalEndStatus = (typeof ApprovalEndStatus)[keyof typeof ApprovalEndStatus]

/** Why a request was parked: a HITL verdict, or calibration mode. */
export const ApprovalKind = { Hitl: 'hitl', Calibration: 'calibration' } as const
export type ApprovalKind = (typeof ApprovalKind)[keyof typeof ApprovalKind]

/**
 * How long a reviewer's decision is remembered: `once` (this call only), `call` (every identical
 * call until an expiry), `session` (identical calls in the approval's session until an expiry).
 */
export const RememberScope = { Once: 'once', Call: 'call', Session: 'session' } as const
export type RememberScope = (typeof RememberScope)[keyof typeof RememberScope]
