import type { DecisionSource, JsonObject, NormAction, Permission, RiskScore } from '@permit0/engine'

/**
 * The persistence port of the approvals queue. Declared here, beside its consumer; implemented
 * structurally by `@permit0/store` (Kysely over PostgreSQL or PGlite). Only `apps/cli` wires the
 * two together.
 */

export const ApprovalStatus = {
  Pending: 'pending',
  Decided: 'decided',
  Expired: 'expired',
  Abandoned: 'abandoned',
} as const
export type ApprovalStatus = (typeof ApprovalStatus)[keyof typeof ApprovalStatus]

/** Why a request was parked. */
export const ApprovalKind = { Hitl: 'hitl', Calibration: 'calibration' } as const
export type ApprovalKind = (typeof ApprovalKind)[keyof typeof ApprovalKind]

/** A request parked for a human, as written when it parks. */
export interface NewApproval {
  /** ULID. */
  readonly id: string
  readonly kind: ApprovalKind
  readonly action: NormAction
  /** The tool name the agent called (before alias rewrite / prefix stripping where known). */
  readonly toolName: string
  readonly risk?: RiskScore
  /** What the engine said before the human was asked. */
  readonly enginePermission: Permission
  readonly engineSource: DecisionSource
  readonly sessionId?: string
  readonly taskGoal?: string
  /** Free-form request context worth showing a reviewer (client kind, org domain, …). */
  readonly context?: JsonObject
  readonly createdAtMs: number
  readonly expiresAtMs: number
  /** The replica (server process) holding the parked HTTP request. */
  readonly replicaId: string
}

/** The end state of an approval. `permission` is set only when a human decided. */
export interface ApprovalResolution {
  readonly status: Exclude<ApprovalStatus, 'pending'>
  readonly permission?: Permission
  readonly reviewer?: string
  readonly reason?: string
  readonly resolvedAtMs: number
}

export interface ApprovalRecord extends NewApproval {
  readonly status: ApprovalStatus
  readonly resolution?: ApprovalResolution
}

export type ResolveResult =
  | { readonly outcome: 'resolved'; readonly record: ApprovalRecord }
  /** Someone resolved it first; `record` carries the winning resolution. */
  | { readonly outcome: 'conflict'; readonly record: ApprovalRecord }
  | { readonly outcome: 'not_found' }

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
