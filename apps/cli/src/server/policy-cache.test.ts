import type { PolicyRepository, StoredPolicyLookup } from '@permit0/store'
import { describe, expect, it } from 'vitest'
import { createCachedPolicyRepository } from './policy-cache.ts'

const MISS: StoredPolicyLookup = { denylisted: false, allowlisted: false }
const ALLOW: StoredPolicyLookup = { denylisted: false, allowlisted: false, cached: { permission: 'allow', source: 'Scorer' }, cachedExpiresAtMs: 10_500 }
const DENYLISTED: StoredPolicyLookup = { denylisted: true, allowlisted: false }

/** A store whose lookups answer when the test says so. */
function fakeStore() {
  let current: StoredPolicyLookup = MISS
  const pending: Array<() => void> = []
  let reads = 0
  let hold = false
  const inner: PolicyRepository = {
    lookup: () => {
      reads++
      const answer = current
      if (!hold) return Promise.resolve(answer)
      return new Promise((resolve) => pending.push(() => resolve(answer)))
    },
    cacheSet: async () => undefined,
    reconcileCache: async () => ({ changed: false, cleared: 0 }),
    listUpsert: async (entry) => {
      current = DENYLISTED
      return entry
    },
    listDelete: async () => true,
    listEntries: async () => [],
  }
  return {
    inner,
    set: (value: StoredPolicyLookup) => (current = value),
    hold: (on: boolean) => (hold = on),
    release: () => pending.splice(0).forEach((f) => f()),
    reads: () => reads,
  }
}

const h = 'a'.repeat(64)

describe('createCachedPolicyRepository', () => {
  it('serves hits and misses from memory until min(row expiry, now + ttl)', async () => {
    const store = fakeStore()
    const cache = createCachedPolicyRepository(store.inner, { ttlMs: 2_000 })
    store.set(ALLOW)
    expect(await cache.lookup(h, 10_000)).toEqual(ALLOW)
    expect(await cache.lookup(h, 10_499)).toEqual(ALLOW)
    expect(store.reads()).toBe(1)
    await cache.lookup(h, 10_500) // the cached row expired: back to the store
    expect(store.reads()).toBe(2)

    const miss = 'b'.repeat(64)
    store.set(MISS)
    await cache.lookup(miss, 20_000)
    await cache.lookup(miss, 21_999)
    expect(store.reads()).toBe(3)
    await cache.lookup(miss, 22_000)
    expect(store.reads()).toBe(4)
    expect(cache.stats()).toMatchObject({ hits: 2 })
  })

  it('a denylist add through this replica takes effect before the add returns', async () => {
    const store = fakeStore()
    const cache = createCachedPolicyRepository(store.inner)
    store.set(ALLOW)
    await cache.lookup(h, 10_000)
    await cache.listUpsert({ list: 'deny', normHash: h, reason: 'r', createdBy: 't', createdAtMs: 1 })
    expect(await cache.lookup(h, 10_001)).toEqual(DENYLISTED)
  })

  it('an eviction during an in-flight read answers that read but never caches it', async () => {
    const store = fakeStore()
    const cache = createCachedPolicyRepository(store.inner)
    store.set(ALLOW)
    store.hold(true)
    const stale = cache.lookup(h, 10_000)
    const joined = cache.lookup(h, 10_000) // coalesced into the same read
    store.set(DENYLISTED)
    cache.evict(h) // another replica's change arrives before the read returns
    store.release()
    expect(await stale).toEqual(ALLOW)
    expect(await joined).toEqual(ALLOW)
    store.hold(false)
    expect(await cache.lookup(h, 10_001)).toEqual(DENYLISTED)
    expect(store.reads()).toBe(2)
  })

  it('bypasses the cache while the change feed is down and bounds its size', async () => {
    const store = fakeStore()
    const cache = createCachedPolicyRepository(store.inner, { maxEntries: 2 })
    cache.suspend()
    await cache.lookup(h, 1)
    await cache.lookup(h, 1)
    expect(store.reads()).toBe(2)
    cache.resume()
    for (const c of ['1', '2', '3']) await cache.lookup(c.repeat(64), 1)
    expect(cache.stats().size).toBe(2)
  })
})

describe('createCachedPolicyRepository: session-scoped lookups', () => {
  it('keeps each session apart, passes the session key to the store, and evicts every session of a hash', async () => {
    const seen: Array<string | undefined> = []
    const answers = new Map<string, StoredPolicyLookup>([['s1', ALLOW]])
    const inner: PolicyRepository = {
      lookup: async (_hash, _now, sessionKey) => {
        seen.push(sessionKey)
        return answers.get(sessionKey ?? '') ?? MISS
      },
      cacheSet: async () => undefined,
      reconcileCache: async () => ({ changed: false, cleared: 0 }),
      listUpsert: async (entry) => entry,
      listDelete: async () => true,
      listEntries: async () => [],
    }
    const cache = createCachedPolicyRepository(inner, { ttlMs: 2_000 })
    expect(await cache.lookup(h, 10_000, 's1')).toEqual(ALLOW)
    expect(await cache.lookup(h, 10_000, 's2')).toEqual(MISS)
    expect(await cache.lookup(h, 10_000)).toEqual(MISS)
    expect(seen).toEqual(['s1', 's2', undefined])
    // all three are served from memory now
    expect(await cache.lookup(h, 10_001, 's1')).toEqual(ALLOW)
    expect(await cache.lookup(h, 10_001, 's2')).toEqual(MISS)
    expect(seen).toHaveLength(3)
    // a session-scoped write of the hash evicts every session's answer
    answers.set('s2', ALLOW)
    await cache.cacheSet({ normHash: h, sessionKey: 's2', permission: 'allow', source: 'HumanReviewer', createdAtMs: 1, expiresAtMs: 20_000, fingerprint: 'f' })
    expect(await cache.lookup(h, 10_002, 's2')).toEqual(ALLOW)
    expect(await cache.lookup(h, 10_002, 's1')).toEqual(ALLOW)
    expect(seen).toEqual(['s1', 's2', undefined, 's2', 's1'])
    expect(cache.stats().size).toBe(2)
  })
})
