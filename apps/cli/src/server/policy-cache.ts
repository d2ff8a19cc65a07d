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
 * norm hash; caches hits and misses until `min(cached row expiry, now + ttl)`).
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

export function createCachedPolicyRepository(
  inner: PolicyRepository,
  options: PolicyCacheOptions = {},
): CachedPolicyRepository {
  const ttlMs = options.ttlMs ?? POLICY_CACHE_TTL_MS
  const maxEntries = Math.max(1, options.maxEntries ?? POLICY_CACHE_MAX_ENTRIES)
  const entries = new Map<string, Entry>()
  /** One store read per hash at a time; its token proves no eviction happened meanwhile. */
  const inflight = new Map<string, { readonly token: object; readonly promise: Promise<StoredPolicyLookup> }>()
  let enabled = true
  let hits = 0
  let misses = 0

  const evict = (normHash: string): void => {
    entries.delete(normHash)
    inflight.delete(normHash)
  }
  const flush = (): void => {
    entries.clear()
    inflight.clear()
  }

  const read = (normHash: string, nowMs: number): Promise<StoredPolicyLookup> => {
    const token = {}
    const promise = inner.lookup(normHash, nowMs).then(
      (value) => {
        if (inflight.get(normHash)?.token !== token) return value
        inflight.delete(normHash)
        if (!enabled) return value
        const expiresAtMs = Math.min(value.cachedExpiresAtMs ?? Number.POSITIVE_INFINITY, nowMs + ttlMs)
        if (expiresAtMs > nowMs) {
          if (entries.size >= maxEntries) {
            const oldest = entries.keys().next().value
            if (oldest !== undefined) entries.delete(oldest)
          }
          entries.set(normHash, { value, expiresAtMs })
        }
        return value
      },
      (err: unknown) => {
        if (inflight.get(normHash)?.token === token) inflight.delete(normHash)
        throw err
      },
    )
    inflight.set(normHash, { token, promise })
    return promise
  }

  return {
    lookup(normHash, nowMs) {
      if (!enabled) {
        misses++
        return inner.lookup(normHash, nowMs)
      }
      const entry = entries.get(normHash)
      if (entry !== undefined) {
        if (entry.expiresAtMs > nowMs) {
          hits++
          return Promise.resolve(entry.value)
        }
        entries.delete(normHash)
      }
      misses++
      return inflight.get(normHash)?.promise ?? read(normHash, nowMs)
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
