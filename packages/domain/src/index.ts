/**
 * permit0's shared vocabulary, defined once: every package (engine, store, approvals, contracts,
 * the CLI and the dashboard) imports these objects instead of spelling the values again. Each is
 * an `as const` object (the values are the wire spellings) plus the derived union type. This
 * package has no dependencies and does no IO.
 */

/** Verdicts */
export { Permission } from './permission.ts'
export { Tier } from './tier.ts'
export { AUDIT_SOURCE_INFO, AuditSource, DECISION_SOURCE_INFO, DecisionOrigin, DecisionSource } from './decision-source.ts'
export type { DecisionSourceInfo } from './decision-source.ts'

/** Approvals */
export { ApprovalEndStatus, ApprovalKind, ApprovalStatus, RememberScope } from './approval.ts'

/** Audit log */
export { AuditEventKind } from './audit-event-kind.ts'

/** API tokens */
export { TokenRole } from './token-role.ts'

/** Session history limits */
export { SESSION_ID_MAX_LENGTH, SESSION_RECORD_LIMIT, SESSION_RECORD_MAX_CHARS, SESSION_TTL_MS } from './session-limits.ts'
