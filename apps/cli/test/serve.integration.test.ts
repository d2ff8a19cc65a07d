import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })
import { CheckAcceptedSchema, CheckResponseSchema, ErrorEnvelopeSchema } from '@permit0/contracts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, created, externalMail, openEventStream, postLarge, resolvedAs, reviewerHeaders } from './helpers/http.ts'
import { startTestServer } from './helpers/in-process.ts'

type Stream = Awaited<ReturnType<typeof openEventStream>>

const auditKinds = async (url: string, approvalId: string): Promise<string[]> => {
  const page = await call(url, 'GET', '/api/v1/audit?limit=1000')
  return (page.body.entries as Array<{ kind: string; approval_id?: string }>)
    .filter((e) => e.approval_id === approvalId)
    .map((e) => e.kind)
}

describe('permit0 serve --ui: the seed behaviour matrix', () => {
  let server: ServerHandle
  let events: Stream

  beforeAll(async () => {
    server = await startTestServer({ ui: true })
    events = await openEventStream(server.url)
  })
  afterAll(async () => {
    events.close()
    await server.close()
  })

  it('parks an external gmail_send, shows it in the queue, resumes with the human verdict, then caches it', async () => {
    const parked = call(server.url, 'POST', '/api/v1/check', externalMail())
    const event = await events.next(created)
    if (event.type !== 'approval.created') throw new Error('expected a created event')

    const list = await call(server.url, 'GET', '/api/v1/approvals')
    expect(list.status).toBe(200)
    expect(list.body.approvals).toHaveLength(1)
    const card = list.body.approvals[0]
    expect(card).toMatchObject({
      approval_id: event.approval.approval_id,
      status: 'pending',
      action_type: 'email.send',
      domain: 'email',
      verb: 'send',
      channel: 'gmail',
      tool_name: 'gmail_send',
      engine_permission: 'human',
      engine_source: 'Scorer',
    })
    expect(card.norm_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(typeof card.score).toBe('number')
    expect(['MEDIUM', 'HIGH']).toContain(card.tier)
    expect(card.flags).toContain('OUTBOUND')
    expect(Object.keys(card.parameters)).toEqual(expect.arrayContaining(['to', 'body', 'subject', 'domain', 'recipient_scope']))
    expect(card.parameters.recipient_scope).toBe('external')

    const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', {
      approval_id: card.approval_id,
      permission: 'allow',
      reviewer: 'ann',
      reason: 'known partner',
    })
    expect(decided.status).toBe(200)
    expect(decided.body.resolution).toMatchObject({ status: 'decided', permission: 'allow', reviewer: 'ann' })

    const resumed = await parked
    expect(resumed.status).toBe(200)
    expect(CheckResponseSchema.parse(resumed.body)).toMatchObject({
      permission: 'allow',
      source: 'HumanReviewer',
      decision_source: 'HumanReviewer',
      approval_id: card.approval_id,
      reviewer: 'ann',
      reason: 'known partner',
      norm_hash: card.norm_hash,
    })
    expect((await call(server.url, 'GET', '/api/v1/approvals')).body.approvals).toEqual([])

    // identical repeat: served from the cache without a prompt
    const repeat = await call(server.url, 'POST', '/api/v1/check', externalMail())
    expect(repeat.body).toMatchObject({ permission: 'allow', source: 'PolicyCache', norm_hash: card.norm_hash })

    // any normalized-parameter difference parks again
    const different = call(server.url, 'POST', '/api/v1/check', externalMail('Actually, lunch at one?'))
    const again = await events.next(created)
    if (again.type !== 'approval.created') throw new Error('expected a created event')
    expect(again.approval.norm_hash).not.toBe(card.norm_hash)
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: again.approval.approval_id, permission: 'deny' })
    expect((await different).body).toMatchObject({ permission: 'deny', source: 'HumanReviewer' })

    // every step is audited: the human decision carries reviewer, reason and the engine verdict
    const audit = await call(server.url, 'GET', `/api/v1/audit?limit=1000`)
    const human = audit.body.entries.find((e: { approval_id?: string }) => e.approval_id === card.approval_id)
    expect(human).toMatchObject({
      kind: 'human_decision',
      permission: 'allow',
      source: 'HumanReviewer',
      reviewer: 'ann',
      reason: 'known partner',
      engine_permission: 'human',
      engine_source: 'Scorer',
    })
    expect(audit.body.entries.some((e: { source: string }) => e.source === 'PolicyCache')).toBe(true)
  })

  it('lets exactly one decision win: 409 with the winning resolution, 404 for unknown ids', async () => {
    const parked = call(server.url, 'POST', '/api/v1/check', externalMail('race'))
    const event = await events.next(created)
    if (event.type !== 'approval.created') throw new Error('expected a created event')
    const id = event.approval.approval_id
    const [a, b] = await Promise.all([
      call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: id, permission: 'deny', reviewer: 'a' }),
      call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: id, permission: 'allow', reviewer: 'b' }),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const loser = a.status === 409 ? a : b
    const winner = a.status === 200 ? a : b
    expect(ErrorEnvelopeSchema.parse(loser.body).error).toMatchObject({
      code: 'APPROVAL_CONFLICT',
      resolution: { status: 'decided', permission: winner.body.resolution.permission },
    })
    expect((await parked).body.permission).toBe(winner.body.resolution.permission)

    const unknown = await call(server.url, 'POST', '/api/v1/approvals/decide', {
      approval_id: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
      permission: 'allow',
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('APPROVAL_NOT_FOUND')
    expect((await call(server.url, 'GET', '/api/v1/approvals/01JZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404)
  })

  it('answers 408 when no human decides in time (per-request hitl_timeout_secs) and audits the timeout', async () => {
    const reply = await call(server.url, 'POST', '/api/v1/check', { ...externalMail('too slow'), hitl_timeout_secs: 0 })
    expect(reply.status).toBe(408)
    const error = ErrorEnvelopeSchema.parse(reply.body).error
    expect(error.code).toBe('APPROVAL_TIMEOUT')
    expect(error.resolution?.status).toBe('expired')
    const event = await events.next(created)
    if (event.type !== 'approval.created') throw new Error('expected a created event')
    await events.next(resolvedAs('expired'))
    expect(await auditKinds(server.url, event.approval.approval_id)).toEqual(['approval_expired'])
    expect((await call(server.url, 'GET', '/api/v1/approvals')).body.approvals).toEqual([])
  })

  it('returns UnknownFallback human verdicts at once', async () => {
    const reply = await call(server.url, 'POST', '/api/v1/check', { tool_name: 'frobnicate_widget', parameters: { x: 1 } })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ permission: 'human', source: 'UnknownFallback' })
    expect((await call(server.url, 'GET', '/api/v1/approvals')).body.approvals).toEqual([])
  })

  it('abandons the approval when the waiting client disconnects', async () => {
    const controller = new AbortController()
    const parked = call(server.url, 'POST', '/api/v1/check', externalMail('going away'), { signal: controller.signal })
    const event = await events.next(created)
    if (event.type !== 'approval.created') throw new Error('expected a created event')
    controller.abort()
    await expect(parked).rejects.toThrow()
    const gone = await events.next(resolvedAs('abandoned'))
    expect(gone).toMatchObject({ approval_id: event.approval.approval_id })
    const record = await call(server.url, 'GET', `/api/v1/approvals/${event.approval.approval_id}`)
    expect(record.body).toMatchObject({ status: 'abandoned', resolution: { status: 'abandoned' } })
    expect(await auditKinds(server.url, event.approval.approval_id)).toEqual(['approval_abandoned'])
  })

  it('supports async clients: Prefer respond-async → 202, then long-poll the wait URL', async () => {
    const accepted = await call(server.url, 'POST', '/api/v1/check', externalMail('async'), {
      headers: { Prefer: 'respond-async' },
    })
    expect(accepted.status).toBe(202)
    const body = CheckAcceptedSchema.parse(accepted.body)
    expect(body.wait_url).toBe(`/api/v1/approvals/${body.approval_id}/wait`)
    await events.next(created)

    const still = await call(server.url, 'GET', `${body.wait_url}?timeout=0`)
    expect(still.status).toBe(202)
    expect(still.body).toMatchObject({ status: 'pending', approval_id: body.approval_id })

    const waiting = call(server.url, 'GET', `${body.wait_url}?timeout=60`)
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: body.approval_id, permission: 'deny', reviewer: 'zed' })
    const done = await waiting
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ permission: 'deny', source: 'HumanReviewer', reviewer: 'zed' })

    const viaField = await call(server.url, 'POST', '/api/v1/check', { ...externalMail('async 2'), hitl_wait: false })
    expect(viaField.status).toBe(202)
    await events.next(created)
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: viaField.body.approval_id, permission: 'allow' })
  })

  it('never caches a human answer of `human`', async () => {
    for (let round = 0; round < 2; round++) {
      const parked = call(server.url, 'POST', '/api/v1/check', externalMail('undecided'))
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected a created event')
      await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: event.approval.approval_id, permission: 'HumanInTheLoop' })
      expect((await parked).body).toMatchObject({ permission: 'human', source: 'HumanReviewer' })
    }
  })

  it('rejects bad input with a 4xx envelope naming what and where', async () => {
    const malformed = await call(server.url, 'POST', '/api/v1/check', undefined, { raw: '{"tool_name":' })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED')

    const wrongType = await call(server.url, 'POST', '/api/v1/check', { tool_name: 42, parameters: {} })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'tool_name' })]))
    expect(typeof wrongType.body.error.requestId).toBe('string')

    const both = await call(server.url, 'POST', '/api/v1/check', { tool_name: 'a', tool: 'b', parameters: {} })
    expect(both.status).toBe(400)

    const huge = await postLarge(server.url, '/api/v1/check', JSON.stringify({ tool_name: 'gmail_send', parameters: { body: 'x'.repeat(1_100_000) } }))
    expect(huge.status).toBe(413)
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE')

    const badAction = await call(server.url, 'POST', '/api/v1/check_action', { action_type: 'email.fly' })
    expect(badAction.status).toBe(400)

    const badDecide = await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', permission: 'maybe' })
    expect(badDecide.status).toBe(400)
    expect(badDecide.body.error.issues[0].path).toBe('permission')

    expect((await call(server.url, 'GET', '/api/v1/audit?limit=abc')).status).toBe(400)
    expect((await call(server.url, 'GET', '/api/v1/audit?source=Bogus')).body.error.issues[0].path).toBe('source')
    const humans = await call(server.url, 'GET', '/api/v1/audit?source=HumanReviewer')
    expect(humans.body.entries.length).toBeGreaterThan(0)
    expect(humans.body.entries.every((e: { source: string }) => e.source === 'HumanReviewer')).toBe(true)
    expect((await call(server.url, 'GET', '/api/v1/nope')).status).toBe(404)
    expect((await call(server.url, 'GET', '/api/v1/lists/greylist')).status).toBe(404)
  })

  it('serves health, stats, lists, metrics and the OpenAPI document', async () => {
    const health = await call(server.url, 'GET', '/api/v1/health')
    expect(health.body).toMatchObject({ ok: true, service: 'permit0', mode: { ui: true }, store: { ok: true, kind: 'embedded' } })

    const hash = 'ab'.repeat(32)
    expect((await call(server.url, 'POST', '/api/v1/lists/denylist', { norm_hash_hex: hash.toUpperCase(), reason: 'no' })).status).toBe(201)
    expect((await call(server.url, 'GET', '/api/v1/lists/denylist')).body.entries).toEqual([
      expect.objectContaining({ norm_hash: hash, reason: 'no' }),
    ])
    expect((await call(server.url, 'DELETE', '/api/v1/lists/denylist', { norm_hash: hash })).body).toEqual({ removed: true })

    const stats = await call(server.url, 'GET', '/api/v1/stats')
    expect(stats.body.total_decisions).toBeGreaterThan(0)
    expect(stats.body.pending_approvals).toBe(0)

    const metrics = await fetch(`${server.url}/metrics`, { headers: reviewerHeaders(server.url) }).then((r) => r.text())
    expect(metrics).toMatch(/permit0_decisions_total\{permission="allow",source="HumanReviewer",tier="[A-Z]+"\} \d/)
    expect(metrics).toContain('permit0_parked_requests 0')
    expect(metrics).toContain('permit0_decide_duration_seconds_count')

    const openapi = await call(server.url, 'GET', '/api/v1/openapi.json')
    expect(openapi.body.openapi).toBe('3.1.0')
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/check', '/api/v1/approvals/decide']))
  })

  it('hitl_routing: an explicit cc-prompt returns human at once (never parked); ui-wait and absent park', async () => {
    for (const routing of ['cc-prompt', 'CC_PROMPT']) {
      const r = await call(server.url, 'POST', '/api/v1/check', { ...externalMail(`routing ${routing}`), hitl_routing: routing })
      expect(r.status).toBe(200)
      expect(r.body).toMatchObject({ permission: 'human', source: 'Scorer' })
      expect(r.body.approval_id).toBeUndefined()
    }
    expect((await call(server.url, 'GET', '/api/v1/approvals')).body.approvals).toEqual([])
    for (const routing of ['ui-wait', undefined]) {
      const body = { ...externalMail(`routing ${String(routing)}`), ...(routing !== undefined && { hitl_routing: routing }) }
      const r = await call(server.url, 'POST', '/api/v1/check', body, { headers: { prefer: 'respond-async' } })
      expect(r.status).toBe(202)
      const decided = await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: r.body.approval_id, permission: 'deny' })
      expect(decided.status).toBe(200)
    }
  })
})

describe('permit0 serve without --ui', () => {
  let server: ServerHandle
  beforeAll(async () => {
    server = await startTestServer({ ui: false })
  })
  afterAll(() => server.close())

  it('passes HITL verdicts through at once: no queue', async () => {
    const reply = await call(server.url, 'POST', '/api/v1/check', externalMail())
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ permission: 'human', source: 'Scorer', decision_source: 'Scorer', channel: 'gmail' })
    expect((await call(server.url, 'GET', '/api/v1/approvals')).body.approvals).toEqual([])
    expect((await call(server.url, 'GET', '/ui/')).status).toBe(404)
  })
})

describe('permit0 serve --ui --no-cache-human-verdicts', () => {
  let server: ServerHandle
  let events: Stream
  beforeAll(async () => {
    server = await startTestServer({ ui: true, cacheHumanVerdicts: false })
    events = await openEventStream(server.url)
  })
  afterAll(async () => {
    events.close()
    await server.close()
  })

  it('re-prompts an identical call after a human allowed it', async () => {
    for (let round = 0; round < 2; round++) {
      const parked = call(server.url, 'POST', '/api/v1/check', externalMail())
      const event = await events.next(created)
      if (event.type !== 'approval.created') throw new Error('expected a created event')
      await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: event.approval.approval_id, permission: 'allow' })
      expect((await parked).body).toMatchObject({ permission: 'allow', source: 'HumanReviewer' })
    }
  })
})

describe('permit0 serve --calibrate', () => {
  let server: ServerHandle
  let events: Stream
  beforeAll(async () => {
    server = await startTestServer({ calibrate: true })
    events = await openEventStream(server.url)
  })
  afterAll(async () => {
    events.close()
    await server.close()
  })

  it('parks engine allows and unknown-fallback calls too, and audits the human verdict beside the engine one', async () => {
    const internal = { tool_name: 'gmail_search', parameters: { query: 'from:me' } }
    const parked = call(server.url, 'POST', '/api/v1/check', internal)
    const event = await events.next(created)
    if (event.type !== 'approval.created') throw new Error('expected a created event')
    expect(event.approval).toMatchObject({ kind: 'calibration', engine_source: 'Scorer' })
    const enginePermission = event.approval.engine_permission
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: event.approval.approval_id, permission: 'deny', reviewer: 'cal' })
    expect((await parked).body).toMatchObject({ permission: 'deny', source: 'HumanReviewer' })
    const audit = await call(server.url, 'GET', '/api/v1/audit?limit=1000')
    expect(audit.body.entries.find((e: { approval_id?: string }) => e.approval_id === event.approval.approval_id)).toMatchObject({
      kind: 'human_decision',
      permission: 'deny',
      engine_permission: enginePermission,
      reviewer: 'cal',
    })

    const unknown = call(server.url, 'POST', '/api/v1/check', { tool_name: 'frobnicate_widget', parameters: {} })
    const parkedUnknown = await events.next(created)
    if (parkedUnknown.type !== 'approval.created') throw new Error('expected a created event')
    expect(parkedUnknown.approval.engine_source).toBe('UnknownFallback')
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: parkedUnknown.approval.approval_id, permission: 'allow' })
    expect((await unknown).body).toMatchObject({ permission: 'allow', source: 'HumanReviewer' })

    const stats = await call(server.url, 'GET', '/api/v1/calibration/stats')
    expect(stats.body).toMatchObject({ total: 2, overridden: 2 - stats.body.matched })
    expect(stats.body.by_reviewer).toEqual(expect.arrayContaining([{ reviewer: 'cal', count: 1 }]))
    const records = await call(server.url, 'GET', '/api/v1/calibration/records?reviewer=cal')
    expect(records.body.records).toHaveLength(1)
    expect(records.body.records[0]).toMatchObject({ approval_id: event.approval.approval_id, engine_permission: enginePermission })
  })

  it('an approved call of an unknown tool answers only that call: other parameters and even the same call ask again', async () => {
    const approveNext = async (): Promise<string> => {
      const e = await events.next(created)
      if (e.type !== 'approval.created') throw new Error('expected a created event')
      expect(e.approval.engine_source).toBe('UnknownFallback')
      await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: e.approval.approval_id, permission: 'allow', reviewer: 'cal' })
      return e.approval.norm_hash as string
    }
    const harmless = { tool_name: 'acme_runner', parameters: { cmd: 'echo hi' } }
    const first = call(server.url, 'POST', '/api/v1/check', harmless)
    const hashA = await approveNext()
    expect((await first).body).toMatchObject({ permission: 'allow', source: 'HumanReviewer' })

    // a different parameter is a different call (the hash covers every parameter) …
    const dangerous = call(server.url, 'POST', '/api/v1/check', { tool_name: 'acme_runner', parameters: { cmd: 'rm -rf ~' } })
    const pending = await events.next(created)
    if (pending.type !== 'approval.created') throw new Error('expected a created event')
    expect(pending.approval.norm_hash).not.toBe(hashA)
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: pending.approval.approval_id, permission: 'deny', reviewer: 'cal' })
    expect((await dangerous).body).toMatchObject({ permission: 'deny', source: 'HumanReviewer' })

    // … and the identical call is asked again: a verdict on an unknown tool is never cached.
    const repeat = call(server.url, 'POST', '/api/v1/check', harmless)
    expect(await approveNext()).toBe(hashA)
    expect((await repeat).body).toMatchObject({ permission: 'allow', source: 'HumanReviewer' })
  })
})

describe('permit0 serve --ui: unknown tools', () => {
  it('answers unknown tools human without parking, each call under its own hash (every parameter counts)', async () => {
    const server = await startTestServer({ ui: true })
    try {
      const call1 = await call(server.url, 'POST', '/api/v1/check', { tool_name: 'acme_runner', parameters: { cmd: 'ls' } })
      // Unknown tools are answered `human` (UnknownFallback) and, under --ui, not parked …
      expect(call1.body).toMatchObject({ permission: 'human', source: 'UnknownFallback' })
      const call2 = await call(server.url, 'POST', '/api/v1/check', { tool_name: 'acme_runner', parameters: { cmd: 'rm -rf ~' } })
      expect(call2.body).toMatchObject({ permission: 'human', source: 'UnknownFallback' })
      expect(call2.body.norm_hash).not.toBe(call1.body.norm_hash)
    } finally {
      await server.close()
    }
  })
})

describe('restart with pending approvals (embedded data dir)', () => {
  let dataDir: string
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('keeps a pending approval decidable after a restart, and expires one that fell due, auditing which', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'permit0-restart-'))
    const first = await startTestServer({ ui: true, dataDir })
    const keep = await call(first.url, 'POST', '/api/v1/check', { ...externalMail('keep me'), hitl_wait: false })
    const lapse = await call(first.url, 'POST', '/api/v1/check', { ...externalMail('let me lapse'), hitl_wait: false, hitl_timeout_secs: 1 })
    expect([keep.status, lapse.status]).toEqual([202, 202])
    await first.close()

    // The second process starts with its clock past the short approval's deadline.
    const later = Date.now() + 5_000
    const second = await startTestServer({ ui: true, dataDir }, { clock: { now: () => Date.now() + 5_000, setTimeout: (fn, ms) => {
      const h = setTimeout(fn, ms)
      return () => clearTimeout(h)
    } } })
    try {
      expect(Date.now() + 5_000).toBeGreaterThanOrEqual(later)
      const pending = await call(second.url, 'GET', '/api/v1/approvals')
      expect(pending.body.approvals.map((a: { approval_id: string }) => a.approval_id)).toEqual([keep.body.approval_id])
      const lapsed = await call(second.url, 'GET', `/api/v1/approvals/${lapse.body.approval_id}`)
      expect(lapsed.body.status).toBe('expired')
      expect(await auditKinds(second.url, lapse.body.approval_id)).toEqual(['approval_expired'])

      const decided = await call(second.url, 'POST', '/api/v1/approvals/decide', { approval_id: keep.body.approval_id, permission: 'allow' })
      expect(decided.status).toBe(200)
      expect(await auditKinds(second.url, keep.body.approval_id)).toEqual(['human_decision'])
      const waited = await call(second.url, 'GET', `/api/v1/approvals/${keep.body.approval_id}/wait?timeout=0`)
      expect(waited.body).toMatchObject({ permission: 'allow', source: 'HumanReviewer' })
    } finally {
      await second.close()
    }
  })
})

describe('graceful shutdown', () => {
  it('answers parked requests (503, approval abandoned), ends event streams and closes the store', async () => {
    const server = await startTestServer({ ui: true })
    const events = await openEventStream(server.url)
    const parked = call(server.url, 'POST', '/api/v1/check', externalMail('shutting down'))
    const event = await events.next(created)
    if (event.type !== 'approval.created') throw new Error('expected a created event')
    await server.close()
    const reply = await parked
    expect(reply.status).toBe(503)
    expect(reply.body.error).toMatchObject({ code: 'APPROVAL_ABANDONED', resolution: { status: 'abandoned', reason: 'server shutting down' } })
    events.close()
    await expect(server.store.health()).resolves.toMatchObject({ ok: false })
  })
})

describe('dashboard static files with --ui', () => {
  it('serves the build at /ui/ with an SPA fallback and redirects / there', async () => {
    const uiDir = await mkdtemp(join(tmpdir(), 'permit0-ui-'))
    const { writeFile, mkdir } = await import('node:fs/promises')
    await writeFile(join(uiDir, 'index.html'), '<!doctype html><title>permit0</title>')
    await mkdir(join(uiDir, 'assets'))
    await writeFile(join(uiDir, 'assets', 'app.js'), 'console.log(1)')
    const server = await startTestServer({ ui: true, uiDir })
    try {
      const root = await fetch(`${server.url}/`, { redirect: 'manual' })
      expect([301, 302]).toContain(root.status)
      expect(root.headers.get('location')).toBe('/ui/')
      const index = await fetch(`${server.url}/ui/`)
      expect(index.headers.get('content-type')).toContain('text/html')
      expect(await index.text()).toContain('<title>permit0</title>')
      const asset = await fetch(`${server.url}/ui/assets/app.js`)
      expect(asset.headers.get('content-type')).toContain('javascript')
      expect(await fetch(`${server.url}/ui/approvals/123`).then((r) => r.text())).toContain('<title>permit0</title>')
      expect((await fetch(`${server.url}/ui/../../etc/passwd`)).status).not.toBe(500)
    } finally {
      await server.close()
      await rm(uiDir, { recursive: true, force: true })
    }
  })
})
