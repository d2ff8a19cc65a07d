import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryPolicyStore, initParsers } from '@permit0/engine'
import { verifyAuditChain } from '@permit0/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildEngine } from '../src/engine-factory.ts'
import { createShadowEvaluator, shadowFields } from '../src/server/shadow.ts'
import type { ServerHandle } from '../src/server/start-server.ts'
import { call, reviewerHeaders } from './helpers/http.ts'
import { emailPacksDir, startTestServer } from './helpers/in-process.ts'

/** The email pack with email.archive made a fixed HIGH tier (live allow → candidate human). */
function candidatePacks(): string {
  const root = mkdtempSync(join(tmpdir(), 'permit0-shadow-'))
  cpSync(join(emailPacksDir(), 'email'), join(root, 'email'), { recursive: true })
  rmSync(join(root, 'email/pack.lock.yaml'))
  const rule = join(root, 'email/risk_rules/archive.yaml')
  writeFileSync(rule, readFileSync(rule, 'utf8').replace(/base:[\s\S]*$/, 'tier: high\nbase:\n  flags:\n    MUTATION: primary\n'))
  return root
}

describe('serve --shadow (real server, PGlite)', { timeout: 60_000 }, () => {
  const packs = candidatePacks()
  let server: ServerHandle
  beforeAll(async () => {
    server = await startTestServer({ ui: true, shadowPacksDir: packs })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    rmSync(packs, { recursive: true, force: true })
  })

  const latest = async () => (await call(server.url, 'GET', '/api/v1/audit?limit=1')).body.entries[0]

  it('records the candidate answer beside the live one, which alone is enforced (nothing parks for the shadow)', async () => {
    const archived = await call(server.url, 'POST', '/api/v1/check', { tool_name: 'gmail_archive', parameters: { message_id: 'm1' } }, { anonymous: true })
    expect(archived).toMatchObject({ status: 200, body: { permission: 'allow', source: 'Scorer' } })
    expect((await call(server.url, 'GET', '/api/v1/approvals')).body.approvals).toHaveLength(0)
    expect(await latest()).toMatchObject({
      action_type: 'email.archive',
      permission: 'allow',
      shadow: { permission: 'human', source: 'Scorer', tier: 'HIGH', score: expect.any(Number) },
    })
  })

  it('a parked call carries the shadow answer in the entry written when it is decided', async () => {
    const parked = await call(server.url, 'POST', '/api/v1/check', { tool_name: 'gmail_delete', parameters: { message_id: 'm2' }, hitl_wait: false }, { anonymous: true })
    expect(parked.status).toBe(202)
    await call(server.url, 'POST', '/api/v1/approvals/decide', { approval_id: parked.body.approval_id, permission: 'deny', reviewer: 'ann' })
    let entry = await latest()
    for (let i = 0; i < 50 && entry.kind !== 'human_decision'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      entry = await latest()
    }
    expect(entry).toMatchObject({
      kind: 'human_decision',
      permission: 'deny',
      engine_permission: 'human',
      shadow: { permission: 'human', source: 'Scorer', tier: 'HIGH' },
    })
  })

  it('the shadow member is signed with the entry: the export verifies, and changing it does not', async () => {
    const text = await (await fetch(`${server.url}/api/v1/audit/export?format=jsonl`, { headers: reviewerHeaders(server.url) })).text()
    const entries = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>)
    expect(entries.every((e) => e.shadow !== undefined)).toBe(true)
    const key = server.store.audit.publicKey
    expect((await verifyAuditChain(entries, [key])).ok).toBe(true)
    entries[0]!.shadow.permission = 'deny'
    expect(await verifyAuditChain(entries, [key])).toMatchObject({ ok: false, failure: { reason: 'entry_hash does not match its content' } })
  })
})

describe('the shadow evaluator never throws and writes nothing', () => {
  beforeAll(async () => initParsers())
  const action = {
    actionType: 'email.archive',
    domain: 'email',
    verb: 'archive',
    channel: 'gmail',
    parameters: {},
    execution: { surfaceTool: 'gmail_archive', surfaceCommand: 'gmail_archive' },
    normHash: '0'.repeat(64),
  }
  const call0 = { toolName: 'gmail_archive', parameters: { message_id: 'm1' }, metadata: {} }

  it('an engine error is recorded as the shadow error', async () => {
    const broken = createShadowEvaluator(
      { check: () => Promise.reject(new Error('candidate exploded')), checkAction: () => Promise.reject(new Error('no')) },
      createMemoryPolicyStore(),
    )
    expect(await shadowFields(broken, { call: call0, action, nowMs: 1 })).toEqual({ shadow: { error: 'candidate exploded' } })
    const failingLookup = createShadowEvaluator(buildEngine({ packsDir: candidatePacks() }).engine, {
      lookup: () => Promise.reject(new Error('store down')),
      cacheSet: () => Promise.reject(new Error('must not be called')),
    })
    expect(await shadowFields(failingLookup, { call: call0, action, nowMs: 1 })).toEqual({ shadow: { error: 'store down' } })
  })

  it('reads the lists but neither the cached verdicts nor writes any', async () => {
    const live = createMemoryPolicyStore({ fingerprint: 'live' })
    const engine = buildEngine({ packsDir: candidatePacks() }).engine
    const evaluate = createShadowEvaluator(engine, live)
    const first = await evaluate({ call: call0, action, nowMs: 1 })
    expect(first).toMatchObject({ permission: 'human', source: 'Scorer', tier: 'HIGH' })
    const hash = (await engine.check(call0, { store: createMemoryPolicyStore(), nowMs: 1 })).action.normHash
    expect((await live.lookup(hash, 2)).cached).toBeUndefined() // the candidate's verdict was not cached
    await live.cacheSet({ normHash: hash, permission: 'allow', source: 'HumanReviewer', createdAtMs: 1, expiresAtMs: 10_000, fingerprint: 'live' })
    expect(await evaluate({ call: call0, action, nowMs: 2 })).toMatchObject({ permission: 'human', source: 'Scorer' })
    live.addDeny(hash)
    expect(await evaluate({ call: call0, action, nowMs: 3 })).toMatchObject({ permission: 'deny', source: 'Denylist' })
  })
})
