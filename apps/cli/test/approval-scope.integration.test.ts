import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CheckResponseSchema, DecideResponseSchema } from '@permit0/contracts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { createDatabase } from './helpers/database.ts'
import { call, created, externalMail, openEventStream } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 })

type Stream = Awaited<ReturnType<typeof openEventStream>>

const BASE_URL = process.env.PERMIT0_TEST_DATABASE_URL || undefined
const REQUIRE_ALL = process.env.PERMIT0_REQUIRE_ALL === '1'
const HOUR_MS = 3_600_000

/** A gmail_send to an external recipient (the email pack asks a human) in session `session`. */
const mail = (body: string, session?: string) => ({
  ...externalMail(body),
  ...(session !== undefined && { metadata: { session_id: session } }),
})

/**
 * The reviewer's scope on each approval — once, this exact call, this exact call in this session —
 * through a real `serve --ui` on each store backend.
 */
function defineScopeSuite(backend: string, flags: () => Promise<{ databaseUrl?: string; cleanup?: () => Promise<void> }>): void {
  describe(`approval scope (${backend})`, () => {
    let server: ServerHandle
    let events: Stream
    let cleanup: (() => Promise<void>) | undefined

    beforeAll(async () => {
      const made = await flags()
      cleanup = made.cleanup
      server = await startTestServer({ ui: true, ...(made.databaseUrl !== undefined && { databaseUrl: made.databaseUrl }) })
      events = await openEventStream(server.url)
    })
    afterAll(async () => {
      events?.close()
      await server?.close()
      await cleanup?.()
    })

    /** Sends `request` (held open while parked) and returns the card of the approval it opened. */
    const park = async (request: object) => {
      const reply = call(server.url, 'POST', '/api/v1/check', request)
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected a created event')
      return { reply, card: event.approval }
    }
    const decide = (approvalId: string, permission: string, scope?: unknown) =>
      call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: approvalId, permission, ...(scope !== undefined && { scope }) })

    it('call (the default): remembered for the exact call until an expiry shown on the card, returned and told to the caller', async () => {
      const { reply, card } = await park(mail('scope: call'))
      expect(card.scope_options).toEqual({ scopes: ['once', 'call'], default: 'call', remember_secs: 3_600 })
      const before = Date.now()
      const decided = await decide(card.approval_id, 'allow')
      const after = Date.now()
      expect(decided.status).toBe(200)
      const body = DecideResponseSchema.parse(decided.body)
      expect(body.remember.scope).toBe('call')
      const until = Date.parse(body.remember.expires_at ?? '')
      expect(until).toBeGreaterThanOrEqual(before + HOUR_MS)
      expect(until).toBeLessThanOrEqual(after + HOUR_MS)
      expect(body.resolution.remember).toEqual(body.remember)

      const resumed = CheckResponseSchema.parse((await reply).body)
      expect(resumed).toMatchObject({ permission: 'allow', source: 'HumanReviewer', remember: body.remember })
      // the same call again: from the cache, in any session or none
      expect((await call(server.url, 'POST', '/api/v1/check', mail('scope: call'))).body).toMatchObject({ permission: 'allow', source: 'PolicyCache' })
      expect((await call(server.url, 'POST', '/api/v1/check', mail('scope: call', 'any-session'))).body).toMatchObject({ permission: 'allow', source: 'PolicyCache' })
    })

    it('once: this call only — nothing cached, the same call parks again', async () => {
      const first = await park(mail('scope: once'))
      const decided = await decide(first.card.approval_id, 'allow', 'once')
      expect(decided.status).toBe(200)
      expect(decided.body.remember).toEqual({ scope: 'once', expires_at: null })
      expect((await first.reply).body).toMatchObject({ permission: 'allow', source: 'HumanReviewer', remember: { scope: 'once', expires_at: null } })

      const again = await park(mail('scope: once'))
      expect(again.card.norm_hash).toBe(first.card.norm_hash)
      expect((await decide(again.card.approval_id, 'deny', 'once')).body.remember).toEqual({ scope: 'once', expires_at: null })
      expect((await again.reply).body).toMatchObject({ permission: 'deny', source: 'HumanReviewer' })
    })

    it('session: the same call in the same session is allowed from the cache; in another session or none it parks', async () => {
      const first = await park(mail('scope: session', 'session-a'))
      expect(first.card.scope_options).toEqual({ scopes: ['once', 'call', 'session'], default: 'call', remember_secs: 3_600 })
      const decided = await decide(first.card.approval_id, 'allow', 'session')
      expect(decided.status).toBe(200)
      expect(decided.body.remember.scope).toBe('session')
      expect(Date.parse(decided.body.remember.expires_at)).toBeGreaterThan(Date.now() + HOUR_MS - 60_000)
      expect((await first.reply).body).toMatchObject({ permission: 'allow', remember: { scope: 'session' } })

      const same = await call(server.url, 'POST', '/api/v1/check', mail('scope: session', 'session-a'))
      expect(same.body).toMatchObject({ permission: 'allow', source: 'PolicyCache', norm_hash: first.card.norm_hash })

      const other = await park(mail('scope: session', 'session-b'))
      expect(other.card.norm_hash).toBe(first.card.norm_hash)
      expect(other.card.session_id).toBe('session-b')
      await decide(other.card.approval_id, 'deny', 'once')
      expect((await other.reply).body).toMatchObject({ permission: 'deny', source: 'HumanReviewer' })

      const none = await park(mail('scope: session'))
      expect(none.card.norm_hash).toBe(first.card.norm_hash)
      await decide(none.card.approval_id, 'deny', 'once')
      await none.reply
      // session-a still has its answer
      expect((await call(server.url, 'POST', '/api/v1/check', mail('scope: session', 'session-a'))).body).toMatchObject({ permission: 'allow', source: 'PolicyCache' })
    })

    it('a deny with scope call is cached: the same call is denied at once, also in a session with its own allow', async () => {
      const allowInSession = await park(mail('scope: deny', 'session-c'))
      await decide(allowInSession.card.approval_id, 'allow', 'session')
      await allowInSession.reply
      const denied = await park(mail('scope: deny'))
      const decided = await decide(denied.card.approval_id, 'deny', 'call')
      expect(decided.body.remember.scope).toBe('call')
      expect((await denied.reply).body).toMatchObject({ permission: 'deny', remember: { scope: 'call' } })
      expect((await call(server.url, 'POST', '/api/v1/check', mail('scope: deny'))).body).toMatchObject({ permission: 'deny', source: 'PolicyCache' })
      // a deny for every call wins over the session's allow
      expect((await call(server.url, 'POST', '/api/v1/check', mail('scope: deny', 'session-c'))).body).toMatchObject({ permission: 'deny', source: 'PolicyCache' })
    })

    it('bad scope input → 400 naming scope; the approval stays pending and decidable', async () => {
      const { reply, card } = await park(mail('scope: bad input'))
      const unknown = await decide(card.approval_id, 'allow', 'forever')
      expect(unknown.status).toBe(400)
      expect(unknown.body.error.code).toBe('VALIDATION_FAILED')
      expect(unknown.body.error.issues).toEqual([expect.objectContaining({ path: 'scope' })])
      const notString = await decide(card.approval_id, 'allow', 7)
      expect(notString.status).toBe(400)
      expect(notString.body.error.issues[0].path).toBe('scope')
      // session scope for a call that carried no session id
      const noSession = await decide(card.approval_id, 'allow', 'session')
      expect(noSession.status).toBe(400)
      expect(noSession.body.error.message).toMatch(/scope: "session" is not available .*session_id/)
      expect(noSession.body.error.issues).toEqual([expect.objectContaining({ path: 'scope' })])

      expect((await call(server.url, 'GET', `/api/v1/approvals/${card.approval_id}`)).body.status).toBe('pending')
      expect((await decide(card.approval_id, 'deny', 'once')).status).toBe(200)
      expect((await reply).body).toMatchObject({ permission: 'deny' })
    })
  })
}

defineScopeSuite('embedded PGlite', async () => ({}))

if (BASE_URL === undefined && REQUIRE_ALL) {
  describe('approval scope (PostgreSQL)', () => {
    it('needs PERMIT0_TEST_DATABASE_URL (PERMIT0_REQUIRE_ALL=1)', () => {
      throw new Error('PERMIT0_TEST_DATABASE_URL is not set but PERMIT0_REQUIRE_ALL=1')
    })
  })
}
if (BASE_URL !== undefined) {
  defineScopeSuite('PostgreSQL', async () => {
    const db = await createDatabase(BASE_URL, 'permit0_scope')
    return { databaseUrl: db.url, cleanup: db.drop }
  })
}

describe('approval scope with --no-cache-human-verdicts', () => {
  let server: ServerHandle
  let events: Stream
  beforeAll(async () => {
    server = await startTestServer({ ui: true, cacheHumanVerdicts: false })
    events = await openEventStream(server.url)
  })
  afterAll(async () => {
    events?.close()
    await server?.close()
  })

  it('offers only once, answers once by default and refuses call with a 400 naming scope', async () => {
    const reply = call(server.url, 'POST', '/api/v1/check', mail('no cache', 's'))
    const event = await events.next(created)
    if (event.type !== 'approval.created') throw new Error('expected a created event')
    expect(event.approval.scope_options).toEqual({ scopes: ['once'], default: 'once', remember_secs: 0 })
    const refused = await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: event.approval.approval_id, permission: 'allow', scope: 'call' })
    expect(refused.status).toBe(400)
    expect(refused.body.error.issues[0]).toMatchObject({ path: 'scope' })
    expect(refused.body.error.message).toMatch(/no-cache-human-verdicts/)
    const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: event.approval.approval_id, permission: 'allow' })
    expect(decided.body.remember).toEqual({ scope: 'once', expires_at: null })
    expect((await reply).body).toMatchObject({ permission: 'allow', remember: { scope: 'once' } })
  })
})
