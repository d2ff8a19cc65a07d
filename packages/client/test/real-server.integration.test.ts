import { createServer, connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, created, openEventStream } from '@permit0/cli/test/helpers/http.ts'
import { startTestServer } from '@permit0/cli/test/helpers/in-process.ts'
import { createClient } from '../src/index.ts'

const internalMail = { to: 'ann@acme.com', subject: 'hi', body: 'lunch?' }
const externalMail = { to: 'bob@external-partner.com', subject: 'Lunch', body: 'See you at noon' }

describe('@permit0/client against a real permit0 serve', { timeout: 60_000 }, () => {
  it('fails open while the daemon is down, then replays into the audit log with retro verdicts', async () => {
    const first = await startTestServer({ orgDomain: 'acme.com' }) // the server owns org_domain (a client's is ignored)
    const port = first.port
    const client = createClient({ baseUrl: first.url, orgDomain: 'acme.com', clientKind: 'claude-code', failOpen: true, retries: 1, backoffMs: 5, autoReplay: false })
    const live = await client.check({ toolName: 'gmail_send', parameters: internalMail })
    expect(live).toMatchObject({ permission: 'allow', source: 'Scorer', actionType: 'email.send', failedOpen: false })

    await first.close() // the daemon dies
    const during = [
      await client.check({ toolName: 'gmail_send', parameters: internalMail, sessionId: 'outage' }),
      await client.check({ toolName: 'gmail_send', parameters: externalMail, sessionId: 'outage' }),
      await client.check({ toolName: 'mcp__gmail__gmail_send', parameters: externalMail, sessionId: 'outage' }),
    ]
    expect(during.every((d) => d.permission === 'allow' && d.failedOpen)).toBe(true)
    expect(client.failedOpenStatus().count).toBe(3)

    const second = await startTestServer({ port, orgDomain: 'acme.com' }) // back on the same address
    try {
      const report = await client.replayFailedOpen()
      expect(report).toEqual({ accepted: 3, rejected: [], remaining: 0 })
      expect(client.failedOpenStatus().count).toBe(0)

      const audit = await call(second.url, 'GET', '/api/v1/audit?limit=100&session_id=outage')
      const entries = audit.body.entries as { kind: string; permission: string; source: string; action_type: string }[]
      expect(entries).toHaveLength(3)
      expect(entries.every((e) => e.kind === 'failed_open' && e.source === 'FailedOpen')).toBe(true)
      // The server re-decides each replayed call itself (the caller never sets the permission), with
      // the session's history: external sends right after a send that exposed data are denied.
      expect(entries.map((e) => e.permission).sort()).toEqual(['allow', 'deny', 'deny'])
      expect(entries.every((e) => e.action_type === 'email.send')).toBe(true) // the MCP prefix was stripped on replay

      const windows = await call(second.url, 'GET', '/api/v1/audit/failed_open_windows')
      expect(windows.status).toBe(200)
      expect(windows.body.windows).toEqual([
        expect.objectContaining({ fail_reason_code: 'CLIENT_TRANSPORT', event_count: 3, would_have_allowed: 1, would_have_denied: 2, would_have_human: 0, would_have_blocked: 2 }),
      ])
      const verify = await call(second.url, 'GET', '/api/v1/audit/verify')
      expect(verify.body.ok).toBe(true)
    } finally {
      await second.close()
    }
  })

  it('drains a fail-open buffer whose batch is over the general 1 MiB body limit (the replay route takes it)', async () => {
    const first = await startTestServer({ orgDomain: 'acme.com' })
    const port = first.port
    await first.close() // down from the start: both calls fail open
    const client = createClient({ baseUrl: first.url, failOpen: true, retries: 0, backoffMs: 5, autoReplay: false })
    await client.check({ toolName: 'gmail_send', parameters: { ...internalMail, body: 'a'.repeat(850_000) }, sessionId: 'big' })
    await client.check({ toolName: 'gmail_send', parameters: { ...internalMail, body: 'b'.repeat(1_100_000) }, sessionId: 'big' })
    expect(client.failedOpenStatus().count).toBe(2)
    const second = await startTestServer({ port, orgDomain: 'acme.com' })
    try {
      // two batches: 850 kB, then the second event alone (about 1.1 MB: a batch is at least one event),
      // which the general 1 MiB limit used to refuse with 413 forever
      expect(await client.replayFailedOpen()).toEqual({ accepted: 2, rejected: [], remaining: 0 })
      const audit = await call(second.url, 'GET', '/api/v1/audit?limit=10&session_id=big')
      expect(audit.body.entries).toHaveLength(2)
    } finally {
      await second.close()
    }
  })

  it('rejects an oversized replay batch with 413 and bad events with 400', async () => {
    const server = await startTestServer()
    try {
      const event = (i: number) => ({ event_id: `e${i}`, occurred_at: new Date().toISOString(), tool_name: 'gmail_read', parameters: {} })
      const big = await call(server.url, 'POST', '/api/v1/audit/replay', { events: Array.from({ length: 501 }, (_, i) => event(i)) })
      expect(big.status).toBe(413)
      expect(big.body.error.message).toBe('replay batch too large: 501 events (max 500)')
      const bad = await call(server.url, 'POST', '/api/v1/audit/replay', { events: [{ event_id: 'x' }] })
      expect(bad.status).toBe(400)
      const entries = await call(server.url, 'GET', '/api/v1/audit?limit=10')
      expect(entries.body.entries).toHaveLength(0)
    } finally {
      await server.close()
    }
  })
})

describe('@permit0/client parked approvals against real permit0 serve --ui', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let events: Awaited<ReturnType<typeof openEventStream>>
  beforeAll(async () => {
    server = await startTestServer({ ui: true })
    events = await openEventStream(server.url)
  }, 60_000)
  afterAll(async () => {
    events?.close()
    await server?.close()
  }, 60_000)

  it('re-attaches after the connection drops during a park and returns the human verdict', async () => {
    // A TCP proxy between client and daemon whose connections the test can sever.
    const sockets = new Set<Socket>()
    let sawWait!: () => void
    const waitSeen = new Promise<void>((r) => (sawWait = r))
    const proxy = createServer((downstream) => {
      const upstream = connect(server.port, '127.0.0.1')
      sockets.add(downstream).add(upstream)
      downstream.on('data', (chunk: Buffer) => {
        if (chunk.toString('latin1').startsWith('GET /api/v1/approvals/')) sawWait()
      })
      downstream.pipe(upstream).pipe(downstream)
      const drop = () => {
        downstream.destroy()
        upstream.destroy()
      }
      downstream.on('error', drop).on('close', drop)
      upstream.on('error', drop).on('close', drop)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    try {
      const client = createClient({ baseUrl: proxyUrl, orgDomain: 'acme.com', pollSecs: 30, backoffMs: 10 })
      const decision = client.check({ toolName: 'gmail_send', parameters: externalMail, sessionId: 'park' })
      const parked = await events.next(created)
      if (parked.type !== 'approval.created') throw new Error('expected approval.created')
      await waitSeen
      for (const s of sockets) s.destroy() // the network path dies mid-park
      const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', {
        approval_id: parked.approval.approval_id,
        permission: 'allow',
        reviewer: 'ann',
      })
      expect(decided.status).toBe(200)
      await expect(decision).resolves.toMatchObject({
        permission: 'allow',
        source: 'HumanReviewer',
        approvalId: parked.approval.approval_id,
        failedOpen: false,
      })
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => proxy.close(() => r()))
    }
  })

  it('guard() runs the function only after a human allows it', async () => {
    const client = createClient({ baseUrl: server.url, orgDomain: 'acme.com' })
    const { guard } = await import('../src/index.ts')
    const sent: string[] = []
    const send = guard(client, async (p: typeof externalMail) => sent.push(p.to), { toolName: 'gmail_send' })
    const run = send({ ...externalMail, to: 'carol@external-partner.com' }).catch((e: unknown) => e)
    const parked = await events.next(created)
    if (parked.type !== 'approval.created') throw new Error('expected approval.created')
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: parked.approval.approval_id, permission: 'deny', reason: 'no' })
    const result = await run
    expect(result).toMatchObject({ code: 'CLIENT_DENIED' })
    expect(sent).toEqual([])
  })
})
