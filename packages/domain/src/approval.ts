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
