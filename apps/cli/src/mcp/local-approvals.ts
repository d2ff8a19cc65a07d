/**
 * The approvals queue over the local store, as `permit0 mcp` (in-process) and `permit0 approvals`
 * use it: the same queue and the same resolution effects as the daemon (audit entry for the
 * human's decision, expiry or abandonment; the human's verdict cached by norm_hash), opened for
 * one short lease of the store at a time (see store-lease.ts).
 */
import { createApprovalQueue, systemClock, type ApprovalQueue, type ApprovalRecord, type Clock } from '@permit0/approvals'
import { DEFAULT_CACHE_TTL_MS } from '@permit0/engine'
import type { Store } from '@permit0/store'
import { ulid } from 'ulid'
import { createResolutionEffects } from '../server/decision-service.ts'
import { createRememberPolicy, type RememberPolicy } from '../server/remember.ts'

/**
 * `metadata` key carrying the engine configuration fingerprint of the process that parked a call,
 * so whoever decides it can cache the human's verdict for that configuration (the policy cache
 * ignores rows written under another fingerprint).
 */
export const CONFIG_FINGERPRINT_KEY = 'permit0_config'

function fingerprintOf(record: ApprovalRecord): string | undefined {
  const metadata = record.context?.metadata
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined
  const value = metadata[CONFIG_FINGERPRINT_KEY]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The scopes a reviewer may choose for a locally parked call: remembered only when the parking
 * process recorded its configuration fingerprint (as the resolution effects below require).
 */
export function localRememberPolicy(record: ApprovalRecord): RememberPolicy {
  return createRememberPolicy({ enabled: fingerprintOf(record) !== undefined, ttlMs: DEFAULT_CACHE_TTL_MS })
}

export interface LocalQueueOptions {
  readonly clock?: Clock
  /** Recorded on approvals opened through this queue. */
  readonly replicaId: string
  readonly onError?: (err: unknown, context: string) => void
}

/** A queue over `store` (not started: no polling, no listeners); close it before the store. */
export function createLocalQueue(store: Store, options: LocalQueueOptions): ApprovalQueue {
  const clock = options.clock ?? systemClock
  return createApprovalQueue({
    repository: store.approvals,
    clock,
    replicaId: options.replicaId,
    newId: () => ulid(),
    onResolve: async (record) => {
      const fingerprint = fingerprintOf(record)
      await createResolutionEffects({
        audit: store.audit,
        policy: store.policy,
        sessions: store.sessions,
        clock,
        humanCache: { enabled: fingerprint !== undefined, ttlMs: DEFAULT_CACHE_TTL_MS, fingerprint: fingerprint ?? '' },
      })(record)
    },
    ...(options.onError !== undefined && { onError: options.onError }),
  })
}

/** Runs `fn` with a local queue over `store`, closing the queue afterwards. */
export async function withLocalQueue<T>(store: Store, options: LocalQueueOptions, fn: (queue: ApprovalQueue) => Promise<T>): Promise<T> {
  const queue = createLocalQueue(store, options)
  try {
    return await fn(queue)
  } finally {
    await queue.close()
  }
}
