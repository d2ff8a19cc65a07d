/** What an audit entry records (the `kind` of the audit log, its exports and the HTTP contract). */
export const AuditEventKind = {
  Decision: 'decision',
  HumanDecision: 'human_decision',
  ApprovalExpired: 'approval_expired',
  ApprovalAbandoned: 'approval_abandoned',
  FailedOpen: 'failed_open',
} as const
export type AuditEventKind = (typeof AuditEventKind)[keyof typeof AuditEventKind]
