import type {
  ApprovalRecord,
  ApprovalRepository,
  ApprovalResolution,
  NewApproval,
  ResolveResult,
} from './repository.ts'
import { ApprovalError, ApprovalErrorCode } from './errors.ts'

export interface MemoryApprovalRepositoryOptions {
  /** Deliver `onResolved` notifications (set false to exercise the polling fallback). */
  readonly notify?: boolean
}

/**
 * An in-process `ApprovalRepository` (tests, single-process embedding). Several queues sharing
 * one instance behave like replicas sharing one database.
 */
export function createMemoryApprovalRepository(
  options: MemoryApprovalRepositoryOptions = {},
): ApprovalRepository {
  const rows = new Map<string, ApprovalRecord>()
  const listeners = new Set<(id: string) => void>()
  const createdListeners = new Set<(id: string) => void>()
  const notify = options.notify ?? true

  const finish = (record: ApprovalRecord, resolution: ApprovalResolution): ApprovalRecord => {
    const next: ApprovalRecord = { ...record, status: resolution.status, resolution }
    rows.set(record.id, next)
    if (notify) queueMicrotask(() => listeners.forEach((listener) => listener(record.id)))
    return next
  }

  return {
    async create(approval: NewApproval) {
      if (rows.has(approval.id)) {
        // As the store does: an id is never reused, and the stored approval stays untouched.
        throw new ApprovalError(ApprovalErrorCode.Conflict, `approval ${approval.id} already exists`, { id: approval.id })
      }
      rows.set(approval.id, { ...approval, status: 'pending' })
      if (notify) queueMicrotask(() => createdListeners.forEach((listener) => listener(approval.id)))
    },
    async get(id) {
      return rows.get(id)
    },
    async listPending() {
      return [...rows.values()]
        .filter((r) => r.status === 'pending')
        .sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id))
    },
    async resolve(id, resolution): Promise<ResolveResult> {
      const record = rows.get(id)
      if (record === undefined) return { outcome: 'not_found' }
      if (record.status !== 'pending') return { outcome: 'conflict', record }
      return { outcome: 'resolved', record: finish(record, resolution) }
    },
    async onResolved(listener) {
      listeners.add(listener)
      return async () => {
        listeners.delete(listener)
      }
    },
    async onCreated(listener) {
      createdListeners.add(listener)
      return async () => {
        createdListeners.delete(listener)
      }
    },
    async expirePending({ nowMs, replicaId }) {
      const out: ApprovalRecord[] = []
      for (const record of rows.values()) {
        if (record.status !== 'pending') continue
        if (record.expiresAtMs <= nowMs || (replicaId !== undefined && record.replicaId === replicaId)) {
          out.push(finish(record, { status: 'expired', resolvedAtMs: nowMs }))
        }
      }
      return out
    },
  }
}
