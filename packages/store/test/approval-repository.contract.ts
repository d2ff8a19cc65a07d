import type { ApprovalRepository } from '@permit0/approvals'
import { describe, expect, it } from 'vitest'
import { newApproval } from './fixtures.ts'

/**
 * The `ApprovalRepository` contract (the port `@permit0/approvals` declares), run against every
 * implementation: the in-memory repository of `@permit0/approvals`, and the store's approvals on
 * PGlite and PostgreSQL. `harness` is called inside each test (after the caller's `beforeAll`), so
 * a suite may share one opened store; every test uses its own ids.
 */
export function defineApprovalRepositoryContract(
  name: string,
  harness: () => { readonly repository: ApprovalRepository },
): void {
  describe(`approval repository contract: ${name}`, () => {
    const prefix = `ap-${name.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}`
    const repo = (): ApprovalRepository => harness().repository

    it('refuses a duplicate id, fail-closed: a *_CONFLICT error naming the id, the stored approval untouched', async () => {
      const first = newApproval(`${prefix}-dup`, { toolName: 'first_tool' })
      await repo().create(first)
      const second = newApproval(first.id, { toolName: 'second_tool', createdAtMs: 9_000 })
      const refusal = await repo().create(second).then(
        () => undefined,
        (err: unknown) => err,
      )
      expect(refusal, 'a duplicate create must reject').toBeInstanceOf(Error)
      expect((refusal as { code?: unknown }).code).toMatch(/_CONFLICT$/)
      expect((refusal as Error).message).toBe(`approval ${first.id} already exists`)
      expect(await repo().get(first.id)).toEqual({ ...first, status: 'pending' })

      // also once it has been resolved: an id is never reused
      await repo().resolve(first.id, { status: 'decided', permission: 'deny', reviewer: 'alice', resolvedAtMs: 5 })
      await expect(repo().create(second)).rejects.toThrow(`approval ${first.id} already exists`)
      expect((await repo().get(first.id))?.toolName).toBe('first_tool')
      expect((await repo().get(first.id))?.status).toBe('decided')
    })

    it('creates, reads and lists pending approvals oldest first', async () => {
      const newer = newApproval(`${prefix}-list-newer`, { createdAtMs: 2_000 })
      const older = newApproval(`${prefix}-list-older`, { createdAtMs: 1_500, risk: undefined, context: undefined })
      await repo().create(newer)
      await repo().create(older)
      const got = await repo().get(newer.id)
      expect(got).toEqual({ ...newer, status: 'pending' })
      expect(await repo().get(`${prefix}-missing`)).toBeUndefined()
      const pending = (await repo().listPending()).filter((a) => a.id.startsWith(`${prefix}-list-`))
      expect(pending.map((a) => a.id)).toEqual([older.id, newer.id])
    })

    it('lets exactly one decision win and reports the winner to the loser', async () => {
      const id = `${prefix}-race`
      await repo().create(newApproval(id))
      const [a, b] = await Promise.all([
        repo().resolve(id, { status: 'decided', permission: 'allow', reviewer: 'alice', resolvedAtMs: 5 }),
        repo().resolve(id, { status: 'decided', permission: 'deny', reviewer: 'bob', reason: 'no', resolvedAtMs: 6 }),
      ])
      const outcomes = [a.outcome, b.outcome].sort()
      expect(outcomes).toEqual(['conflict', 'resolved'])
      const winner = a.outcome === 'resolved' ? a : b
      const loser = a.outcome === 'resolved' ? b : a
      if (winner.outcome === 'not_found' || loser.outcome === 'not_found') throw new Error('unexpected')
      expect(loser.record.resolution).toEqual(winner.record.resolution)
      expect(winner.record.status).toBe('decided')
      expect((await repo().get(id))?.resolution).toEqual(winner.record.resolution)
      expect((await repo().listPending()).some((p) => p.id === id)).toBe(false)
    })

    it('records how a decision is remembered (scope and expiry) on the resolution', async () => {
      for (const [suffix, remember] of [
        ['once', { scope: 'once' }],
        ['call', { scope: 'call', expiresAtMs: 90_000 }],
        ['session', { scope: 'session', expiresAtMs: 80_000 }],
      ] as const) {
        const id = `${prefix}-remember-${suffix}`
        await repo().create(newApproval(id))
        const result = await repo().resolve(id, { status: 'decided', permission: 'allow', resolvedAtMs: 7, remember })
        expect(result).toMatchObject({ outcome: 'resolved', record: { resolution: { remember } } })
        expect((await repo().get(id))?.resolution).toEqual({ status: 'decided', permission: 'allow', resolvedAtMs: 7, remember })
      }
    })

    it('answers not_found for an unknown id', async () => {
      expect(await repo().resolve(`${prefix}-nope`, { status: 'decided', permission: 'allow', resolvedAtMs: 1 })).toEqual({
        outcome: 'not_found',
      })
    })

    it('notifies subscribers of resolutions', async () => {
      const id = `${prefix}-notify`
      await repo().create(newApproval(id))
      let unsubscribe: (() => Promise<void>) | undefined
      const heard = new Promise<string>((resolve) => {
        void repo()
          .onResolved((resolvedId) => {
            if (resolvedId === id) resolve(resolvedId)
          })
          .then((u) => {
            unsubscribe = u
            return repo().resolve(id, { status: 'abandoned', resolvedAtMs: 9 })
          })
      })
      expect(await heard).toBe(id)
      await unsubscribe?.()
      expect((await repo().get(id))?.status).toBe('abandoned')
    })

    it('expires approvals past their deadline or held by a restarted replica', async () => {
      const late = newApproval(`${prefix}-late`, { expiresAtMs: 50 })
      const live = newApproval(`${prefix}-live`, { expiresAtMs: 10_000_000_000_000, replicaId: 'replica-gone' })
      const kept = newApproval(`${prefix}-kept`, { expiresAtMs: 10_000_000_000_000, replicaId: 'replica-alive' })
      for (const a of [late, live, kept]) await repo().create(a)
      const byTime = (await repo().expirePending({ nowMs: 100 })).map((r) => r.id)
      expect(byTime).toContain(late.id)
      expect(byTime).not.toContain(live.id)
      const byReplica = (await repo().expirePending({ nowMs: 100, replicaId: 'replica-gone' })).map((r) => r.id)
      expect(byReplica).toEqual([live.id])
      expect((await repo().get(late.id))?.resolution).toEqual({ status: 'expired', resolvedAtMs: 100 })
      expect((await repo().get(kept.id))?.status).toBe('pending')
    })
  })
}
