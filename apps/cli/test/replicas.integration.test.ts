import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createDatabase } from './helpers/database.ts'
import { call, created, externalMail, openEventStream, resolvedAs } from './helpers/http.ts'
import { emailPacksDir } from './helpers/in-process.ts'
import { spawnServe, type ServeChild } from './helpers/serve-process.ts'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const BASE_URL = process.env.PERMIT0_TEST_DATABASE_URL
const REQUIRE_ALL = process.env.PERMIT0_REQUIRE_ALL === '1'

if (BASE_URL === undefined && REQUIRE_ALL) {
  describe('replicas on one PostgreSQL', () => {
    it('needs PERMIT0_TEST_DATABASE_URL (PERMIT0_REQUIRE_ALL=1)', () => {
      throw new Error('PERMIT0_TEST_DATABASE_URL is not set but PERMIT0_REQUIRE_ALL=1')
    })
  })
}

describe.skipIf(BASE_URL === undefined)('two serve processes on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createDatabase>>
  let a: ServeChild
  let b: ServeChild
  const args = () => ['--ui', '--database-url', db.url, '--packs-dir', emailPacksDir()]

  beforeAll(async () => {
    db = await createDatabase(BASE_URL!, 'permit0_replicas')
    // Migrate with the first process before the second starts.
    a = await spawnServe(args(), { PERMIT0_APPROVAL_POLL_MS: '250' })
    b = await spawnServe(args(), { PERMIT0_APPROVAL_POLL_MS: '250' })
  })
  afterAll(async () => {
    await a?.stop('SIGKILL')
    await b?.stop('SIGKILL')
    await db?.drop()
  })

  it('parks on A, is decided through B, and A resumes; a second decide is 409, an unknown id 404', async () => {
    const eventsB = await openEventStream(b.url)
    try {
      const parked = call(a.url, 'POST', '/api/v1/check', externalMail())
      const event = await eventsB.next(created)
      if (event.type !== 'approval.created') throw new Error('expected a created event')
      const id = event.approval.approval_id
      expect((await call(b.url, 'GET', '/api/v1/approvals')).body.approvals.map((x: { approval_id: string }) => x.approval_id)).toContain(id)

      const decided = await call(b.url, 'POST', '/api/v1/approvals/decide', { approval_id: id, permission: 'allow', reviewer: 'bob' })
      expect(decided.status).toBe(200)
      const resumed = await parked
      expect(resumed.status).toBe(200)
      expect(resumed.body).toMatchObject({ permission: 'allow', source: 'HumanReviewer', reviewer: 'bob', approval_id: id })

      const again = await call(a.url, 'POST', '/api/v1/approvals/decide', { approval_id: id, permission: 'deny' })
      expect(again.status).toBe(409)
      expect(again.body.error.resolution).toMatchObject({ status: 'decided', permission: 'allow', reviewer: 'bob' })
      const unknown = await call(b.url, 'POST', '/api/v1/approvals/decide', { approval_id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', permission: 'allow' })
      expect(unknown.status).toBe(404)

      // B's human verdict was cached in the shared store: A serves the repeat from the cache.
      expect((await call(a.url, 'POST', '/api/v1/check', externalMail())).body).toMatchObject({ source: 'PolicyCache', permission: 'allow' })
      // The human decision is audited once, in the shared chain.
      const audit = await call(a.url, 'GET', '/api/v1/audit?limit=1000')
      expect(audit.body.entries.filter((e: { approval_id?: string }) => e.approval_id === id).map((e: { kind: string }) => e.kind)).toEqual([
        'human_decision',
      ])
    } finally {
      eventsB.close()
    }
  })

  it('abandons the approval when the client parked on A disconnects; B sees it leave the queue', async () => {
    const eventsB = await openEventStream(b.url)
    try {
      const controller = new AbortController()
      const parked = call(a.url, 'POST', '/api/v1/check', externalMail('disconnect'), { signal: controller.signal })
      const event = await eventsB.next(created)
      if (event.type !== 'approval.created') throw new Error('expected a created event')
      controller.abort()
      await expect(parked).rejects.toThrow()
      await eventsB.next(resolvedAs('abandoned'))
      expect((await call(b.url, 'GET', `/api/v1/approvals/${event.approval.approval_id}`)).body.status).toBe('abandoned')
    } finally {
      eventsB.close()
    }
  })

  it('loses nothing when A crashes: the approval stays decidable on B, or expires there, and the audit says which', async () => {
    const eventsB = await openEventStream(b.url)
    try {
      const keep = await call(a.url, 'POST', '/api/v1/check', { ...externalMail('survive a crash'), hitl_wait: false })
      const lapse = await call(a.url, 'POST', '/api/v1/check', { ...externalMail('lapse after a crash'), hitl_wait: false, hitl_timeout_secs: 2 })
      expect([keep.status, lapse.status]).toEqual([202, 202])
      await a.stop('SIGKILL')

      // B expires the short one when it falls due, though A (which opened it) is gone.
      const expired = await eventsB.next((e) => e.type === 'approval.resolved' && e.approval_id === lapse.body.approval_id)
      expect(expired).toMatchObject({ resolution: { status: 'expired' } })
      const decided = await call(b.url, 'POST', '/api/v1/approvals/decide', { approval_id: keep.body.approval_id, permission: 'deny' })
      expect(decided.status).toBe(200)

      a = await spawnServe(args(), { PERMIT0_APPROVAL_POLL_MS: '250' })
      const audit = await call(a.url, 'GET', '/api/v1/audit?limit=1000')
      const kinds = (id: string) =>
        audit.body.entries.filter((e: { approval_id?: string }) => e.approval_id === id).map((e: { kind: string }) => e.kind)
      expect(kinds(lapse.body.approval_id)).toEqual(['approval_expired'])
      expect(kinds(keep.body.approval_id)).toEqual(['human_decision'])
      expect((await call(a.url, 'GET', `/api/v1/approvals/${keep.body.approval_id}/wait?timeout=0`)).body).toMatchObject({
        permission: 'deny',
        source: 'HumanReviewer',
      })
    } finally {
      eventsB.close()
    }
  })
})
