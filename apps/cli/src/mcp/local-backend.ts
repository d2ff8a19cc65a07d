/**
 * In-process backend of `permit0 mcp`: the engine built from the packs as `check`, `gateway` and
 * the local hook build it (`buildEngine`), with an in-memory policy store like theirs, decided by
 * the daemon's decision service (verdict, audit entry, parking). The local store is only leased
 * when needed (see store-lease.ts), because opening it costs far more than a decision:
 *
 * - audit entries are queued and written in the background, in batches (flushed at exit too);
 * - parked calls are opened in the store's approvals queue, where `permit0 approvals list|decide`
 *   sees them, and polled there until decided or out of budget;
 * - the policy lists are read from the store at start and on every later lease;
 * - a human's verdict seen here is cached by norm_hash in the in-memory policy store, so the
 *   same action gets it again without a second approval (`approvals decide` also caches it in
 *   the store for a daemon on the same store).
 */
import { createApprovalQueue, systemClock, type ApprovalRepository, type Clock } from '@permit0/approvals'
import type { CheckResponse } from '@permit0/contracts'
import { createMemoryPolicyStore, DEFAULT_CACHE_TTL_MS, type MemoryPolicyStore } from '@permit0/engine'
import type { NewAuditEntry, Store, StoredPolicyCacheEntry } from '@permit0/store'
import { ulid } from 'ulid'
import { createDecisionService, createResolutionEffects, type AuditSink } from '../server/decision-service.ts'
import { createMemorySessionStore } from '../decision/memory-sessions.ts'
import { toHumanCheckResponse } from '../server/mappers.ts'
import type { BuiltEngine } from '../engine-factory.ts'
import type { BackendCheck, BackendWait, GateBackend } from './gate.ts'
import { CONFIG_FINGERPRINT_KEY } from './local-approvals.ts'
import type { StoreLease } from './store-lease.ts'

export interface LocalBackendOptions {
  readonly built: Pick<BuiltEngine, 'engine' | 'fingerprint'>
  readonly lease: StoreLease
  /** How long a parked approval stays decidable (longer than the wait budget: a retry can get it). */
  readonly approvalTtlMs: number
  /**
   * How long a call waits for the store's first opening (a new data dir takes seconds to create)
   * before it is refused, fail-closed, with a "retry" reason. Default 50 000 ms.
   */
  readonly startWaitMs?: number
  /** How often a parked call re-reads its approval. Default 1 000 ms. */
  readonly pollMs?: number
  readonly orgDomain?: string
  /** `permit0 approvals decide <id> allow|deny` plus the flags that select this store. */
  readonly decideCommand: (approvalId: string) => string
  readonly replicaId: string
  readonly clock?: Clock
  readonly onError?: (err: unknown, context: string) => void
}

export interface LocalBackend extends GateBackend {
  /**
   * Opens (and migrates) the store once and reads its policy lists. Calls wait for it; when it
   * fails every call is refused with its error (fail closed).
   */
  start(): Promise<void>
  /** Writes queued audit entries now (tests, shutdown). */
  flushAudit(): Promise<void>
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((done) => {
    const timer = setTimeout(finish, ms)
    function finish(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', finish)
      done()
    }
    signal.addEventListener('abort', finish, { once: true })
  })

/** The store's approvals, each call on its own lease (no cross-process feed: callers poll). */
function leasedApprovals(lease: StoreLease): ApprovalRepository {
  return {
    create: (approval) => lease.use((s) => s.approvals.create(approval)),
    get: (id) => lease.use((s) => s.approvals.get(id), { linger: false }),
    listPending: () => lease.use((s) => s.approvals.listPending()),
    resolve: (id, resolution) => lease.use((s) => s.approvals.resolve(id, resolution)),
    onResolved: async () => async () => undefined,
    expirePending: (options) => lease.use((s) => s.approvals.expirePending(options)),
  }
}

/** Audit entries queued in memory and appended to the store in the background, in order. */
function createQueuedAudit(
  lease: StoreLease,
  onStore: (store: Store) => Promise<void>,
  onError: (err: unknown, context: string) => void,
): AuditSink & { flush(): Promise<void> } {
  let queued: NewAuditEntry[] = []
  let running: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined
  const drain = async (): Promise<void> => {
    while (queued.length > 0) {
      const batch = queued
      queued = []
      try {
        await lease.use(async (store) => {
          for (const entry of batch) await store.audit.append(entry)
          await onStore(store)
        })
      } catch (err) {
        queued = [...batch, ...queued] // kept for the next flush; never dropped silently
        onError(err, 'audit write (will retry)')
        throw err
      }
    }
  }
  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    running ??= drain().finally(() => {
      running = undefined
    })
    return running
  }
  return {
    append(entry) {
      queued.push(entry)
      // Retries after a failure wait a little longer than the next burst would.
      timer ??= setTimeout(() => void flush().catch(() => undefined), 50)
      return Promise.resolve()
    },
    flush: async () => {
      while (running !== undefined) await running.catch(() => undefined)
      await flush()
    },
  }
}

export function createLocalBackend(options: LocalBackendOptions): LocalBackend {
  const clock = options.clock ?? systemClock
  const onError = options.onError ?? (() => undefined)
  const pollMs = options.pollMs ?? 1_000
  const { fingerprint } = options.built
  const policy: MemoryPolicyStore = createMemoryPolicyStore({ fingerprint })
  const humanCache = { enabled: true, ttlMs: DEFAULT_CACHE_TTL_MS, fingerprint }

  /** Mirrors the store's allow/deny lists into the in-memory policy store. */
  let listed = { deny: new Set<string>(), allow: new Set<string>() }
  const refreshLists = async (store: Store): Promise<void> => {
    const entries = await store.policy.listEntries()
    const next = { deny: new Set<string>(), allow: new Set<string>() }
    for (const e of entries) next[e.list].add(e.normHash)
    for (const h of listed.deny) if (!next.deny.has(h)) policy.removeDeny(h)
    for (const h of listed.allow) if (!next.allow.has(h)) policy.removeAllow(h)
    for (const h of next.deny) policy.addDeny(h)
    for (const h of next.allow) policy.addAllow(h)
    listed = next
  }

  const audit = createQueuedAudit(options.lease, refreshLists, onError)
  const repository = leasedApprovals(options.lease)
  // The in-memory store has no sessions: a "this session only" decision is not remembered here
  // (never widened to every session); the store's own row (written by whoever decided) holds it.
  const sessionless = { cacheSet: (entry: StoredPolicyCacheEntry) => (entry.sessionKey === undefined ? policy.cacheSet(entry) : Promise.resolve()) }
  // One proxy process is one session (`mcp-<server>-<ulid>`): its history lives in memory.
  const sessions = createMemorySessionStore()
  const effects = createResolutionEffects({ audit, policy: sessionless, sessions, clock, humanCache })
  const queue = createApprovalQueue({ repository, clock, replicaId: options.replicaId, newId: () => ulid(), onResolve: effects, onError })
  const decisions = createDecisionService({
    engine: options.built.engine,
    policy,
    sessions,
    audit,
    queue,
    clock,
    mode: { ui: true, calibrate: false },
    approvalTimeoutMs: options.approvalTtlMs,
    humanCache,
    ...(options.orgDomain !== undefined && { orgDomain: options.orgDomain }),
  })

  /**
   * A human's verdict decided elsewhere: remembered by norm_hash for this configuration when the
   * reviewer chose `call` (until its expiry); `once` and `session` answer through the store only.
   */
  const remember = (response: CheckResponse, risk: Parameters<MemoryPolicyStore['cacheSetSync']>[0]['risk']): void => {
    if (response.permission === 'human') return
    if (response.remember !== undefined && response.remember.scope !== 'call') return
    const now = clock.now()
    const until = response.remember?.expires_at
    const expiresAtMs = until !== undefined && until !== null ? Date.parse(until) : now + humanCache.ttlMs
    policy.cacheSetSync({
      normHash: response.norm_hash,
      permission: response.permission,
      source: 'HumanReviewer',
      ...(risk !== undefined && { risk }),
      createdAtMs: now,
      expiresAtMs,
      fingerprint,
    })
  }

  let ready: Promise<void> | undefined
  const start = (): Promise<void> => (ready ??= options.lease.use(refreshLists))
  /** The policy lists must be known before deciding: wait for them, within limits. */
  const started = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('permit0 is still opening its local store (the first start creates it); retry the call in a few seconds')),
        options.startWaitMs ?? 50_000,
      )
    })
    try {
      await Promise.race([start(), limit])
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    async check(request) {
      await started()
      const tagged = { ...request, metadata: { ...request.metadata, [CONFIG_FINGERPRINT_KEY]: fingerprint } }
      const outcome = await decisions.check(tagged, { respondAsync: true })
      return outcome.status === 200
        ? ({ kind: 'verdict', response: outcome.body } satisfies BackendCheck)
        : ({ kind: 'parked', approvalId: outcome.body.approval_id, engine: outcome.body.engine } satisfies BackendCheck)
    },

    async wait(approvalId, timeoutMs, signal): Promise<BackendWait> {
      const deadline = clock.now() + timeoutMs
      for (;;) {
        // Each read is its own short lease: `permit0 approvals decide` needs the store in between.
        const result = await queue.wait(approvalId, { timeoutMs: 0 }).catch((err: unknown) => {
          if ((err as { code?: unknown }).code === 'APPROVAL_NOT_FOUND') return undefined
          throw err
        })
        if (result === undefined) return { kind: 'gone', why: `approval ${approvalId} not found` }
        if (result.status === 'resolved') {
          const record = result.record
          if (record.status !== 'decided') return { kind: 'gone', why: `approval ${approvalId} is ${record.status}` }
          const response = toHumanCheckResponse(record)
          remember(response, record.risk)
          return { kind: 'verdict', response }
        }
        const left = deadline - clock.now()
        if (left <= 0 || signal.aborted) return { kind: 'pending' }
        await sleep(Math.min(pollMs, left), signal)
      }
    },

    async abandon(approvalId, reason) {
      const result = await repository.resolve(approvalId, { status: 'abandoned', reason, resolvedAtMs: clock.now() })
      if (result.outcome === 'resolved') await effects(result.record) // its audit entry
    },

    decideHint: options.decideCommand,

    start,

    flushAudit: () => audit.flush(),

    async close() {
      await queue.close()
      await audit.flush().catch((err: unknown) => onError(err, 'final audit write'))
      await options.lease.close()
    },
  }
}
