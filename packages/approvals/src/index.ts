/** The parking approvals queue: durable, replica-safe, clock-injected. */

/** Queue */
export {
  ABANDONED_AUDIT,
  abandonedAuditReason,
  CLIENT_GONE_REASON,
  createApprovalQueue,
  SHUTDOWN_REASON,
} from './approval-queue.ts'
export type {
  ApprovalQueue,
  ApprovalQueueEvent,
  ApprovalQueueOptions,
  HumanDecision,
  OpenApproval,
  WaitOptions,
  WaitResult,
} from './approval-queue.ts'

/** Persistence port and an in-memory implementation */
export { ApprovalKind, ApprovalStatus } from './repository.ts'
export type {
  ApprovalRecord,
  ApprovalRepository,
  ApprovalResolution,
  NewApproval,
  ResolveResult,
} from './repository.ts'
export { createMemoryApprovalRepository } from './memory-repository.ts'
export type { MemoryApprovalRepositoryOptions } from './memory-repository.ts'

/** Time */
export { createManualClock, systemClock } from './clock.ts'
export type { Clock, ManualClock } from './clock.ts'

/** Errors */
export { ApprovalError, ApprovalErrorCode } from './errors.ts'
