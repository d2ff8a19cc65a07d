/**
 * Guard integrity, the daemon side (issue 13, findings 3, 6 and 7): only a human decides (local
 * reviewer secret, one-time login link, session cookie), the server owns the context (org domain,
 * /check_action, /audit/replay), and a parked call is answered before the host's deadline (an
 * abandoned one is audited as such). Real `serve` over embedded PGlite on loopback.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ABANDONED_AUDIT, createManualClock } from '@permit0/approvals'
import { createStore, type Store } from '@permit0/store'
import { runHook } from '../src/commands/hook.ts'
import { runLogin } from '../src/commands/login.ts'
import { REPLAYED_REASON } from '../src/server/routes/replay.ts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, created, externalMail, openEventStream } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

const tmp = mkdtempSync(join(tmpdir(), 'permit0-guard-auth-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const anonymous = { anonymous: true } as const
const bearer = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` } })
const ULID = '01HZZZZZZZZZZZZZZZZZZZZZZZ'
const HASH = 'b'.repeat(64)

/** Every route that is not the agent's: the reviewer secret (or a session) is required. */
const REVIEWER_ROUTES: Array<{ method: string; path: string; body?: unknown }> = [
  { method: 'POST', path: '/api/v1/approvals/decide', body: { approval_id: ULID, permission: 'allow' } },
  { method: 'GET', path: '/api/v1/approvals' },
  { method: 'GET', path: '/api/v1/approvals/stream' },
  { method: 'GET', path: `/api/v1/approvals/${ULID}` },
  { method: 'POST', path: '/api/v1/lists/allowlist', body: { norm_hash: HASH, reason: 'agent' } },
  { method: 'DELETE', path: '/api/v1/lists/denylist', body: { norm_hash: HASH } },
  { method: 'GET', path: '/api/v1/lists/denylist' },
  { method: 'POST', path: '/api/v1/check_action', body: { action_type: 'email.read', parameters: {} } },
  { method: 'GET', path: '/api/v1/audit' },
  { method: 'GET', path: '/api/v1/audit/export' },
  { method: 'GET', path: '/api/v1/stats' },
  { method: 'GET', path: '/api/v1/packs' },
  { method: 'GET', path: '/metrics' },
  { method: 'POST', path: '/api/v1/session/link', body: {} },
  { method: 'GET', path: '/api/v1/whoami' },
]

describe('finding 3: only a human decides (tokenless daemon, reviewer secret)', () => {
  let server: ServerHandle
  const dataDir = join(tmp, 'data')
  beforeAll(async () => {
    server = await startTestServer({ ui: true, dataDir })
  })
  afterAll(async () => server?.close())

  it('creates <data dir>/reviewer-token (0600) on first start and reuses it after a restart', async () => {
    const path = join(dataDir, 'reviewer-token')
    expect(server.reviewerTokenPath).toBe(path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8').trim()).toBe(server.reviewerToken)
    await server.close()
    server = await startTestServer({ ui: true, dataDir })
    expect(server.reviewerTokenCreated).toBe(false)
    expect(server.reviewerToken).toBe(readFileSync(path, 'utf8').trim())
  })

  it.each(REVIEWER_ROUTES)('$method $path: 401 for the agent without the secret', async ({ method, path, body }) => {
    const reply = await call(server.url, method, path, body, anonymous)
    expect(reply.status).toBe(401)
    expect(reply.body.error.message).toMatch(/reviewer secret|not signed in/)
    expect((await call(server.url, method, path, body, bearer('not-the-secret'))).status).toBe(401)
  })

  it('/check, /health and the wait route stay open on loopback', async () => {
    expect((await call(server.url, 'POST', '/api/v1/check', { tool_name: 'gmail_read', parameters: { id: '1' } }, anonymous)).status).toBe(200)
    expect((await call(server.url, 'GET', '/api/v1/health', undefined, anonymous)).status).toBe(200)
  })

  it('the agent cannot approve its own parked call; the human with the secret can', async () => {
    const events = await openEventStream(server.url, server.reviewerToken)
    try {
      const parked = call(server.url, 'POST', '/api/v1/check', externalMail('self-approval'), anonymous)
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected created')
      const id = event.approval.approval_id
      const decide = { approval_id: id, permission: 'allow', reviewer: 'agent' }
      expect((await call(server.url, 'POST', '/api/v1/approvals/decide', decide, anonymous)).status).toBe(401)
      const human = await call(server.url, 'POST', '/api/v1/approvals/decide', { ...decide, reviewer: 'Alice' }, bearer(server.reviewerToken!))
      expect(human.status).toBe(200)
      expect(human.body.resolution.reviewer).toBe('Alice')
      expect((await parked).body).toMatchObject({ permission: 'allow', source: 'HumanReviewer' })
    } finally {
      events.close()
    }
  })

  it('the one-time login link gives an HttpOnly, SameSite=Strict session cookie; the link works once', async () => {
    expect(server.loginUrl).toMatch(/\/api\/v1\/session\/login\?code=/)
    const login = await fetch(server.loginUrl!, { redirect: 'manual' })
    expect(login.status).toBe(303)
    expect(login.headers.get('location')).toBe('/ui/')
    const cookie = login.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^permit0_session=[\w-]+;/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const session = cookie.split(';')[0]!
    const listed = await call(server.url, 'GET', '/api/v1/approvals', undefined, { anonymous: true, headers: { cookie: session } })
    expect(listed.status).toBe(200)
    expect((await fetch(server.loginUrl!, { redirect: 'manual' })).status).toBe(401)
    // Logging out ends the session.
    await call(server.url, 'POST', '/api/v1/session/logout', {}, { anonymous: true, headers: { cookie: session } })
    expect((await call(server.url, 'GET', '/api/v1/approvals', undefined, { anonymous: true, headers: { cookie: session } })).status).toBe(401)
  })

  it('`permit0 login` reads the secret from the data dir and prints a fresh link', async () => {
    const out: string[] = []
    const code = await runLogin({ url: server.url, dataDir }, { env: {}, stdout: (t) => out.push(t), stderr: (t) => out.push(t) })
    expect(code).toBe(0)
    const link = out.join('').trim()
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(303)
  })
})

describe('finding 7 and the server-owned context', () => {
  let server: ServerHandle
  let store: Store
  const secrets: Record<string, string> = {}
  beforeAll(async () => {
    store = createStore({ kind: 'embedded' })
    await store.migrate()
    for (const role of ['agent', 'admin'] as const) {
      secrets[role] = (await store.tokens.create({ name: `${role}-token`, role, nowMs: 1 })).secret
    }
    server = await startTestServer({ orgDomain: 'acme.com' }, { store })
  })
  afterAll(async () => {
    await server?.close()
    await store?.close()
  })

  it("ignores an agent's org_domain (the external recipient stays external); an admin may set it", async () => {
    const body = { ...externalMail(), org_domain: 'external-partner.com' }
    const agent = await call(server.url, 'POST', '/api/v1/check', body, bearer(secrets.agent!))
    expect(agent.status).toBe(200)
    expect(agent.body.permission).not.toBe('allow')
    const admin = await call(server.url, 'POST', '/api/v1/check', body, bearer(secrets.admin!))
    expect(admin.body.permission).toBe('allow')
  })

  it('/check_action with an agent token → 403 (an agent cannot pick its own action type)', async () => {
    const body = { action_type: 'email.read', source: 'gmail', parameters: {} }
    expect((await call(server.url, 'POST', '/api/v1/check_action', body, bearer(secrets.agent!))).status).toBe(403)
    expect((await call(server.url, 'POST', '/api/v1/check_action', body, bearer(secrets.admin!))).status).toBe(200)
  })

  it('/audit/replay cannot inject "allow": the server re-decides, marks the entry replayed, refuses __action from agents', async () => {
    const event = (id: string, tool_name: string, parameters: unknown, metadata = {}) => ({
      event_id: id,
      occurred_at: '2026-12-02T10:00:00Z',
      tool_name,
      parameters,
      metadata,
      fail_reason: 'daemon down',
      fail_reason_code: 'unreachable',
      outcome: 'allow',
      client_version: 'x',
      fail_open_source: 'allow',
    })
    const reply = await call(
      server.url,
      'POST',
      '/api/v1/audit/replay',
      {
        events: [
          event('e1', 'gmail_send', externalMail().parameters, { org_domain: 'external-partner.com' }),
          event('e2', '__action:email.read', {}, { channel: 'gmail' }),
        ],
      },
      bearer(secrets.agent!),
    )
    expect(reply.status).toBe(200)
    expect(reply.body.accepted).toBe(1)
    expect(reply.body.rejected).toEqual([{ event_id: 'e2', error: expect.stringMatching(/admin token/) }])
    const entries = (await store.audit.list({ kind: 'failed_open' })).entries
    expect(entries).toHaveLength(1)
    const entry = entries[0]!
    expect(entry.decision).toBe('human') // the server's verdict (org domain acme.com), not the caller's "allow"
    expect(entry.retroactiveDecision).toBe('human')
    expect(entry.decisionSource).toBe('FailedOpen')
    expect(entry.reason).toBe(REPLAYED_REASON)
    expect(await store.audit.verify()).toMatchObject({ ok: true })
  })
})

describe("finding 6: answered before the host's deadline; abandoned is not a deny", () => {
  it('a parked call carrying client_deadline_secs expires 5 s before it (408 → the hook denies)', async () => {
    const clock = createManualClock(1_750_000_000_000)
    const server = await startTestServer({ ui: true }, { clock })
    const events = await openEventStream(server.url)
    try {
      const parked = call(server.url, 'POST', '/api/v1/check', { ...externalMail('deadline'), client_deadline_secs: 30 }, anonymous)
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected created')
      const { created_at, expires_at } = event.approval
      expect(Date.parse(expires_at) - Date.parse(created_at)).toBe(25_000) // 30 s deadline − 5 s, not the 300 s default
      clock.advance(25_000)
      const answer = await parked
      expect(answer.status).toBe(408)
      expect(answer.body.error.message).toMatch(/denied/)
      const audit = await server.store.audit.list({ approvalId: event.approval.approval_id })
      expect(audit.entries.map((e) => [e.kind, e.decision])).toEqual([['approval_expired', 'deny']])
    } finally {
      events.close()
      await server.close()
    }
  })

  it('an approval abandoned by its client is audited "abandoned — the host may have run the call", never as deny', async () => {
    const server = await startTestServer({ ui: true })
    const events = await openEventStream(server.url)
    try {
      const controller = new AbortController()
      const parked = call(server.url, 'POST', '/api/v1/check', externalMail('abandon'), { anonymous: true, signal: controller.signal }).catch(
        () => 'aborted',
      )
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected created')
      controller.abort()
      expect(await parked).toBe('aborted')
      await events.next((e) => e.type === 'approval.resolved')
      const audit = await server.store.audit.list({ approvalId: event.approval.approval_id })
      const entry = audit.entries.find((e) => e.kind === 'approval_abandoned')
      expect(entry?.decision).toBe(ABANDONED_AUDIT.decision)
      expect(entry?.decision).not.toBe('deny')
      expect(entry?.reason).toBe('abandoned — the host may have run the call (client disconnected)')
      const wire = await call(server.url, 'GET', `/api/v1/audit?limit=5`)
      expect(wire.body.entries.find((e: { kind: string }) => e.kind === 'approval_abandoned').reason).toMatch(/^abandoned — the host may have run the call/)
    } finally {
      events.close()
      await server.close()
    }
  })

  it('the remote hook sends its host deadline (its --timeout minus time spent) as client_deadline_secs', async () => {
    const server = await startTestServer({})
    const sent: unknown[] = []
    try {
      const code = await runHook(
        { remote: server.url, timeout: 45 },
        {
          readStdin: async () => JSON.stringify({ tool_name: 'gmail_read', tool_input: { message_id: 'm1' }, hook_event_name: 'PreToolUse' }),
          stdout: () => undefined,
          stderr: () => undefined,
          env: {},
          homeDir: tmp,
          nowMs: Date.now,
          elapsedMs: () => 2_000,
          ppid: 1,
          readFile: () => undefined,
          loadEngine: () => Promise.reject(new Error('remote mode')),
          fetch: (url, init) => {
            sent.push(JSON.parse(String(init.body)))
            return fetch(url, init)
          },
        },
      )
      expect(code).toBe(0)
      expect(sent[0]).toMatchObject({ client_deadline_secs: 43 })
    } finally {
      await server.close()
    }
  })
})
