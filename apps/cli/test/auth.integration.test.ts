import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createManualClock } from '@permit0/approvals'
import { createStore, type Store } from '@permit0/store'
import { pino } from 'pino'
import { runServe } from '../src/commands/serve.ts'
import { isLoopbackHost } from '../src/server/auth.ts'
import { startServer, type ServerHandle } from '../src/server/start-server.ts'
import { call, created, externalMail, openEventStream, postLarge } from './helpers/http.ts'
import { emailPacksDir, REPO_ROOT, startTestServer } from './helpers/in-process.ts'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

const ROLES = ['agent', 'viewer', 'approver', 'admin'] as const
type Role = (typeof ROLES)[number]

async function storeWithTokens(roles: readonly Role[]): Promise<{ store: Store; secrets: Record<string, string> }> {
  const store = createStore({ kind: 'embedded' })
  await store.migrate()
  const secrets: Record<string, string> = {}
  for (const role of roles) {
    secrets[role] = (await store.tokens.create({ name: `${role}-token`, role, nowMs: 1 })).secret
  }
  return { store, secrets }
}

const bearer = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` } })
const ULID = '01HZZZZZZZZZZZZZZZZZZZZZZZ'
const HASH = 'a'.repeat(64)

/** Every protected route with a body that passes validation; `ok` = roles allowed through. */
const MATRIX: Array<{ method: string; path: string; body?: unknown; ok: readonly Role[] }> = [
  { method: 'POST', path: '/api/v1/check', body: { tool_name: 'gmail_read', parameters: { id: '1' } }, ok: ['agent', 'admin'] },
  { method: 'POST', path: '/api/v1/check_action', body: { action_type: 'email.read', parameters: {} }, ok: ['admin'] },
  { method: 'POST', path: '/api/v1/audit/replay', body: { events: [] }, ok: ['agent', 'admin'] },
  { method: 'GET', path: '/api/v1/approvals', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: `/api/v1/approvals/${ULID}`, ok: ['viewer', 'approver', 'admin'] },
  { method: 'POST', path: '/api/v1/approvals/decide', body: { approval_id: ULID, permission: 'allow' }, ok: ['approver', 'admin'] },
  { method: 'GET', path: '/api/v1/audit', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/audit/verify', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/audit/export', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/audit/failed_open_windows', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/stats', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/lists/denylist', ok: ['viewer', 'approver', 'admin'] },
  { method: 'POST', path: '/api/v1/lists/denylist', body: { norm_hash: HASH, reason: 'test' }, ok: ['admin'] },
  { method: 'DELETE', path: '/api/v1/lists/denylist', body: { norm_hash: HASH }, ok: ['admin'] },
  { method: 'GET', path: '/metrics', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/packs', ok: ['viewer', 'approver', 'admin'] },
  { method: 'POST', path: '/api/v1/packs/validate', body: { yaml: 'name: x\nversion: 1.0.0\n' }, ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/calibration/stats', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/calibration/records', ok: ['viewer', 'approver', 'admin'] },
  { method: 'GET', path: '/api/v1/whoami', ok: ['agent', 'viewer', 'approver', 'admin'] },
]

describe('roles and tokens on a running serve', () => {
  let server: ServerHandle
  let store: Store
  let secrets: Record<string, string>

  beforeAll(async () => {
    ;({ store, secrets } = await storeWithTokens(ROLES))
    server = await startTestServer({ ui: true }, { store })
  })
  afterAll(async () => {
    await server?.close()
    await store?.close()
  })

  it.each(MATRIX)('$method $path: 401 without a valid token, 403 for the wrong role', async ({ method, path, body, ok }) => {
    const none = await call(server.url, method, path, body)
    expect(none.status).toBe(401)
    expect(none.body.error.code).toBe('UNAUTHORIZED')
    expect((await call(server.url, method, path, body, bearer('p0_not-a-real-token'))).status).toBe(401)
    for (const role of ROLES) {
      const reply = await call(server.url, method, path, body, bearer(secrets[role]!))
      if (ok.includes(role)) {
        expect([200, 201, 404], `${role} ${method} ${path}: ${JSON.stringify(reply.body)}`).toContain(reply.status)
      } else {
        expect(reply.status, `${role} ${method} ${path}`).toBe(403)
        expect(reply.body.error.code).toBe('FORBIDDEN')
        expect(reply.body.error.message).toContain(`role '${role}'`)
      }
    }
  })

  it('keeps /api/v1/health and the OpenAPI document public', async () => {
    expect((await call(server.url, 'GET', '/api/v1/health')).status).toBe(200)
    expect((await call(server.url, 'GET', '/api/v1/openapi.json')).status).toBe(200)
  })

  it('rejects malformed Authorization headers', async () => {
    for (const header of ['Basic abc', 'Bearer', 'Bearer a b', secrets.admin!]) {
      const reply = await call(server.url, 'GET', '/api/v1/stats', undefined, { headers: { authorization: header } })
      expect(reply.status, header).toBe(401)
    }
  })

  it('whoami names the token and its role', async () => {
    for (const role of ROLES) {
      const reply = await call(server.url, 'GET', '/api/v1/whoami', undefined, bearer(secrets[role]!))
      expect(reply.body).toEqual({ name: `${role}-token`, role, auth: true })
    }
  })

  it('an agent parks asynchronously and reads the answer it cannot give; the approver token name is the reviewer', async () => {
    const accepted = await call(server.url, 'POST', '/api/v1/check', { ...externalMail('async agent'), hitl_wait: false }, bearer(secrets.agent!))
    expect(accepted.status).toBe(202)
    const id = accepted.body.approval_id as string
    const decide = { approval_id: id, permission: 'allow' }
    expect((await call(server.url, 'POST', '/api/v1/approvals/decide', decide, bearer(secrets.agent!))).status).toBe(403)
    expect((await call(server.url, 'POST', '/api/v1/approvals/decide', decide, bearer(secrets.viewer!))).status).toBe(403)
    const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', decide, bearer(secrets.approver!))
    expect(decided.status).toBe(200)
    expect(decided.body.resolution.reviewer).toBe('approver-token') // no reviewer given: the token name
    expect((await call(server.url, 'GET', `/api/v1/approvals/${id}/wait?timeout=0`, undefined, bearer(secrets.agent!))).body).toMatchObject({
      permission: 'allow',
      source: 'HumanReviewer',
    })
  })

  it('reserves list management for admins', async () => {
    const entry = { norm_hash: 'cd'.repeat(32), reason: 'x' }
    expect((await call(server.url, 'POST', '/api/v1/lists/allowlist', entry, bearer(secrets.approver!))).status).toBe(403)
    expect((await call(server.url, 'POST', '/api/v1/lists/allowlist', entry, bearer(secrets.admin!))).status).toBe(201)
    expect((await call(server.url, 'GET', '/api/v1/lists/allowlist', undefined, bearer(secrets.viewer!))).status).toBe(200)
  })

  it('records the token name as the reviewer, not the reviewer field the client sends', async () => {
    const events = await openEventStream(server.url, secrets.viewer)
    try {
      const parked = call(server.url, 'POST', '/api/v1/check', externalMail('reviewer test'), bearer(secrets.agent!))
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected created')
      const id = event.approval.approval_id
      const decided = await call(
        server.url,
        'POST',
        '/api/v1/approvals/decide',
        { approval_id: id, permission: 'deny', reviewer: 'mallory', reason: 'no' },
        bearer(secrets.approver!),
      )
      expect(decided.status).toBe(200)
      expect(decided.body.resolution.reviewer).toBe('approver-token')
      const answer = await parked
      expect(answer.body).toMatchObject({ permission: 'deny', source: 'HumanReviewer', reviewer: 'approver-token' })
      const audit = await store.audit.list({ approvalId: id })
      const human = audit.entries.find((e) => e.kind === 'human_decision')
      expect(human?.humanReview?.reviewer).toBe('approver-token')
      expect(JSON.stringify(audit.entries)).not.toContain('mallory')
    } finally {
      events.close()
    }
  })

  it('rejects a token from the moment it is revoked', async () => {
    const { secret } = await store.tokens.create({ name: 'short-lived', role: 'viewer', nowMs: 2 })
    expect((await call(server.url, 'GET', '/api/v1/stats', undefined, bearer(secret))).status).toBe(200)
    expect(await store.tokens.revoke('short-lived', 3)).toBe(true)
    expect((await call(server.url, 'GET', '/api/v1/stats', undefined, bearer(secret))).status).toBe(401)
  })
})

describe('authentication switches on with the first token', () => {
  it('a token created while serve runs (another process, shared database) protects every route', async () => {
    const clock = createManualClock(1_750_000_000_000)
    const { store } = await storeWithTokens([])
    const server = await startTestServer({}, { store, clock })
    try {
      expect(server.authRequired).toBe(false)
      expect((await call(server.url, 'GET', '/api/v1/whoami')).body).toEqual({ role: 'admin', auth: false })
      expect((await call(server.url, 'GET', '/api/v1/whoami', undefined, { anonymous: true })).status).toBe(401)
      const { secret } = await store.tokens.create({ name: 'ops', role: 'admin', nowMs: clock.now() })
      clock.advance(1_001)
      expect((await call(server.url, 'GET', '/api/v1/stats')).status).toBe(401)
      expect((await call(server.url, 'GET', '/api/v1/stats', undefined, bearer(secret))).status).toBe(200)
      // Revoking every token does not open the server again (fail closed).
      await store.tokens.revoke('ops', clock.now())
      clock.advance(5_000)
      expect((await call(server.url, 'GET', '/api/v1/stats')).status).toBe(401)
    } finally {
      await server.close()
      await store.close()
    }
  })
})

describe('binding beyond loopback', () => {
  it('classifies loopback addresses strictly', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true)
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '127.example.com', 'example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(host), host).toBe(false)
  })

  it('refuses 0.0.0.0 without tokens, starts with --insecure (loud warning) or with a token', async () => {
    const { store } = await storeWithTokens([])
    try {
      await expect(startTestServer({ host: '0.0.0.0' }, { store })).rejects.toThrow(/refusing to bind 0\.0\.0\.0 without API tokens/)
      const stderr: string[] = []
      const code = await runServe(
        { host: '0.0.0.0', port: '0', insecure: true, packsDir: emailPacksDir(), logLevel: 'silent' },
        {
          cwd: REPO_ROOT,
          env: {},
          stderr: (t) => void stderr.push(t),
          start: (config, options) => startServer(config, { ...options, store, logger: pino({ level: 'silent' }) }),
          untilStopped: async (server) => {
            expect(server.insecure).toBe(true)
            // Reachable by anyone, but deciding and reading still need the reviewer secret.
            const url = server.url.replace('0.0.0.0', '127.0.0.1')
            expect((await call(url, 'GET', '/api/v1/stats')).status).toBe(401)
            expect((await call(url, 'GET', '/api/v1/stats', undefined, bearer(server.reviewerToken!))).status).toBe(200)
          },
        },
      )
      expect(code).toBe(0)
      expect(stderr.join('')).toMatch(/WARNING: --insecure/)

      const { secret } = await store.tokens.create({ name: 'lb', role: 'viewer', nowMs: 1 })
      const server = await startTestServer({ host: '0.0.0.0' }, { store })
      try {
        expect(server.insecure).toBe(false)
        const url = server.url.replace('0.0.0.0', '127.0.0.1')
        expect((await call(url, 'GET', '/api/v1/stats')).status).toBe(401)
        expect((await call(url, 'GET', '/api/v1/stats', undefined, bearer(secret))).status).toBe(200)
      } finally {
        await server.close()
      }
    } finally {
      await store.close()
    }
  })
})

/** A raw HTTP/1.1 request with a chosen Host header (fetch may not set one). */
function rawRequest(url: string, init: { method: string; path: string; host: string; type?: string; body?: string; auth?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const target = new URL(url)
    const headers: Record<string, string> = { host: init.host }
    if (init.auth !== undefined) headers.authorization = `Bearer ${init.auth}`
    if (init.type !== undefined) headers['content-type'] = init.type
    const req = httpRequest({ hostname: target.hostname, port: target.port, method: init.method, path: init.path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

describe('cross-site request forgery guards', () => {
  const decide = JSON.stringify({ approval_id: ULID, permission: 'allow' })

  it('without tokens: only JSON bodies, only loopback Host names (DNS rebinding)', async () => {
    const server = await startTestServer({ ui: true })
    try {
      const host = new URL(server.url).host
      const auth = server.reviewerToken!
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
        const r = await rawRequest(server.url, { method: 'POST', path: '/api/v1/approvals/decide', host, auth, body: decide, ...(type && { type }) })
        expect(r.status, String(type)).toBe(415)
        expect(JSON.parse(r.body).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
      }
      const json = await rawRequest(server.url, { method: 'POST', path: '/api/v1/approvals/decide', host, auth, type: 'application/json; charset=utf-8', body: decide })
      expect(json.status).toBe(404) // reached the handler: unknown approval
      for (const ok of [host, `localhost:${server.port}`, `[::1]:${server.port}`, '127.0.0.1']) {
        expect((await rawRequest(server.url, { method: 'GET', path: '/api/v1/stats', host: ok, auth })).status, ok).toBe(200)
      }
      for (const bad of ['attacker.example', `attacker.example:${server.port}`, '127.0.0.1.nip.io']) {
        const r = await rawRequest(server.url, { method: 'GET', path: '/api/v1/stats', host: bad, auth })
        expect(`${bad} ${r.status}`).toBe(`${bad} 403`)
        expect(JSON.parse(r.body).error.message).toMatch(/DNS rebinding/)
      }
    } finally {
      await server.close()
    }
  })

  it('with tokens any Host name reaches authentication (a rebound page has no token)', async () => {
    const { store, secrets } = await storeWithTokens(['viewer'])
    const server = await startTestServer({}, { store })
    try {
      const r = await rawRequest(server.url, { method: 'GET', path: '/api/v1/stats', host: 'permit0.internal.example' })
      expect(r.status).toBe(401)
      const ok = await call(server.url, 'GET', '/api/v1/stats', undefined, bearer(secrets.viewer!))
      expect(ok.status).toBe(200)
    } finally {
      await server.close()
      await store.close()
    }
  })
})

describe('limits, validation and headers', () => {
  let server: ServerHandle
  const uiDir = mkdtempSync(join(tmpdir(), 'permit0-ui-'))

  beforeAll(async () => {
    writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>t</title><div id="root"></div>')
    server = await startTestServer({ ui: true, uiDir })
  })
  afterAll(async () => {
    await server?.close()
    rmSync(uiDir, { recursive: true, force: true })
  })

  it('serves /ui/ with a CSP naming no external origin, nosniff, no framing, no referrer', async () => {
    for (const path of ['/ui/', '/ui/approvals']) {
      const res = await fetch(`${server.url}${path}`)
      expect(res.status).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toMatch(/https?:|\*/)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    }
    const api = await fetch(`${server.url}/api/v1/health`)
    expect(api.headers.get('x-content-type-options')).toBe('nosniff')
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'")
  })

  it('rejects deeply nested and oversized JSON before normalization with a 400 naming where', async () => {
    const deep = { tool_name: 'gmail_send', parameters: JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) }
    const r1 = await call(server.url, 'POST', '/api/v1/check', deep)
    expect(r1.status).toBe(400)
    expect(r1.body.error.message).toMatch(/nests deeper than 64 levels at parameters\.a\.a/)
    const wide = { tool_name: 'gmail_send', parameters: { list: Array.from({ length: 120_000 }, () => 0) } }
    const r2 = await call(server.url, 'POST', '/api/v1/check', wide)
    expect(r2.status).toBe(400)
    expect(r2.body.error.message).toMatch(/more than 100000 JSON values/)
    const hugeDepth = `{"tool_name":"x","parameters":${'['.repeat(300_000)}${']'.repeat(300_000)}}`
    expect((await call(server.url, 'POST', '/api/v1/check', undefined, { raw: hugeDepth })).status).toBe(400)
  })

  it('answers 413 above the 1 MiB default body limit and keeps serving', async () => {
    const big = JSON.stringify({ tool_name: 'gmail_send', parameters: { body: 'x'.repeat(1_100_000) } })
    const reply = await postLarge(server.url, '/api/v1/check', big)
    expect(reply.status).toBe(413)
    expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE')
    expect((await call(server.url, 'GET', '/api/v1/health')).status).toBe(200)
  })

  it('reads a chunked body (no Content-Length) and answers 413 when it runs past the limit', async () => {
    const chunked = (parts: string[]) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = httpRequest(`${server.url}/api/v1/check`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => (text += c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
          res.on('error', reject)
        })
        req.on('error', () => undefined)
        for (const part of parts) req.write(part)
        req.end()
      })
    const small = await chunked(['{"tool_name":"gmail_read",', '"parameters":{"message_id":"m1"}}'])
    expect(small.status).toBe(200)
    expect(small.body.permission).toBeDefined()
    const big = await chunked(['{"tool_name":"gmail_send","parameters":{"body":"', 'x'.repeat(600_000), 'x'.repeat(600_000), '"}}'])
    expect(big.status).toBe(413)
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it.each([
    ['malformed JSON', 'POST', '/api/v1/check', '{"tool_name":', /not valid JSON/],
    ['wrong types', 'POST', '/api/v1/check', '{"tool_name":7,"parameters":{}}', /tool_name/],
    ['missing fields', 'POST', '/api/v1/approvals/decide', '{}', /approval_id/],
    ['bad permission', 'POST', '/api/v1/approvals/decide', `{"approval_id":"${ULID}","permission":"maybe"}`, /permission/],
    ['bad list hash', 'POST', '/api/v1/lists/denylist', '{"norm_hash":"xyz","reason":"r"}', /norm_hash/],
    ['NUL in a key', 'POST', '/api/v1/check', '{"tool_name":"gmail_read","parameters":{"k\\u0000":"x"}}', /NUL character .* at parameters\.k/],
    ['NUL in a reason', 'POST', '/api/v1/approvals/decide', `{"approval_id":"${ULID}","permission":"deny","reason":"\\u0000"}`, /NUL character .* at reason/],
  ])('%s → 400 with the path in the message, no stack', async (_name, method, path, raw, pattern) => {
    const reply = await call(server.url, method, path, undefined, { raw })
    expect(reply.status).toBe(400)
    expect(reply.body.error.code).toBe('VALIDATION_FAILED')
    expect(reply.body.error.message).toMatch(pattern)
    expect(JSON.stringify(reply.body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/)
  })

  it.each([
    ['/api/v1/audit?limit=abc', /limit/],
    ['/api/v1/audit?limit=0', /limit/],
    ['/api/v1/audit?since=yesterday', /since/],
    ['/api/v1/audit?decision=perhaps', /decision/],
    [`/api/v1/approvals/${ULID}/wait?timeout=-1`, /timeout/],
    ['/api/v1/audit?action_type=%00', /action_type: NUL/],
    ['/api/v1/audit/export?format=xml', /format/],
  ])('GET %s → 400 naming the parameter', async (path, pattern) => {
    const reply = await call(server.url, 'GET', path)
    expect(reply.status).toBe(400)
    expect(reply.body.error.message).toMatch(pattern)
  })
})
