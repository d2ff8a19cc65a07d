import { createStore, type Store } from '@permit0/store'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, externalMail } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

describe('API tokens and roles', () => {
  let store: Store
  let server: ServerHandle
  const secrets: Record<string, string> = {}
  const as = (role: string) => ({ headers: { Authorization: `Bearer ${secrets[role]}` } })

  beforeAll(async () => {
    store = createStore({ kind: 'embedded' })
    await store.migrate()
    for (const role of ['agent', 'viewer', 'approver', 'admin'] as const) {
      secrets[role] = (await store.tokens.create({ name: `${role}-1`, role, nowMs: Date.now() })).secret
    }
    server = await startTestServer({ ui: true }, { store })
  })
  afterAll(async () => {
    await server.close()
    await store.close()
  })

  it('keeps health public and requires a valid bearer token elsewhere', async () => {
    expect((await call(server.url, 'GET', '/api/v1/health')).status).toBe(200)
    const anonymous = await call(server.url, 'POST', '/api/v1/check', externalMail())
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED')
    const forged = await call(server.url, 'GET', '/api/v1/approvals', undefined, { headers: { Authorization: 'Bearer nope' } })
    expect(forged.status).toBe(401)
    expect((await call(server.url, 'GET', '/api/v1/whoami', undefined, as('viewer'))).body).toEqual({
      name: 'viewer-1',
      role: 'viewer',
      auth: true,
    })
  })

  it('lets an agent check but never decide, and an approver decide but not check', async () => {
    const accepted = await call(server.url, 'POST', '/api/v1/check', { ...externalMail(), hitl_wait: false }, as('agent'))
    expect(accepted.status).toBe(202)
    const id = accepted.body.approval_id as string
    const byAgent = await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: id, permission: 'allow' }, as('agent'))
    expect(byAgent.status).toBe(403)
    expect(byAgent.body.error.code).toBe('FORBIDDEN')
    expect((await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: id, permission: 'allow' }, as('viewer'))).status).toBe(403)
    expect((await call(server.url, 'POST', '/api/v1/check', externalMail(), as('approver'))).status).toBe(403)

    const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: id, permission: 'allow' }, as('approver'))
    expect(decided.status).toBe(200)
    expect(decided.body.resolution.reviewer).toBe('approver-1') // the token name when no reviewer is given
    expect((await call(server.url, 'GET', `/api/v1/approvals/${id}/wait?timeout=0`, undefined, as('agent'))).body).toMatchObject({
      permission: 'allow',
      source: 'HumanReviewer',
    })
  })

  it('reserves list management for admins', async () => {
    const entry = { norm_hash: 'cd'.repeat(32), reason: 'x' }
    expect((await call(server.url, 'POST', '/api/v1/lists/allowlist', entry, as('approver'))).status).toBe(403)
    expect((await call(server.url, 'POST', '/api/v1/lists/allowlist', entry, as('admin'))).status).toBe(201)
    expect((await call(server.url, 'GET', '/api/v1/lists/allowlist', undefined, as('viewer'))).status).toBe(200)
  })
})

describe('binding beyond loopback', () => {
  it('refuses a non-loopback host without API tokens', async () => {
    await expect(startTestServer({ host: '0.0.0.0' })).rejects.toThrow(/without API tokens/)
  })
})
