import type { PolicyRepository, StoredPolicyLookup } from '@permit0/store'

/** How long a lookup (hit or miss) is served from memory at most. */
export const POLICY_CACHE_TTL_MS = 2_000
export const POLICY_CACHE_MAX_ENTRIES = 10_000

export interface PolicyCacheOptions {
  readonly ttlMs?: number
  readonly maxEntries?: number
}

export interface PolicyCacheStats {
  readonly hits: number
  readonly misses: number
  readonly size: number
}

/**
 * The store's policy repository with an in-process read cache in front of `lookup` (keyed by
 * norm hash, then session key; caches hits and misses until `min(cached row expiry, now + ttl)`).
 * Evicting a norm hash drops its answers for every session.
 *
 * Freshness: this replica's own writes (`cacheSet`, list upsert/delete) evict before they return;
 * other replicas' writes evict through the store's change feed (`evict`). A lookup that was in
 * flight when its hash was evicted is answered but not cached, so a stale pre-change read never
 * outlives the eviction. While the change feed is down (`suspend`) every lookup goes to the store.
 */
export interface CachedPolicyRepository extends PolicyRepository {
  evict(normHash: string): void
  /** Drops everything (feed restored). */
  flush(): void
  /** Feed lost: flush and bypass the cache until `resume`. */
  suspend(): void
  resume(): void
  stats(): PolicyCacheStats
}

interface Entry {
  readonly value: StoredPolicyLookup
  readonly expiresAtMs: number
}

/** The in-memory key of one lookup: norm hash, then the session key ('' without one). */
const slot = (normHash: string, sessionKey: string | undefined): string => `${normHash} ${sessionKey ?? ''}`

export function createCachedPolicyRepository(
  inner: PolicyRepository,
  options: PolicyCacheOptions = {},
): CachedPolicyRepository {
  const ttlMs = options.ttlMs ?? POLICY_CACHE_TTL_MS
  const maxEntries = Math.max(1, options.maxEntries ?? POLICY_CACHE_MAX_ENTRIES)
  /** Insertion-ordered lookups by `slot`, and the slots of each norm hash (for eviction). */
  const entries = new Map<string, Entry>()
  const slotsOf = new Map<string, Set<string>>()
  /** One store read per slot at a time; its token proves no eviction happened meanwhile. */
  const inflight = new Map<string, { readonly token: object; readonly promise: Promise<StoredPolicyLookup> }>()
  let enabled = true
  let hits = 0
  let misses = 0

  const track = (normHash: string, key: string): void => {
    const slots = slotsOf.get(normHash)
    if (slots === undefined) slotsOf.set(normHash, new Set([key]))
    else slots.add(key)
  }
  /** Forgets one slot (neither cached nor being read any more). */
  const drop = (key: string): void => {
    entries.delete(key)
    if (inflight.has(key)) return
    const normHash = key.slice(0, key.indexOf(' '))
    const slots = slotsOf.get(normHash)
    slots?.delete(key)
    if (slots?.size === 0) slotsOf.delete(normHash)
  }
  const evict = (normHash: string): void => {
    for (const key of slotsOf.get(normHash) ?? []) {
      entries.delete(key)
      inflight.delete(key)
    }
    slotsOf.delete(normHash)
  }
  const flush = (): void => {
    entries.clear()
    inflight.clear()
    slotsOf.clear()
  }

  const read = (normHash: string, sessionKey: string | undefined, nowMs: number): Promise<StoredPolicyLookup> => {
    const key = slot(normHash, sessionKey)
    const token = {}
    const promise = inner.lookup(normHash, nowMs, ...(sessionKey === undefined ? [] : [sessionKey])).then(
      (value) => {
        if (inflight.get(key)?.token !== token) return value
        inflight.delete(key)
        if (!enabled) return value
        const expiresAtMs = Math.min(value.cachedExpiresAtMs ?? Number.POSITIVE_INFINITY, nowMs + ttlMs)
        if (expiresAtMs > nowMs) {
          if (entries.size >= maxEntries) {
            const oldest = entries.keys().next().value
            if (oldest !== undefined) drop(oldest)
          }
          entries.set(key, { value, expiresAtMs })
          track(normHash, key)
        } else {
          drop(key)
        }
        return value
      },
      (err: unknown) => {
        if (inflight.get(key)?.token === token) {
          inflight.delete(key)
          drop(key)
        }
        throw err
      },
    )
    inflight.set(key, { token, promise })
    track(normHash, key)
    return promise
  }

  return {
    lookup(normHash, nowMs, sessionKey) {
      if (!enabled) {
        misses++
        return sessionKey === undefined ? inner.lookup(normHash, nowMs) : inner.lookup(normHash, nowMs, sessionKey)
      }
      const key = slot(normHash, sessionKey)
      const entry = entries.get(key)
      if (entry !== undefined) {
        if (entry.expiresAtMs > nowMs) {
          hits++
          return Promise.resolve(entry.value)
        }
        drop(key)
      }
      misses++
      return inflight.get(key)?.promise ?? read(normHash, sessionKey, nowMs)
    },
    async cacheSet(entry) {
      try {
        await inner.cacheSet(entry)
      } finally {
        evict(entry.normHash)
      }
    },
    async reconcileCache(fingerprint) {
      try {
        return await inner.reconcileCache(fingerprint)
      } finally {
        flush()
      }
    },
    async listUpsert(entry) {
      try {
        return await inner.listUpsert(entry)
      } finally {
        evict(entry.normHash)
      }
    },
    async listDelete(list, normHash) {
      try {
        return await inner.listDelete(list, normHash)
      } finally {
        evict(normHash)
      }
    },
    listEntries: (list) => inner.listEntries(list),
    evict,
    flush,
    suspend() {
      enabled = false
      flush()
    },
    resume() {
      flush()
      enabled = true
    },
    stats: () => ({ hits, misses, size: entries.size }),
  }
}
