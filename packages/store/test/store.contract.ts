import { AuditSource } from '@permit0/domain'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AuditEntry,
  type AuditOptions,
  GENESIS_HASH,
  type Store,
  StoreError,
  StoreErrorCode,
  verifyAuditChain,
} from '../src/index.ts'
import { action, auditInput, newApproval, uniqueHash } from './fixtures.ts'
import { defineApprovalRepositoryContract } from './approval-repository.contract.ts'
import { definePolicyStoreContract } from './policy-store.contract.ts'

/** Options every contract store is created with (redaction is part of the contract). */
export const CONTRACT_AUDIT_OPTIONS: AuditOptions = { redactKeys: ['password', 'API_KEY'] }

export type MakeStore = (audit: AuditOptions) => Promise<{ store: Store; cleanup?: () => Promise<void> }>

/** Reads every export line and parses it (oldest first). */
async function exportJson(store: Store): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  for await (const line of store.audit.exportLines()) out.push(JSON.parse(line) as Record<string, unknown>)
  return out
}

/**
 * The behaviour every backend must show. One store per suite (PGlite start-up is expensive), so
 * every test uses its own ids/hashes/time windows and never assumes an empty database.
 */
export function defineStoreContract(name: string, makeStore: MakeStore): void {
  describe(`store contract: ${name}`, () => {
    let store: Store
    let cleanup: (() => Promise<void>) | undefined

    beforeAll(async () => {
      const made = await makeStore(CONTRACT_AUDIT_OPTIONS)
      store = made.store
      cleanup = made.cleanup
      await store.migrate()
    }, 120_000)

    afterAll(async () => {
      await store?.close()
      await cleanup?.()
    }, 60_000)

    describe('migrations and health', () => {
      it('is fully migrated, idempotently', async () => {
        const again = await store.migrate()
        expect(again.pending).toEqual([])
        expect(again.applied).toContain('2025-01-15-001-init')
        expect(again.applied).toContain('2026-12-02-notify-link-nonces')
        expect(again.applied).toContain('2026-12-10-remember-scope')
        expect(await store.migrationStatus()).toEqual(again)
      })

      it('reports health', async () => {
        expect(await store.health()).toEqual({ ok: true, kind: store.kind })
      })
    })

    // The engine's `PolicyStore` port (lookup + cacheSet): the contract every implementation shares.
    definePolicyStoreContract(name, async () => {
      await store.policy.reconcileCache('fp-policy-port')
      const list = (kind: 'allow' | 'deny') => async (normHash: string) => {
        await store.policy.listUpsert({ list: kind, normHash, reason: 'contract', createdBy: 'test', createdAtMs: 1 })
      }
      return { store: store.policy, fingerprint: 'fp-policy-port', deny: list('deny'), allow: list('allow') }
    })

    describe('policy cache and lists (the store-only parts: fingerprint reconcile, list CRUD, session rows)', () => {
      it('keeps a session-scoped row apart: it answers that session only; a deny wins over an allow', async () => {
        await store.policy.reconcileCache('fp-session')
        const normHash = uniqueHash()
        const row = { normHash, source: 'HumanReviewer' as const, createdAtMs: 1_000, expiresAtMs: 9_000, fingerprint: 'fp-session' }
        await store.policy.cacheSet({ ...row, permission: 'allow', sessionKey: 'session-a' })
        expect((await store.policy.lookup(normHash, 2_000, 'session-a')).cached).toEqual({ permission: 'allow', source: 'HumanReviewer' })
        expect((await store.policy.lookup(normHash, 2_000, 'session-b')).cached).toBeUndefined()
        expect((await store.policy.lookup(normHash, 2_000)).cached).toBeUndefined()
        expect((await store.policy.lookup(normHash, 9_000, 'session-a')).cached).toBeUndefined() // expired

        // a row for every call, beside the session's own: the session row answers its session
        await store.policy.cacheSet({ ...row, permission: 'allow', source: 'Scorer', expiresAtMs: 5_000 })
        expect(await store.policy.lookup(normHash, 2_000, 'session-a')).toMatchObject({ cachedExpiresAtMs: 9_000, cached: { source: 'HumanReviewer' } })
        expect(await store.policy.lookup(normHash, 2_000, 'session-b')).toMatchObject({ cachedExpiresAtMs: 5_000, cached: { source: 'Scorer' } })
        // a deny for every call beats the session's allow
        await store.policy.cacheSet({ ...row, permission: 'deny' })
        expect((await store.policy.lookup(normHash, 2_000, 'session-a')).cached).toEqual({ permission: 'deny', source: 'HumanReviewer' })
        // and a session's deny beats an allow for every call, in that session only
        const other = uniqueHash()
        await store.policy.cacheSet({ ...row, normHash: other, permission: 'allow' })
        await store.policy.cacheSet({ ...row, normHash: other, permission: 'deny', sessionKey: 'session-a' })
        expect((await store.policy.lookup(other, 2_000, 'session-a')).cached?.permission).toBe('deny')
        expect((await store.policy.lookup(other, 2_000, 'session-b')).cached?.permission).toBe('allow')
      })

      it('a cached human decision keeps its reviewer, reason, time and approval', async () => {
        await store.policy.reconcileCache('fp-contract')
        const normHash = uniqueHash()
        const human = {
          permission: 'deny' as const,
          source: 'HumanReviewer' as const,
          reviewer: 'alice',
          reason: 'not on prod',
          decidedAtMs: 6_500,
          approvalId: '01JAPPROVAL0000000000000000',
        }
        await store.policy.cacheSet({ normHash, ...human, createdAtMs: 6_600, expiresAtMs: 9_000, fingerprint: 'fp-contract' })
        expect((await store.policy.lookup(normHash, 7_000)).cached).toEqual(human)
      })

      it('reconciles the cache on a fingerprint change only', async () => {
        await store.policy.reconcileCache('fp-one')
        const normHash = uniqueHash()
        const entry = {
          normHash,
          permission: 'allow' as const,
          source: 'Scorer' as const,
          createdAtMs: 0,
          expiresAtMs: 100_000,
          fingerprint: 'fp-one',
        }
        await store.policy.cacheSet(entry)
        expect(await store.policy.reconcileCache('fp-one')).toEqual({ changed: false, cleared: 0 })
        expect((await store.policy.lookup(normHash, 1)).cached?.permission).toBe('allow')

        const result = await store.policy.reconcileCache('fp-two')
        expect(result.changed).toBe(true)
        expect(result.cleared).toBeGreaterThanOrEqual(1)
        expect((await store.policy.lookup(normHash, 1)).cached).toBeUndefined()

        // a row written under an old fingerprint is ignored after reconcile
        await store.policy.cacheSet(entry)
        expect((await store.policy.lookup(normHash, 1)).cached).toBeUndefined()
      })

      it('upserts, lists and deletes allow/deny entries; lookup sees both lists', async () => {
        const normHash = uniqueHash()
        await store.policy.listUpsert({ list: 'deny', normHash, reason: 'first', createdBy: 'alice', createdAtMs: 10 })
        const replaced = await store.policy.listUpsert({
          list: 'deny',
          normHash,
          reason: 'exfiltration',
          createdBy: 'bob',
          createdAtMs: 20,
          actionType: 'email.send',
        })
        expect(replaced).toEqual({
          list: 'deny',
          normHash,
          reason: 'exfiltration',
          createdBy: 'bob',
          createdAtMs: 20,
          actionType: 'email.send',
        })
        await store.policy.listUpsert({ list: 'allow', normHash, reason: 'ok', createdBy: 'carol', createdAtMs: 30 })
        expect(await store.policy.lookup(normHash, 0)).toEqual({
          denylisted: true,
          allowlisted: true,
          denyEntry: { reason: 'exfiltration', createdBy: 'bob', createdAtMs: 20 },
          allowEntry: { reason: 'ok', createdBy: 'carol', createdAtMs: 30 },
        })

        const denied = await store.policy.listEntries('deny')
        expect(denied.filter((e) => e.normHash === normHash)).toEqual([replaced])
        const both = await store.policy.listEntries()
        expect(both.filter((e) => e.normHash === normHash).map((e) => e.list).sort()).toEqual(['allow', 'deny'])

        expect(await store.policy.listDelete('deny', normHash)).toBe(true)
        expect(await store.policy.listDelete('deny', normHash)).toBe(false)
        expect(await store.policy.lookup(normHash, 0)).toEqual({
          denylisted: false,
          allowlisted: true,
          allowEntry: { reason: 'ok', createdBy: 'carol', createdAtMs: 30 },
        })
      })
    })

    // The `ApprovalRepository` port of `@permit0/approvals`: the contract both implementations share.
    defineApprovalRepositoryContract(name, () => ({ repository: store.approvals }))

    describe('approvals (the store-only part: counting)', () => {
      it('counts pending approvals', async () => {
        const prefix = `count-${name}-${Date.now()}`
        const before = await store.approvals.countPending()
        await store.approvals.create(newApproval(`${prefix}-a`))
        await store.approvals.create(newApproval(`${prefix}-b`))
        expect(await store.approvals.countPending()).toBe(before + 2)
        await store.approvals.resolve(`${prefix}-a`, { status: 'expired', resolvedAtMs: 1 })
        expect(await store.approvals.countPending()).toBe(before + 1)
      })
    })

    describe('audit log', () => {
      it('appends chained, signed entries with consecutive sequences', async () => {
        const before = await store.audit.head()
        const first = await store.audit.append(auditInput({ timestampMs: 1_700_000_000_000 }))
        const second = await store.audit.append(
          auditInput({
            kind: 'human_decision',
            decision: 'allow',
            decisionSource: 'HumanReviewer',
            humanReview: { reviewer: 'alice', decision: 'allow', reason: 'looks fine', reviewedAtMs: 1_700_000_000_500 },
            engineDecision: 'human',
            engineSource: 'Scorer',
            approvalId: 'ap-1',
          }),
        )
        expect(first.sequence).toBe(before.sequence + 1)
        expect(first.prevHash).toBe(before.sequence === 0 ? GENESIS_HASH : before.entryHash)
        expect(second.sequence).toBe(first.sequence + 1)
        expect(second.prevHash).toBe(first.entryHash)
        expect(first.keyId).toBe(store.audit.keyId)
        expect(first.entryHash).toMatch(/^[0-9a-f]{64}$/)
        expect(first.signature).toMatch(/^[0-9a-f]{128}$/)
        expect(first.timestampMs).toBe(1_700_000_000_000)
        expect(second.humanReview).toEqual({ reviewer: 'alice', decision: 'allow', reason: 'looks fine', reviewedAtMs: 1_700_000_000_500 })
        expect(await store.audit.get(second.entryId)).toEqual(second)
        expect(await store.audit.head()).toEqual({ sequence: second.sequence, entryHash: second.entryHash })
      })

      it('redacts configured keys before hashing', async () => {
        const entry = await store.audit.append(
          auditInput({
            rawToolCall: { toolName: 't', parameters: { nested: { Password: 'x', api_key: 'k', keep: 1 } }, metadata: {} },
          }),
        )
        expect(entry.rawToolCall.parameters).toEqual({ nested: { Password: '[REDACTED]', api_key: '[REDACTED]', keep: 1 } })
        const line = (await exportJson(store)).find((j) => j.entry_id === entry.entryId)
        expect(JSON.stringify(line)).not.toContain('hunter2')
      })

      it('appends, reads back and verifies an entry for every audit source of @permit0/domain', async () => {
        // The store once spelled the source enum again: a new source compiled, then every append
        // with it was refused at run time. The JSON schema now derives from the one definition.
        const sessionId = `sources-${name}-${Date.now()}`
        for (const source of Object.values(AuditSource)) {
          const appended = await store.audit.append(
            auditInput({
              decisionSource: source,
              sessionId,
              ...(source === AuditSource.FailedOpen ? {} : { engineSource: source }),
            }),
          )
          const back = await store.audit.get(appended.entryId)
          expect(back?.decisionSource).toBe(source)
          expect(back?.engineSource).toBe(source === AuditSource.FailedOpen ? undefined : source)
        }
        const page = await store.audit.list({ sessionId, limit: 100 })
        expect(page.entries.map((e) => e.decisionSource).sort()).toEqual(Object.values(AuditSource).sort())
        expect((await store.audit.verify()).ok).toBe(true)
      })

      it('records failed-open replays', async () => {
        const entry = await store.audit.append(
          auditInput({
            kind: 'failed_open',
            decision: 'allow',
            decisionSource: 'FailedOpen',
            retroactiveDecision: 'deny',
            failedOpen: {
              eventId: 'ev-1',
              failReasonCode: 'timeout',
              failReason: 'daemon unreachable',
              clientWindowStart: '2025-01-01T00:00:00Z',
              clientWindowEnd: '2025-01-01T00:01:00Z',
              clientVersion: '0.1.0',
              failOpenSource: 'openclaw',
            },
          }),
        )
        expect((await store.audit.get(entry.entryId))?.failedOpen?.eventId).toBe('ev-1')
        const page = await store.audit.list({ kind: 'failed_open', limit: 1 })
        expect(page.entries[0]?.entryId).toBe(entry.entryId)
      })

      it('serializes concurrent appends into one gap-free chain', async () => {
        const appended = await Promise.all(Array.from({ length: 25 }, () => store.audit.append(auditInput())))
        const sequences = appended.map((e) => e.sequence).sort((x, y) => x - y)
        expect(new Set(sequences).size).toBe(25)
        expect(sequences[24]! - sequences[0]!).toBe(24)
        const verified = await store.audit.verify()
        expect(verified).toMatchObject({ ok: true, firstSequence: 1 })
        const lines = await exportJson(store)
        expect(lines.map((l) => l.sequence)).toEqual(lines.map((_, i) => i + 1))
      })

      it('filters and paginates newest first without repeating rows', async () => {
        const session = `sess-${name}-${Date.now()}`
        const made: AuditEntry[] = []
        for (let i = 0; i < 7; i += 1) {
          made.push(
            await store.audit.append(
              auditInput({
                sessionId: session,
                action: action({ actionType: i % 2 === 0 ? 'files.read' : 'email.send', domain: i % 2 === 0 ? 'files' : 'email' }),
                decision: i === 6 ? 'human' : 'allow',
                decisionSource: i === 6 ? 'UnknownFallback' : 'Scorer',
                timestampMs: 1_800_000_000_000 + i * 1_000,
              }),
            ),
          )
        }
        const seen: number[] = []
        let cursor: string | undefined
        do {
          const page = await store.audit.list({ sessionId: session, limit: 3, ...(cursor ? { cursor } : {}) })
          seen.push(...page.entries.map((e) => e.sequence))
          cursor = page.nextCursor
        } while (cursor)
        expect(seen).toEqual(made.map((e) => e.sequence).reverse())

        const files = await store.audit.list({ sessionId: session, actionType: 'files.' })
        expect(files.entries.map((e) => e.action.actionType)).toEqual(['files.read', 'files.read', 'files.read', 'files.read'])
        expect((await store.audit.list({ sessionId: session, decision: 'bypass' })).entries).toHaveLength(1)
        expect((await store.audit.list({ sessionId: session, decision: 'human' })).entries).toHaveLength(0)
        expect((await store.audit.list({ sessionId: session, decisionSource: 'Scorer' })).entries).toHaveLength(6)
        const window = await store.audit.list({
          sessionId: session,
          sinceMs: 1_800_000_000_000 + 2_000,
          untilMs: 1_800_000_000_000 + 4_000,
        })
        expect(window.entries.map((e) => e.sequence)).toEqual([made[4]!.sequence, made[3]!.sequence, made[2]!.sequence])
        await expect(store.audit.list({ cursor: 'abc' })).rejects.toBeInstanceOf(StoreError)
      })

      it('exports oldest first, and tampering with any field of one line fails verification naming it', async () => {
        await store.audit.append(auditInput())
        const lines = await exportJson(store)
        expect(await verifyAuditChain(lines, [store.audit.publicKey])).toMatchObject({ ok: true, checked: lines.length })
        const target = lines.length - 2
        const victim = lines[target]!
        for (const field of Object.keys(victim)) {
          const tampered = lines.map((l) => ({ ...l }))
          const original = victim[field]
          tampered[target]![field] =
            typeof original === 'number'
              ? original + 1
              : typeof original === 'string'
                ? /^[0-9a-f]+$/.test(original)
                  ? (original[0] === '0' ? '1' : '0') + original.slice(1)
                  : `${original}x`
                : { tampered: true }
          const result = await verifyAuditChain(tampered, [store.audit.publicKey])
          expect(result.ok, `tampering ${field}`).toBe(false)
          if (!result.ok) expect(result.failure.index, field).toBe(target)
        }
        // a line signed by an unknown key fails; a deleted line breaks the chain
        expect((await verifyAuditChain(lines, [])).ok).toBe(false)
        const gap = lines.filter((_, i) => i !== target)
        const broken = await verifyAuditChain(gap, [store.audit.publicKey])
        expect(broken).toMatchObject({ ok: false, failure: { sequence: lines[target + 1]!.sequence } })
      })

      it('signs each group-committed batch once, on its last entry; tampering inside a batch or with its signature is named', async () => {
        const burst = await Promise.all(Array.from({ length: 24 }, (_, i) => store.audit.append(auditInput({ sessionId: `batch-${i}` }))))
        const lines = await exportJson(store)
        const mine = lines.filter((l) => burst.some((e) => e.entryId === l.entry_id))
        const signed = mine.filter((l) => l.signature !== undefined)
        // Fewer signatures than entries, and exactly the batch ends carry one.
        expect(signed.length).toBeGreaterThan(0)
        expect(signed.length).toBeLessThan(mine.length)
        for (const l of mine) expect(l.signature !== undefined, `seq ${String(l.sequence)}`).toBe(l.batch_end === true)
        expect(mine.at(-1)!.batch_end).toBe(true)
        expect(await verifyAuditChain(lines, [store.audit.publicKey])).toMatchObject({ ok: true, checked: lines.length })
        expect(await store.audit.verify()).toMatchObject({ ok: true, checked: lines.length })

        // An unsigned entry in the middle of a batch: any field changed is named at that entry.
        const mid = lines.findIndex((l, i) => l.signature === undefined && i > 0 && lines[i - 1]!.signature === undefined)
        expect(mid).toBeGreaterThan(0)
        for (const field of Object.keys(lines[mid]!)) {
          const tampered = lines.map((l) => ({ ...l }))
          const original = tampered[mid]![field]
          tampered[mid]![field] = typeof original === 'number' ? original + 1 : typeof original === 'string' ? `${original}0` : { x: 1 }
          const result = await verifyAuditChain(tampered, [store.audit.publicKey])
          expect(result.ok, `tampering ${field}`).toBe(false)
          if (!result.ok) expect(result.failure.index, field).toBe(mid)
        }
        const end = lines.findIndex((l, i) => i > mid && l.batch_end === true)
        const firstOfBatch = lines.findLastIndex((l, i) => i < mid && l.signature !== undefined) + 1
        const check = (edit: (copy: Record<string, unknown>[]) => Record<string, unknown>[]) =>
          verifyAuditChain(edit(lines.map((l) => ({ ...l }))), [store.audit.publicKey])
        // The batch signature altered: named at the batch end, with the entries it covers.
        const forged = await check((c) => {
          const sig = c[end]!.signature as string
          c[end]!.signature = (sig[0] === '0' ? '1' : '0') + sig.slice(1)
          return c
        })
        expect(forged).toMatchObject({ ok: false, failure: { index: end, sequence: lines[end]!.sequence } })
        if (!forged.ok) {
          expect(forged.failure.reason).toContain(`invalid batch signature (it covers entries ${String(lines[firstOfBatch]!.sequence)}–${String(lines[end]!.sequence)})`)
        }
        // The batch signature removed, or moved onto an entry inside the batch.
        const stripped = await check((c) => {
          delete c[end]!.signature
          return c
        })
        expect(stripped).toMatchObject({ ok: false, failure: { index: end } })
        if (!stripped.ok) expect(stripped.failure.reason).toMatch(/no signature/)
        const moved = await check((c) => {
          c[mid]!.signature = c[end]!.signature
          delete c[end]!.signature
          return c
        })
        expect(moved).toMatchObject({ ok: false, failure: { index: mid } })
        // The signed last entry cut off: the entries before it in its batch are not covered.
        const cut = await check((c) => c.slice(0, end))
        expect(cut).toMatchObject({ ok: false, failure: { index: firstOfBatch, sequence: lines[firstOfBatch]!.sequence } })
        if (!cut.ok) expect(cut.failure.reason).toMatch(/not covered by any batch signature/)
        // An export starting inside a batch verifies: its batch end signs it.
        expect(await verifyAuditChain(lines.slice(mid), [store.audit.publicKey])).toMatchObject({ ok: true })
      })
    })

    describe('API tokens', () => {
      it('creates, verifies, lists and revokes tokens', async () => {
        const tokenName = `tok-${name}-${Date.now()}`
        const { token, secret } = await store.tokens.create({ name: tokenName, role: 'approver', nowMs: 42 })
        expect(token).toEqual({ name: tokenName, role: 'approver', createdAtMs: 42 })
        expect(secret).toMatch(/^p0_[A-Za-z0-9_-]{43}$/)
        expect(await store.tokens.verify(secret)).toEqual({ name: tokenName, role: 'approver' })
        expect(await store.tokens.verify(`${secret}x`)).toBeUndefined()
        expect((await store.tokens.list()).find((t) => t.name === tokenName)).toEqual(token)
        await expect(store.tokens.create({ name: tokenName, role: 'admin', nowMs: 43 })).rejects.toMatchObject({
          code: StoreErrorCode.Conflict,
        })
        expect(await store.tokens.revoke(tokenName, 50)).toBe(true)
        expect(await store.tokens.revoke(tokenName, 51)).toBe(false)
        expect(await store.tokens.verify(secret)).toBeUndefined()
        expect((await store.tokens.list()).find((t) => t.name === tokenName)?.revokedAtMs).toBe(50)
      })
    })

    describe('signed-link nonces', () => {
      it('consumes a nonce exactly once, even under concurrent consumers, and prunes expired ones', async () => {
        const nonce = `n-${name}-${Date.now()}`
        const input = { nonce, approvalId: 'A1', usedAtMs: 100, expiresAtMs: 1_000 }
        expect(await store.linkNonces.isUsed(nonce)).toBe(false)
        const results = await Promise.all([1, 2, 3, 4].map(() => store.linkNonces.consume(input)))
        expect(results.filter(Boolean)).toHaveLength(1)
        expect(await store.linkNonces.isUsed(nonce)).toBe(true)
        expect(await store.linkNonces.consume(input)).toBe(false)
        expect(await store.linkNonces.prune(999)).toBe(0)
        expect(await store.linkNonces.isUsed(nonce)).toBe(true)
        expect(await store.linkNonces.prune(1_001)).toBeGreaterThanOrEqual(1)
        expect(await store.linkNonces.isUsed(nonce)).toBe(false)
      })
    })

    describe('change feed', () => {
      it('announces list and cache writes, token revocations and new approvals after commit', async () => {
        const heard: unknown[] = []
        let wake: (() => void) | undefined
        const unsubscribe = await store.changes.subscribe((change) => {
          heard.push(change)
          wake?.()
        })
        const until = async (count: number): Promise<void> => {
          while (heard.length < count) await new Promise<void>((resolve) => (wake = resolve))
        }
        try {
          const listed = uniqueHash()
          await store.policy.listUpsert({ list: 'deny', normHash: listed, reason: 'feed', createdBy: 'test', createdAtMs: 1 })
          await until(1)
          expect(await store.policy.listDelete('deny', listed)).toBe(true)
          expect(await store.policy.listDelete('deny', listed)).toBe(false) // nothing removed: no notification
          const cached = uniqueHash()
          await store.policy.cacheSet({ normHash: cached, permission: 'allow', source: 'Scorer', createdAtMs: 1, expiresAtMs: 2, fingerprint: 'fp' })
          const tokenName = `feed-${name}-${Date.now()}`
          await store.tokens.create({ name: tokenName, role: 'viewer', nowMs: 1 })
          await store.tokens.revoke(tokenName, 2)
          const approvalId = `feed-${name}-${Date.now()}`
          await store.approvals.create(newApproval(approvalId))
          await until(5)
          expect(heard).toEqual([
            { kind: 'policy', normHash: listed },
            { kind: 'policy', normHash: listed },
            { kind: 'policy', normHash: cached },
            { kind: 'token', name: tokenName },
            { kind: 'approval_created', id: approvalId },
          ])
        } finally {
          await unsubscribe()
        }
      })
    })

    describe('stats', () => {
      it('counts by permission, source, tier and minute within a window', async () => {
        const base = 2_000_000_000_000 - (2_000_000_000_000 % 60_000) + Math.floor(Math.random() * 1_000) * 600_000
        const at = (minute: number, second: number) => base + minute * 60_000 + second * 1_000
        await store.audit.append(auditInput({ decision: 'allow', decisionSource: 'Scorer', timestampMs: at(0, 1) }))
        await store.audit.append(auditInput({ decision: 'deny', decisionSource: 'Denylist', risk: undefined, timestampMs: at(0, 30) }))
        await store.audit.append(auditInput({ decision: 'human', decisionSource: 'UnknownFallback', risk: undefined, timestampMs: at(2, 0) }))
        await store.audit.append(auditInput({ decision: 'human', decisionSource: 'Scorer', timestampMs: at(2, 59) }))
        // Parked calls are audited only at their end: each one went to a person.
        const ended = { engineDecision: 'human', engineSource: 'Scorer', approvalId: 'a1' } as const
        const review = (decision: 'allow' | 'deny') => ({ reviewer: 'alice', decision, reviewedAtMs: at(4, 0) })
        await store.audit.append(auditInput({ ...ended, kind: 'human_decision', decision: 'allow', decisionSource: 'HumanReviewer', humanReview: review('allow'), timestampMs: at(4, 1) }))
        await store.audit.append(auditInput({ ...ended, kind: 'human_decision', decision: 'deny', decisionSource: 'HumanReviewer', humanReview: review('deny'), timestampMs: at(4, 2) }))
        await store.audit.append(auditInput({ ...ended, kind: 'approval_expired', decision: 'deny', decisionSource: 'Scorer', timestampMs: at(4, 3) }))
        const s = await store.stats.summary({ sinceMs: base, untilMs: at(3, 0) })
        expect(s).toEqual({
          total: 4,
          byPermission: { allow: 1, human: 2, deny: 1 },
          humanCount: 1,
          fallbackCount: 1,
          bySource: { Scorer: 2, Denylist: 1, UnknownFallback: 1 },
          byTier: { MEDIUM: 2 },
          perMinute: [
            { minuteMs: base, count: 2, allow: 1, human: 0, deny: 1 },
            { minuteMs: at(2, 0), count: 2, allow: 0, human: 2, deny: 0 },
          ],
        })
        const reviewed = await store.stats.summary({ sinceMs: at(4, 0), untilMs: at(5, 0) })
        expect(reviewed).toMatchObject({ total: 3, byPermission: { allow: 1, human: 0, deny: 2 }, humanCount: 3, fallbackCount: 0 })
      })
    })
  })
}
