/**
 * An in-memory `PolicyStore` for tests, the CLI's one-shot commands and the gateway stream.
 * Same semantics as the persistent store: entries expire at `expiresAtMs` (exclusive) and, when
 * the store has a fingerprint, entries written under another fingerprint are never returned.
 */
import type { PolicyCacheEntry, PolicyLookup, PolicyStore } from './types.ts'

export interface MemoryPolicyStoreOptions {
  /** Only entries with this fingerprint are served (absent: any). */
  readonly fingerprint?: string
}

export interface MemoryPolicyStore extends PolicyStore {
  /** Synchronous lookup (the async `lookup` wraps it). */
  lookupSync(normHash: string, nowMs: number): PolicyLookup
  cacheSetSync(entry: PolicyCacheEntry): void
  addDeny(normHash: string): void
  addAllow(normHash: string): void
  removeDeny(normHash: string): void
  removeAllow(normHash: string): void
  /** All cache entries (including expired ones), in insertion order. */
  entries(): readonly PolicyCacheEntry[]
  clearCache(): void
}

const EMPTY: PolicyLookup = Object.freeze({ denylisted: false, allowlisted: false })

export function createMemoryPolicyStore(options: MemoryPolicyStoreOptions = {}): MemoryPolicyStore {
  const cache = new Map<string, PolicyCacheEntry>()
  const deny = new Set<string>()
  const allow = new Set<string>()
  const { fingerprint } = options

  function lookupSync(normHash: string, nowMs: number): PolicyLookup {
    const entry = cache.get(normHash)
    const fresh =
      entry !== undefined &&
      entry.expiresAtMs > nowMs &&
      (fingerprint === undefined || entry.fingerprint === fingerprint)
    const denylisted = deny.has(normHash)
    const allowlisted = allow.has(normHash)
    if (!fresh && !denylisted && !allowlisted) return EMPTY
    if (!fresh) return { denylisted, allowlisted }
    const { normHash: _hash, createdAtMs: _created, expiresAtMs: _expires, fingerprint: _fp, ...cached } = entry
    return { denylisted, allowlisted, cached }
  }

  function cacheSetSync(entry: PolicyCacheEntry): void {
    cache.set(entry.normHash, entry)
  }

  return {
    lookupSync,
    cacheSetSync,
    lookup: (normHash, nowMs) => Promise.resolve(lookupSync(normHash, nowMs)),
    cacheSet: (entry) => {
      cacheSetSync(entry)
      return Promise.resolve()
    },
    addDeny: (h) => void deny.add(h),
    addAllow: (h) => void allow.add(h),
    removeDeny: (h) => void deny.delete(h),
    removeAllow: (h) => void allow.delete(h),
    entries: () => [...cache.values()],
    clearCache: () => cache.clear(),
  }
}
