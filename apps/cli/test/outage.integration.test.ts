import { afterAll, describe, expect, it, vi } from 'vitest'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, externalMail } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'
import { canRunCluster, startCluster, type PgCluster } from './helpers/pg-cluster.ts'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const REQUIRE_ALL = process.env.PERMIT0_REQUIRE_ALL === '1'
const available = canRunCluster()

if (!available && REQUIRE_ALL) {
  describe('the store lost mid-run', () => {
    it('needs PostgreSQL 15 binaries and root (PERMIT0_REQUIRE_ALL=1)', () => {
      throw new Error('cannot start a private PostgreSQL cluster here but PERMIT0_REQUIRE_ALL=1')
    })
  })
}

const read = (id: string) => ({ tool_name: 'gmail_read', parameters: { message_id: id } })

/** Waits for `probe` to hold, re-asking after each answer (bounded; reconnecting is the event). */
async function until(probe: () => Promise<boolean>, attempts = 300): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    if (await probe()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('condition not reached')
}

describe.skipIf(!available)('the store lost mid-run (private PostgreSQL cluster stopped)', () => {
  let cluster: PgCluster | undefined
  let server: ServerHandle | undefined
  afterAll(async () => {
    await server?.close().catch(() => undefined)
    cluster?.destroy()
  })

  it('fails closed while the database is down, health reports it, and service resumes by itself', async () => {
    cluster = await startCluster()
    server = await startTestServer({ ui: true, databaseUrl: cluster.url })
    const url = server.url
    expect((await call(url, 'POST', '/api/v1/check', read('warm'))).body.permission).toBe('allow')
    expect((await call(url, 'GET', '/api/v1/health')).status).toBe(200)

    cluster.stop()
    // Fresh calls, a repeat of a cached allow, and a call that would park: none is allowed.
    for (const body of [read('down-1'), read('warm'), read('down-2'), externalMail('during outage'), { ...externalMail('async'), hitl_wait: false }]) {
      const r = await call(url, 'POST', '/api/v1/check', body)
      expect(r.status === 503 || (r.status === 200 && r.body.permission === 'deny'), `${r.status} ${JSON.stringify(r.body)}`).toBe(true)
      expect(r.body.permission).not.toBe('allow')
      expect(JSON.stringify(r.body)).not.toMatch(/\n\s+at |node_modules/)
    }
    const health = await call(url, 'GET', '/api/v1/health')
    expect(health.status).toBe(503)
    expect(health.body).toMatchObject({ ok: false, store: { ok: false, kind: 'postgres' } })
    const decide = await call(url, 'POST', '/api/v1/approvals/decide', { approval_id: '01HZZZZZZZZZZZZZZZZZZZZZZZ', permission: 'allow' })
    expect(decide.status).toBe(503)

    cluster.start()
    await until(async () => (await call(url, 'GET', '/api/v1/health')).status === 200)
    const after = await call(url, 'POST', '/api/v1/check', read('after'))
    expect(after.status).toBe(200)
    expect(after.body.permission).toBe('allow')
    const verify = await call(url, 'GET', '/api/v1/audit/verify')
    expect(verify.body.ok).toBe(true)
  })
})
