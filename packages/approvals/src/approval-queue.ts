import type { Permission, RememberedDecision } from '@permit0/engine'
import type { Clock } from './clock.ts'
import { ApprovalError, ApprovalErrorCode } from './errors.ts'
import type {
  ApprovalRecord,
  ApprovalRepository,
  ApprovalResolution,
  NewApproval,
} from './repository.ts'

/** What the caller supplies when a request parks; the queue adds id, times and replica. */
export type OpenApproval = Omit<NewApproval, 'id' | 'createdAtMs' | 'expiresAtMs' | 'replicaId'> & {
  /** How long the approval stays decidable. */
  readonly timeoutMs: number
}

export interface HumanDecision {
  readonly permission: Permission
  readonly reviewer?: string
  readonly reason?: string
  /** How long the decision is remembered (recorded on the resolution; the caller's policy). */
  readonly remember?: RememberedDecision
}

export type ApprovalQueueEvent =
  | { readonly type: 'created'; readonly record: ApprovalRecord }
  | { readonly type: 'resolved'; readonly record: ApprovalRecord }

export interface WaitOptions {
  /** Stop waiting after this long and report the approval still pending. Default: until it expires. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** When `signal` aborts while pending, resolve the approval as abandoned (blocking `/check`). */
  readonly abandonOnAbort?: boolean
}

export type WaitResult =
  | { readonly status: 'resolved'; readonly record: ApprovalRecord }
  /** The wait budget ran out (or the signal aborted) while the approval is still pending. */
  | { readonly status: 'pending'; readonly record: ApprovalRecord }

export interface ApprovalQueueOptions {
  readonly repository: ApprovalRepository
  readonly clock: Clock
  /** This server process; recorded on approvals it opens. */
  readonly replicaId: string
  /** Id generator (ULID). */
  readonly newId: () => string
  /** Expiry sweep interval. Default 1 000 ms. */
  readonly pollIntervalMs?: number
  /**
   * Every how many polls to scan all pending rows (fallback wake-ups when a notification was
   * lost; `created` events for approvals opened by other replicas). Default 4.
   */
  readonly scanEvery?: number
  /**
   * Called once per resolution, on the replica that performed it, before local waiters wake
   * (audit, human-verdict caching). Failures go to `onError`; the resolution stands.
   */
  readonly onResolve?: (record: ApprovalRecord) => Promise<void>
  readonly onError?: (err: unknown, context: string) => void
}

export interface ApprovalQueue {
  /** Starts listening for resolutions by other replicas and the polling sweep; expires stale rows. */
  start(): Promise<void>
  /** Persists a new pending approval and arms its expiry. */
  open(input: OpenApproval): Promise<ApprovalRecord>
  /**
   * Opens an approval and waits until it is decided, expires, or (when `signal` aborts) is
   * abandoned. Resolves with the final record.
   */
  park(input: OpenApproval, options?: { signal?: AbortSignal }): Promise<ApprovalRecord>
  /** Waits for an existing approval (any replica's). Throws `APPROVAL_NOT_FOUND`. */
  wait(id: string, options?: WaitOptions): Promise<WaitResult>
  /** Exactly one decision wins: throws `APPROVAL_NOT_FOUND` or `APPROVAL_CONFLICT` (with `details.record`). */
  decide(id: string, decision: HumanDecision): Promise<ApprovalRecord>
  get(id: string): Promise<ApprovalRecord | undefined>
  /** Pending approvals that have not yet expired, oldest first. */
  listPending(): Promise<ApprovalRecord[]>
  /** Number of requests parked (blocking) on this replica. */
  parkedCount(): number
  subscribe(listener: (event: ApprovalQueueEvent) => void): () => void
  /** Stops timers and listeners; parked blocking requests are resolved as abandoned (shutdown). */
  close(): Promise<void>
}

interface Waiter {
  readonly settle: (record: ApprovalRecord) => void
}

const DEFAULT_POLL_MS = 1_000
const DEFAULT_SCAN_EVERY = 4
export const SHUTDOWN_REASON = 'server shutting down'
/** Why a blocking request's approval is abandoned when its caller goes away. */
export const CLIENT_GONE_REASON = 'client disconnected'

/**
 * How an abandoned approval is audited — the one definition. Nobody decided and the caller stopped
 * waiting (disconnected, its deadline passed, or the server stopped), so its host may have run the
 * call: never recorded as a plain deny.
 */
export const ABANDONED_AUDIT = {
  decision: 'human',
  reason: 'abandoned — the host may have run the call',
} as const

/** The audit reason of an abandoned approval, with the queue's cause (`client disconnected`, …). */
export const abandonedAuditReason = (cause: string | undefined): string =>
  `${ABANDONED_AUDIT.reason} (${cause ?? CLIENT_GONE_REASON})`

export function createApprovalQueue(options: ApprovalQueueOptions): ApprovalQueue {
  const { repository, clock, replicaId, newId } = options
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS
  const scanEvery = Math.max(1, options.scanEvery ?? DEFAULT_SCAN_EVERY)
  const onError = options.onError ?? (() => undefined)
  const waiters = new Map<string, Set<Waiter>>()
  /** Expiry timers of approvals opened here. */
  const expiryTimers = new Map<string, () => void>()
  /** Blocking parks on this replica: id → abort of the park (used on shutdown). */
  const parked = new Set<string>()
  const listeners = new Set<(event: ApprovalQueueEvent) => void>()
  /** Pending ids seen by the last poll (to announce approvals created on other replicas). */
  let knownPending = new Set<string>()
  /** Ids this replica is resolving right now; notifications about them are its own echo. */
  const resolvingHere = new Set<string>()
  /** Ids being opened here (their creation notification is our own echo). */
  const openingHere = new Set<string>()
  let unsubscribe: (() => Promise<void>) | undefined
  let unsubscribeCreated: (() => Promise<void>) | undefined
  let cancelPoll: (() => void) | undefined
  let closed = false

  const emit = (event: ApprovalQueueEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event)
      } catch (err) {
        onError(err, 'approval event listener')
      }
    }
  }

  const wake = (record: ApprovalRecord): void => {
    const set = waiters.get(record.id)
    if (set === undefined) return
    waiters.delete(record.id)
    for (const waiter of set) waiter.settle(record)
  }

  const forget = (id: string): void => {
    expiryTimers.get(id)?.()
    expiryTimers.delete(id)
    knownPending.delete(id)
  }

  /** A resolution this replica performed: side effects once, then wake and announce. */
  const afterLocalResolve = async (record: ApprovalRecord): Promise<void> => {
    forget(record.id)
    if (options.onResolve !== undefined) {
      try {
        await options.onResolve(record)
      } catch (err) {
        onError(err, 'approval onResolve')
      }
    }
    wake(record)
    emit({ type: 'resolved', record })
  }

  /** A resolution seen from outside (another replica, or a lost race). */
  const afterRemoteResolve = (record: ApprovalRecord): void => {
    if (resolvingHere.has(record.id)) return
    const hadLocalState = waiters.has(record.id) || expiryTimers.has(record.id) || knownPending.has(record.id)
    forget(record.id)
    wake(record)
    if (hadLocalState) emit({ type: 'resolved', record })
  }

  /** Resolves unless someone else did first; returns the final record either way. */
  const tryResolve = async (
    id: string,
    resolution: ApprovalResolution,
  ): Promise<{ record: ApprovalRecord; won: boolean } | undefined> => {
    resolvingHere.add(id)
    try {
      const result = await repository.resolve(id, resolution)
      if (result.outcome === 'not_found') return undefined
      if (result.outcome === 'resolved') {
        await afterLocalResolve(result.record)
        return { record: result.record, won: true }
      }
      resolvingHere.delete(id)
      afterRemoteResolve(result.record)
      return { record: result.record, won: false }
    } finally {
      resolvingHere.delete(id)
    }
  }

  const expire = async (id: string): Promise<void> => {
    try {
      await tryResolve(id, { status: 'expired', resolvedAtMs: clock.now() })
    } catch (err) {
      onError(err, `expire approval ${id}`)
    }
  }

  const armExpiry = (record: ApprovalRecord): void => {
    // The timer keeps only the id alive, never the record (parked requests hold thousands).
    const { id, expiresAtMs } = record
    if (expiryTimers.has(id)) return
    const cancel = clock.setTimeout(() => {
      expiryTimers.delete(id)
      void expire(id)
    }, expiresAtMs - clock.now())
    expiryTimers.set(id, cancel)
  }

  /** An approval another replica opened: announce it and arm its expiry (once). */
  const checkCreated = async (id: string): Promise<void> => {
    const known = (): boolean => openingHere.has(id) || knownPending.has(id) || expiryTimers.has(id)
    if (known() || listeners.size === 0) return
    const record = await repository.get(id)
    if (record === undefined || record.status !== 'pending' || known() || closed) return
    knownPending.add(id)
    armExpiry(record)
    emit({ type: 'created', record })
  }

  const checkResolved = async (id: string): Promise<void> => {
    const record = await repository.get(id)
    if (record !== undefined && record.status !== 'pending') afterRemoteResolve(record)
  }

  let polls = 0
  const sweep = async (forceScan = false): Promise<void> => {
    const expired = await repository.expirePending({ nowMs: clock.now() })
    for (const record of expired) {
      resolvingHere.add(record.id)
      try {
        await afterLocalResolve(record)
      } finally {
        resolvingHere.delete(record.id)
      }
    }
    // The full scan (queue diff for other replicas' approvals, fallback wake-ups) reads every
    // pending row, so it runs every `scanEvery` polls and only when someone here cares.
    if (!forceScan) {
      polls++
      const wanted = listeners.size > 0 || waiters.size > 0
      if (!wanted || polls % scanEvery !== 0) return
    }
    const pending = await repository.listPending()
    const nowPending = new Set(pending.map((r) => r.id))
    for (const record of pending) {
      if (!knownPending.has(record.id) && !expiryTimers.has(record.id)) emit({ type: 'created', record })
      // Every replica arms the expiry of every pending approval, so one whose replica died
      // still leaves the queue on time; the repository lets exactly one resolution win.
      armExpiry(record)
    }
    const vanished = [...knownPending, ...waiters.keys()].filter((id) => !nowPending.has(id))
    knownPending = nowPending
    for (const id of new Set(vanished)) await checkResolved(id)
  }

  const schedulePoll = (): void => {
    if (closed) return
    cancelPoll = clock.setTimeout(() => {
      sweep()
        .catch((err: unknown) => onError(err, 'approval poll'))
        .finally(schedulePoll)
    }, pollIntervalMs)
  }

  const assertOpen = (): void => {
    if (closed) throw new ApprovalError(ApprovalErrorCode.Closed, 'the approvals queue is shut down')
  }

  const open = async (input: OpenApproval): Promise<ApprovalRecord> => {
    assertOpen()
    const { timeoutMs, ...rest } = input
    const createdAtMs = clock.now()
    const approval: NewApproval = {
      ...rest,
      id: newId(),
      createdAtMs,
      expiresAtMs: createdAtMs + Math.max(0, timeoutMs),
      replicaId,
    }
    openingHere.add(approval.id)
    try {
      await repository.create(approval)
    } finally {
      openingHere.delete(approval.id)
    }
    const record: ApprovalRecord = { ...approval, status: 'pending' }
    knownPending.add(record.id)
    armExpiry(record)
    emit({ type: 'created', record })
    return record
  }

  const wait = async (id: string, waitOptions: WaitOptions = {}): Promise<WaitResult> => {
    const current = await repository.get(id)
    if (current === undefined) {
      throw new ApprovalError(ApprovalErrorCode.NotFound, `approval ${id} not found`, { id })
    }
    if (current.status !== 'pending') return { status: 'resolved', record: current }
    if (current.expiresAtMs <= clock.now()) {
      await expire(id)
      const after = await repository.get(id)
      return { status: 'resolved', record: after ?? current }
    }
    return waitPending(current, waitOptions)
  }

  /**
   * Waits for a pending approval already in hand (no store read). Callers must call it in the same
   * tick as they learnt the record is pending (a resolution only arrives from IO, never between).
   */
  const waitPending = (current: ApprovalRecord, waitOptions: WaitOptions): Promise<WaitResult> => {
    const id = current.id
    return new Promise<WaitResult>((resolve) => {
      let done = false
      const cleanups: Array<() => void> = []
      const finish = (result: WaitResult): void => {
        if (done) return
        done = true
        for (const cleanup of cleanups) cleanup()
        resolve(result)
      }
      const waiter: Waiter = { settle: (record) => finish({ status: 'resolved', record }) }
      const set = waiters.get(id) ?? new Set<Waiter>()
      set.add(waiter)
      waiters.set(id, set)
      cleanups.push(() => {
        const s = waiters.get(id)
        s?.delete(waiter)
        if (s?.size === 0) waiters.delete(id)
      })
      // Expiry even if the approval was opened by another (possibly dead) replica.
      armExpiry(current)
      if (waitOptions.timeoutMs !== undefined && current.expiresAtMs - clock.now() > waitOptions.timeoutMs) {
        cleanups.push(clock.setTimeout(() => finish({ status: 'pending', record: current }), waitOptions.timeoutMs))
      }
      const signal = waitOptions.signal
      if (signal !== undefined) {
        const onAbort = (): void => {
          if (waitOptions.abandonOnAbort !== true) {
            finish({ status: 'pending', record: current })
            return
          }
          tryResolve(id, { status: 'abandoned', reason: CLIENT_GONE_REASON, resolvedAtMs: clock.now() })
            .then((outcome) => {
              if (outcome !== undefined) finish({ status: 'resolved', record: outcome.record })
            })
            .catch((err: unknown) => {
              onError(err, `abandon approval ${id}`)
              finish({ status: 'pending', record: current })
            })
        }
        if (signal.aborted) onAbort()
        else {
          signal.addEventListener('abort', onAbort, { once: true })
          cleanups.push(() => signal.removeEventListener('abort', onAbort))
        }
      }
    })
  }

  return {
    async start() {
      assertOpen()
      unsubscribe = await repository.onResolved((id) => {
        if (resolvingHere.has(id)) return
        if (!waiters.has(id) && !expiryTimers.has(id) && !knownPending.has(id)) return
        checkResolved(id).catch((err: unknown) => onError(err, `wake approval ${id}`))
      })
      unsubscribeCreated = await repository.onCreated?.((id) => {
        checkCreated(id).catch((err: unknown) => onError(err, `announce approval ${id}`))
      })
      await sweep(true)
      schedulePoll()
    },

    open,

    async park(input, parkOptions = {}) {
      const record = await open(input)
      const id = record.id
      parked.add(id)
      try {
        // The record just opened is pending: wait on it without reading it back from the store.
        const result = await waitPending(record, { signal: parkOptions.signal, abandonOnAbort: true })
        return result.record
      } finally {
        parked.delete(id)
      }
    },

    wait,

    async decide(id, decision) {
      assertOpen()
      const current = await repository.get(id)
      if (current === undefined) {
        throw new ApprovalError(ApprovalErrorCode.NotFound, `approval ${id} not found`, { id })
      }
      if (current.status === 'pending' && current.expiresAtMs <= clock.now()) await expire(id)
      const outcome = await tryResolve(id, {
        status: 'decided',
        permission: decision.permission,
        ...(decision.reviewer !== undefined && { reviewer: decision.reviewer }),
        ...(decision.reason !== undefined && { reason: decision.reason }),
        ...(decision.remember !== undefined && { remember: decision.remember }),
        resolvedAtMs: clock.now(),
      })
      if (outcome === undefined) {
        throw new ApprovalError(ApprovalErrorCode.NotFound, `approval ${id} not found`, { id })
      }
      if (!outcome.won) {
        throw new ApprovalError(
          ApprovalErrorCode.Conflict,
          `approval ${id} is already ${outcome.record.status}`,
          { id, record: outcome.record },
        )
      }
      return outcome.record
    },

    get: (id) => repository.get(id),

    async listPending() {
      const now = clock.now()
      const pending = await repository.listPending()
      return pending.filter((record) => record.expiresAtMs > now)
    },

    parkedCount: () => parked.size,

    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },

    async close() {
      if (closed) return
      // Answer parked requests first (their approvals leave the queue as abandoned).
      for (const id of [...parked]) {
        try {
          await tryResolve(id, { status: 'abandoned', reason: SHUTDOWN_REASON, resolvedAtMs: clock.now() })
        } catch (err) {
          onError(err, `abandon approval ${id} on shutdown`)
        }
      }
      closed = true
      cancelPoll?.()
      for (const cancel of expiryTimers.values()) cancel()
      expiryTimers.clear()
      for (const stop of [unsubscribe, unsubscribeCreated]) {
        if (stop === undefined) continue
        try {
          await stop()
        } catch (err) {
          onError(err, 'approval unsubscribe')
        }
      }
      listeners.clear()
    },
  }
}
