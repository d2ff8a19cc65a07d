import type { ApprovalRecord, ApprovalResolution, NewApproval, ResolveResult } from '@permit0/engine'

/**
 * The persistence port of the approvals queue. Declared here, beside its consumer; implemented
 * structurally by `@permit0/store` (Kysely over PostgreSQL or PGlite). Only `apps/cli` wires the
 * two together.
 */

/** Approval statuses and kinds: the shared vocabulary of `@permit0/domain`. */
export { ApprovalKind, ApprovalStatus } from '@permit0/domain'

export type { ApprovalRecord, ApprovalResolution, NewApproval, ResolveResult }

export interface ApprovalRepository {
  create(approval: NewApproval): Promise<void>
  get(id: string): Promise<ApprovalRecord | undefined>
  /** Pending approvals, oldest first. */
  listPending(): Promise<ApprovalRecord[]>
  /** Atomically moves a pending approval to its end state: exactly one caller wins. */
  resolve(id: string, resolution: ApprovalResolution): Promise<ResolveResult>
  /**
   * Subscribes to resolutions made by any replica (PostgreSQL LISTEN/NOTIFY where available).
   * The callback receives the approval id. Returns an unsubscribe function.
   */
  onResolved(listener: (id: string) => void): Promise<() => Promise<void>>
  /**
   * Optional: subscribes to approvals created by any replica (the id), so dashboards on every
   * replica see new cards at once rather than at the next polling scan.
   */
  onCreated?(listener: (id: string) => void): Promise<() => Promise<void>>
  /**
   * Resolves as `expired` every pending approval whose `expiresAtMs` ≤ `nowMs`, and (when
   * `replicaId` is given) every pending approval held by that replica, e.g. after a restart.
   * Returns the records it resolved.
   */
  expirePending(options: { nowMs: number; replicaId?: string }): Promise<ApprovalRecord[]>
}
