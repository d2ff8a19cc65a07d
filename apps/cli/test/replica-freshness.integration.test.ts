import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createDatabase } from './helpers/database.ts'
import { call, created, externalMail, openEventStream } from './helpers/http.ts'
import { emailPacksDir, REPO_ROOT } from './helpers/in-process.ts'
import { spawnServe, type ServeChild } from './helpers/serve-process.ts'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const BASE_URL = process.env.PERMIT0_TEST_DATABASE_URL
const REQUIRE_ALL = process.env.PERMIT0_REQUIRE_ALL === '1'
const run = (file: string, args: readonly string[], options: { cwd: string }) =>
  // The CLI's audit key defaults to ~/.permit0/data even with --database-url: keep it in a temp dir.
  promisify(execFile)(file, args, { ...options, env: { ...process.env, PERMIT0_DATA_DIR: mkdtempSync(join(tmpdir(), 'permit0-cli-')) } })

if (BASE_URL === undefined && REQUIRE_ALL) {
  describe('replica freshness on PostgreSQL', () => {
    it('needs PERMIT0_TEST_DATABASE_URL (PERMIT0_REQUIRE_ALL=1)', () => {
      throw new Error('PERMIT0_TEST_DATABASE_URL is not set but PERMIT0_REQUIRE_ALL=1')
    })
  })
}

/** Repeats `probe` (one HTTP round trip each, no sleeping) until it returns true, at most `tries` times. */
async function eventually(probe: () => Promise<boolean>, tries = 3_000): Promise<number> {
  for (let i = 1; i <= tries; i++) if (await probe()) return i
  throw new Error(`condition not reached after ${tries} attempts`)
}

// The org domain is the server's (`--org-domain`): an agent token's org_domain is ignored.
const mail = (n: string) => ({ tool_name: 'gmail_send', parameters: { to: 'alice@acme.com', subject: n, body: 'hi' } })

/**
 * Two `serve` processes on one PostgreSQL whose in-process caches would hold an entry for ten
 * minutes, and whose approval poll runs once a minute: anything B learns quickly it learned
 * through the store's notifications.
 */
describe.skipIf(BASE_URL === undefined)('replica freshness: two serve processes on one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createDatabase>>
  let a: ServeChild
  let b: ServeChild
  let adminSecret: string
  let agentSecret: string
  const env = { PERMIT0_APPROVAL_POLL_MS: '60000', PERMIT0_POLICY_CACHE_TTL_MS: '600000', PERMIT0_TOKEN_CACHE_TTL_MS: '600000' }
  const token = async (name: string, role: string): Promise<string> => {
    const { stdout } = await run(process.execPath, ['apps/cli/bin/permit0.js', 'token', 'create', '--name', name, '--role', role, '--database-url', db.url], { cwd: REPO_ROOT })
    return stdout.trim()
  }
  const auth = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` } })

  beforeAll(async () => {
    db = await createDatabase(BASE_URL!, 'permit0_fresh')
    const args = ['--ui', '--database-url', db.url, '--packs-dir', emailPacksDir(), '--org-domain', 'acme.com']
    a = await spawnServe(args, env) // migrates
    adminSecret = await token('ops', 'admin')
    agentSecret = await token('bot', 'agent')
    b = await spawnServe(args, env)
    // A started without tokens: it looks for tokens created by another process at most once a
    // second, so the admin token is accepted there from its next look on (not a freshness property).
    for (const server of [a, b]) {
      await eventually(async () => (await fetch(`${server.url}/api/v1/whoami`, auth(adminSecret))).status === 200)
    }
  })
  afterAll(async () => {
    await a?.stop('SIGKILL')
    await b?.stop('SIGKILL')
    await db?.drop()
  })

  it("a denylist add on A evicts B's cached allow: deny on A before the add returns, on B within the notify latency", async () => {
    const call1 = mail('denylist-race')
    const first = await call(b.url, 'POST', '/api/v1/check', call1, auth(agentSecret))
    expect(first.body).toMatchObject({ permission: 'allow', source: 'Scorer' })
    const second = await call(b.url, 'POST', '/api/v1/check', call1, auth(agentSecret))
    expect(second.body).toMatchObject({ permission: 'allow', source: 'PolicyCache' }) // now held in B's memory
    // A reads (and caches) it too, so A's own eviction is exercised as well.
    expect((await call(a.url, 'POST', '/api/v1/check', call1, auth(agentSecret))).body).toMatchObject({ permission: 'allow', source: 'PolicyCache' })

    const added = await call(a.url, 'POST', '/api/v1/lists/denylist', { norm_hash: first.body.norm_hash, reason: 'blocked by ops' }, auth(adminSecret))
    expect(added.status).toBe(201)
    expect((await call(a.url, 'POST', '/api/v1/check', call1, auth(agentSecret))).body).toMatchObject({ permission: 'deny', source: 'Denylist' })
    const seen: string[] = []
    await eventually(async () => {
      const r = await call(b.url, 'POST', '/api/v1/check', call1, auth(agentSecret))
      seen.push(r.body.permission)
      return r.body.source === 'Denylist'
    })
    // Once B denied, it never answers allow again.
    expect((await call(b.url, 'POST', '/api/v1/check', call1, auth(agentSecret))).body).toMatchObject({ permission: 'deny', source: 'Denylist' })
    expect(seen.every((p) => p === 'allow' || p === 'deny')).toBe(true)
  })

  it("revoking a token (CLI, another process) evicts it from B's verified-token cache", async () => {
    const secret = await token('short-lived', 'viewer')
    expect((await call(b.url, 'GET', '/api/v1/stats', undefined, auth(secret))).status).toBe(200) // cached now
    await run(process.execPath, ['apps/cli/bin/permit0.js', 'token', 'revoke', 'short-lived', '--database-url', db.url], { cwd: REPO_ROOT })
    await eventually(async () => (await call(b.url, 'GET', '/api/v1/stats', undefined, auth(secret))).status === 401)
    expect((await call(b.url, 'GET', '/api/v1/stats', undefined, auth(secret))).status).toBe(401)
  })

  it("a card opened on A reaches B's event stream without waiting for B's poll", async () => {
    const events = await openEventStream(b.url, adminSecret)
    try {
      const parked = await call(a.url, 'POST', '/api/v1/check', externalMail('fresh card'), { headers: { ...auth(agentSecret).headers, prefer: 'respond-async' } })
      expect(parked.status).toBe(202)
      const event = await events.next(created) // B's poll would take 60 s × scanEvery: this test would time out
      expect(event.type === 'approval.created' && event.approval.approval_id).toBe(parked.body.approval_id)
    } finally {
      events.close()
    }
  }, 20_000)
})
