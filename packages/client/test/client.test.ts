import { afterEach, describe, expect, it } from 'vitest'
import { ClientError, ClientErrorCode, createClient, guard, isBlocked, middleware } from '../src/index.ts'
import { freePort, json, startLoopbackServer } from './loopback-server.ts'

const HASH = 'a'.repeat(64)
const APPROVAL_ID = '01J0000000000000000000000A'

function verdict(permission: 'allow' | 'deny' | 'human', extra: Record<string, unknown> = {}) {
  return {
    permission,
    source: 'Scorer',
    decision_source: 'Scorer',
    action_type: 'email.send',
    channel: 'gmail',
    norm_hash: HASH,
    score: 40,
    tier: 'MEDIUM',
    blocked: false,
    ...extra,
  }
}

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function daemon(handler: Parameters<typeof startLoopbackServer>[0]) {
  const server = await startLoopbackServer(handler)
  servers.push(server)
  return server
}

const fast = { backoffMs: 1, maxBackoffMs: 5 }

describe('check()', () => {
  it('posts the call with metadata and async preference and maps the verdict', async () => {
    const server = await daemon((_req, res) => json(res, 200, verdict('allow', { flags: ['OUTBOUND'] })))
    const client = createClient({ baseUrl: server.url, clientKind: 'claude-code', orgDomain: 'acme.com', ...fast })
    const decision = await client.check({
      toolName: 'gmail_send',
      parameters: { to: 'bob@acme.com' },
      sessionId: 's-1',
      metadata: { cwd: '/repo' },
    })
    expect(decision).toMatchObject({
      permission: 'allow',
      source: 'Scorer',
      actionType: 'email.send',
      channel: 'gmail',
      normHash: HASH,
      flags: ['OUTBOUND'],
      failedOpen: false,
    })
    const req = server.requests[0]!
    expect(req.method).toBe('POST')
    expect(req.url).toBe('/api/v1/check')
    expect(req.headers.prefer).toBe('respond-async')
    expect(req.body).toMatchObject({
      tool_name: 'gmail_send',
      parameters: { to: 'bob@acme.com' },
      client_kind: 'claude-code',
      org_domain: 'acme.com',
      hitl_timeout_secs: 300,
      metadata: { session_id: 's-1', cwd: '/repo', client: '@permit0/client' },
    })
  })

  it('retries 5xx with backoff and succeeds', async () => {
    let calls = 0
    const server = await daemon((_req, res) => {
      calls += 1
      if (calls < 3) return json(res, 503, { error: { code: 'STORE_UNAVAILABLE', message: 'busy' } })
      json(res, 200, verdict('deny', { block_reason: 'external recipient' }))
    })
    const client = createClient({ baseUrl: server.url, retries: 2, ...fast })
    const decision = await client.check({ toolName: 'gmail_send', parameters: {} })
    expect(decision.permission).toBe('deny')
    expect(decision.blockReason).toBe('external recipient')
    expect(server.requests).toHaveLength(3)
  })

  it('never retries a 4xx and reports the daemon message', async () => {
    const server = await daemon((_req, res) =>
      json(res, 400, { error: { code: 'VALIDATION', message: 'tool_name is required', requestId: 'r1' } }),
    )
    const client = createClient({ baseUrl: server.url, retries: 3, failOpen: true, ...fast })
    const err = await client.check({ toolName: 'x', parameters: {} }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClientError)
    expect((err as ClientError).code).toBe(ClientErrorCode.Http)
    expect((err as ClientError).status).toBe(400)
    expect((err as ClientError).message).toContain('tool_name is required')
    expect(server.requests).toHaveLength(1)
    expect(client.failedOpenStatus().count).toBe(0)
  })

  it('rejects a reply that breaks the wire contract', async () => {
    const server = await daemon((_req, res) => json(res, 200, { permission: 'maybe', action_type: 'x' }))
    const client = createClient({ baseUrl: server.url, failOpen: true, ...fast })
    await expect(client.check({ toolName: 'x', parameters: {} })).rejects.toMatchObject({
      code: ClientErrorCode.MalformedResponse,
    })
    expect(client.failedOpenStatus().count).toBe(0)
  })

  it('times out a hanging attempt', async () => {
    const server = await daemon(() => undefined) // never answers
    const client = createClient({ baseUrl: server.url, timeoutMs: 50, retries: 1, ...fast })
    await expect(client.check({ toolName: 'x', parameters: {} })).rejects.toMatchObject({
      code: ClientErrorCode.Timeout,
    })
    expect(server.requests).toHaveLength(2)
  })
})

describe('fail-open', () => {
  it('fails closed by default when the daemon is unreachable', async () => {
    const client = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, retries: 1, ...fast })
    await expect(client.check({ toolName: 'Bash', parameters: { command: 'ls' } })).rejects.toMatchObject({
      code: ClientErrorCode.Transport,
    })
  })

  it('allows, buffers and replays in batches of at most 500 once the daemon is back', async () => {
    const port = await freePort()
    const seen: unknown[] = []
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0, failOpen: true, autoReplay: false, ...fast, onFailOpen: (e) => seen.push(e) })
    for (let i = 0; i < 1203; i += 1) {
      const d = await client.check({ toolName: 'Bash', parameters: { command: `echo ${i}` }, sessionId: 's' })
      expect(d).toMatchObject({ permission: 'allow', source: 'FailedOpen', failedOpen: true })
    }
    expect(seen).toHaveLength(1203)
    expect(client.failedOpenStatus().count).toBe(1203)

    // the daemon comes back on another port: a fresh client over the same buffer is not possible,
    // so point a server at the original port
    const { createServer } = await import('node:http')
    const batches: { events: { event_id: string; tool_name: string; fail_reason_code: string }[] }[] = []
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof batches)[number]
        batches.push(body)
        const rejected = batches.length === 1 ? [{ event_id: body.events[0]!.event_id, error: 'retro-score failed' }] : []
        json(res, 200, { accepted: body.events.length - rejected.length, rejected })
      })
    })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    servers.push({ close: () => new Promise<void>((r) => server.close(() => r())) })

    const report = await client.replayFailedOpen()
    expect(batches.map((b) => b.events.length)).toEqual([500, 500, 203])
    expect(report.accepted).toBe(1202)
    expect(report.rejected).toHaveLength(1)
    expect(report.remaining).toBe(0)
    expect(client.failedOpenStatus().count).toBe(0)
    const first = batches[0]!.events[0]!
    expect(first).toMatchObject({ tool_name: 'Bash', fail_reason_code: ClientErrorCode.Transport, outcome: 'executed' })
    const ids = new Set(batches.flatMap((b) => b.events.map((e) => e.event_id)))
    expect(ids.size).toBe(1203)
  })

  it('keeps events buffered when the replay fails, and bounds the buffer', async () => {
    const client = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, retries: 0, failOpen: true, bufferCapacity: 3, autoReplay: false, ...fast })
    for (let i = 0; i < 5; i += 1) await client.check({ toolName: 'Bash', parameters: { i } })
    expect(client.failedOpenStatus()).toMatchObject({ count: 3, dropped: 2, capacity: 3 })
    const report = await client.replayFailedOpen()
    expect(report.error?.code).toBe(ClientErrorCode.Transport)
    expect(report.remaining).toBe(3)
    expect(client.failedOpenStatus().count).toBe(3)
  })

  it('never fails open on an explicit deny or a 5xx-free human verdict', async () => {
    const server = await daemon((_req, res) => json(res, 200, verdict('deny')))
    const client = createClient({ baseUrl: server.url, failOpen: true, ...fast })
    const d = await client.check({ toolName: 'gmail_send', parameters: {} })
    expect(d.permission).toBe('deny')
    expect(d.failedOpen).toBe(false)
    expect(client.failedOpenStatus().count).toBe(0)
  })

  it('fails open after exhausting retries on 5xx', async () => {
    const server = await daemon((_req, res) => json(res, 500, { error: { code: 'INTERNAL', message: 'boom' } }))
    const client = createClient({ baseUrl: server.url, failOpen: true, retries: 2, autoReplay: false, ...fast })
    const d = await client.check({ toolName: 'gmail_send', parameters: {} })
    expect(d.failedOpen).toBe(true)
    expect(server.requests).toHaveLength(3)
  })
})

describe('parked approvals', () => {
  it('long-polls until decided, re-attaching after a dropped connection', async () => {
    let waits = 0
    const server = await daemon((req, res) => {
      if (req.url === '/api/v1/check') {
        return json(res, 202, {
          status: 'pending',
          approval_id: APPROVAL_ID,
          wait_url: `/api/v1/approvals/${APPROVAL_ID}/wait`,
          expires_at: new Date(Date.now() + 60_000).toISOString(),
          engine: verdict('human'),
        })
      }
      waits += 1
      if (waits === 1) return json(res, 202, { status: 'pending', approval_id: APPROVAL_ID })
      if (waits === 2) return server.dropConnections() // the network path dies mid-park
      json(res, 200, verdict('allow', { source: 'HumanReviewer', decision_source: 'HumanReviewer', reviewer: 'ann' }))
    })
    const client = createClient({ baseUrl: server.url, pollSecs: 7, ...fast })
    const decision = await client.check({ toolName: 'gmail_send', parameters: {} })
    expect(decision).toMatchObject({ permission: 'allow', source: 'HumanReviewer', reviewer: 'ann', approvalId: APPROVAL_ID })
    const waitUrls = server.requests.filter((r) => r.method === 'GET').map((r) => r.url)
    expect(waitUrls).toEqual(Array(3).fill(`/api/v1/approvals/${APPROVAL_ID}/wait?timeout=7`))
  })

  it('turns a daemon-side approval timeout (408) into CLIENT_APPROVAL_TIMEOUT, never a fail-open', async () => {
    const server = await daemon((req, res) => {
      if (req.url === '/api/v1/check') {
        return json(res, 202, { status: 'pending', approval_id: APPROVAL_ID, wait_url: 'x', expires_at: new Date().toISOString(), engine: verdict('human') })
      }
      json(res, 408, { error: { code: 'APPROVAL_EXPIRED', message: 'approval timed out after 1s' } })
    })
    const client = createClient({ baseUrl: server.url, failOpen: true, ...fast })
    await expect(client.check({ toolName: 'gmail_send', parameters: {} })).rejects.toMatchObject({
      code: ClientErrorCode.ApprovalTimeout,
    })
    expect(client.failedOpenStatus().count).toBe(0)
  })
})

describe('checkAction()', () => {
  it('posts a pre-normalized action and validates the action type locally', async () => {
    const server = await daemon((_req, res) => json(res, 200, verdict('allow', { channel: 'app' })))
    const client = createClient({ baseUrl: server.url, ...fast })
    const d = await client.checkAction({ actionType: 'email.send', parameters: { to: 'a@b.c' } })
    expect(d.permission).toBe('allow')
    expect(server.requests[0]).toMatchObject({
      url: '/api/v1/check_action',
      body: { action_type: 'email.send', source: 'app', parameters: { to: 'a@b.c' } },
    })
    await expect(client.checkAction({ actionType: 'emailsend' })).rejects.toMatchObject({
      code: ClientErrorCode.InvalidArgument,
    })
  })
})

describe('guard() and middleware()', () => {
  it('runs the function only on allow', async () => {
    let permission: 'allow' | 'deny' | 'human' = 'allow'
    const server = await daemon((_req, res) => json(res, 200, verdict(permission, permission === 'deny' ? { block_reason: 'no' } : {})))
    const client = createClient({ baseUrl: server.url, ...fast })
    const ran: string[] = []
    const send = guard(client, async (to: string) => { ran.push(to); return `sent ${to}` }, { toolName: 'gmail_send', parameters: (to) => ({ to }) })
    await expect(send('a@x.y')).resolves.toBe('sent a@x.y')
    permission = 'deny'
    await expect(send('b@x.y')).rejects.toMatchObject({ code: ClientErrorCode.Denied, message: 'no' })
    permission = 'human'
    await expect(send('c@x.y')).rejects.toMatchObject({ code: ClientErrorCode.Denied, message: 'human approval required for gmail_send' })
    expect(ran).toEqual(['a@x.y'])
    expect(server.requests.map((r) => (r.body as { parameters: unknown }).parameters)).toEqual([{ to: 'a@x.y' }, { to: 'b@x.y' }, { to: 'c@x.y' }])

    const dispatch = middleware(client, async (tool: string) => `ran ${tool}`, { onBlock: 'return' })
    const blocked = await dispatch('Bash', { command: 'rm -rf /' })
    expect(isBlocked(blocked)).toBe(true)
  })
})
