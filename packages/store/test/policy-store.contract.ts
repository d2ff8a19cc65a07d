import { DecisionSource, type PolicyCacheEntry, type PolicyStore } from '@permit0/engine'
import { describe, expect, it } from 'vitest'
import { RISK, uniqueHash } from './fixtures.ts'

/**
 * One implementation of the engine's `PolicyStore` port under test, plus the two things the port
 * leaves to each implementation: putting a hash on a list, and the fingerprint it serves.
 */
export interface PolicyStoreHarness {
  readonly store: PolicyStore
  /** The scoring fingerprint the store serves (entries under another one are never returned). */
  readonly fingerprint: string
  deny(normHash: string): Promise<void>
  allow(normHash: string): Promise<void>
}

/** The port's answer without implementation extras (the Kysely store adds `cachedExpiresAtMs`). */
async function lookup(h: PolicyStoreHarness, normHash: string, nowMs: number) {
  const { denylisted, allowlisted, cached } = await h.store.lookup(normHash, nowMs)
  return cached === undefined ? { denylisted, allowlisted } : { denylisted, allowlisted, cached }
}

/**
 * The `PolicyStore` contract (the engine's port: `lookup` + `cacheSet`), run against every
 * implementation: the engine's memory store, and the Kysely store on PGlite and PostgreSQL.
 * `harness` is called inside each test (after the caller's `beforeAll`), so a suite may share one
 * opened store; every test uses its own hashes and never assumes an empty store.
 */
export function definePolicyStoreContract(name: string, harness: () => PolicyStoreHarness | Promise<PolicyStoreHarness>): void {
  describe(`policy store contract: ${name}`, () => {
    const entry = (h: PolicyStoreHarness, overrides: Partial<PolicyCacheEntry> = {}): PolicyCacheEntry => ({
      normHash: uniqueHash(),
      permission: 'deny',
      source: 'Scorer',
      risk: { ...RISK, blocked: true, blockReason: 'exfil' },
      createdAtMs: 1_000,
      expiresAtMs: 5_000,
      fingerprint: h.fingerprint,
      ...overrides,
    })

    it('misses an unknown hash', async () => {
      const h = await harness()
      expect(await lookup(h, uniqueHash(), 1_000)).toEqual({ denylisted: false, allowlisted: false })
    })

    it('serves a cached verdict with its risk score until expiresAtMs (exclusive)', async () => {
      const h = await harness()
      const e = entry(h)
      await h.store.cacheSet(e)
      expect(await lookup(h, e.normHash, 4_999)).toEqual({
        denylisted: false,
        allowlisted: false,
        cached: { permission: 'deny', source: 'Scorer', risk: { ...RISK, blocked: true, blockReason: 'exfil' } },
      })
      expect(await lookup(h, e.normHash, 5_000)).toEqual({ denylisted: false, allowlisted: false })
    })

    it('replaces the entry of a hash on cacheSet; a verdict without a risk score has none', async () => {
      const h = await harness()
      const e = entry(h)
      await h.store.cacheSet(e)
      const { risk: _risk, ...noRisk } = e
      await h.store.cacheSet({ ...noRisk, permission: 'allow', source: 'HumanReviewer', createdAtMs: 6_000, expiresAtMs: 9_000 })
      expect((await lookup(h, e.normHash, 7_000)).cached).toEqual({ permission: 'allow', source: 'HumanReviewer' })
    })

    it('never serves an entry written under another fingerprint', async () => {
      const h = await harness()
      const e = entry(h, { fingerprint: `${h.fingerprint}-other` })
      await h.store.cacheSet(e)
      expect((await lookup(h, e.normHash, 2_000)).cached).toBeUndefined()
    })

    it('reports both lists and the cached verdict in one lookup', async () => {
      const h = await harness()
      const e = entry(h, { expiresAtMs: 50_000 })
      await h.deny(e.normHash)
      expect(await lookup(h, e.normHash, 0)).toEqual({ denylisted: true, allowlisted: false })
      await h.allow(e.normHash)
      await h.store.cacheSet(e)
      const got = await lookup(h, e.normHash, 2_000)
      expect(got).toMatchObject({ denylisted: true, allowlisted: true, cached: { permission: 'deny' } })
    })

    it.each(Object.values(DecisionSource))('keeps the decision source %s as written', async (source) => {
      const h = await harness()
      const e = entry(h, { source, permission: 'allow' })
      await h.store.cacheSet(e)
      expect((await lookup(h, e.normHash, 2_000)).cached?.source).toBe(source)
    })
  })
}
