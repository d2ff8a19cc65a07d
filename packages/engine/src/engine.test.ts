import { hash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EngineError } from './errors.ts'
import { createEngine } from './engine.ts'
import { createMemoryPolicyStore } from './memory-store.ts'
import { parseProfile } from './profiles/profile.ts'
import type { SessionContext } from './session/session.ts'
import { isCacheable } from './verdict/pipeline.ts'
import type { AgentReviewer } from './verdict/reviewer.ts'
import type { RawToolCall } from './types.ts'

const PACK = [
  {
    path: 'acme/mail/pack.yaml',
    text: 'pack_format: 2\npermit0_pack: acme/mail\nname: mail\nversion: "0.1.0"\naction_types: [email.send, email.delete]\n',
  },
  {
    path: 'acme/mail/normalizers/acme/send.yaml',
    text: `permit0_pack: acme/mail
id: "acme:send"
priority: 100
match: { tool: acme_send }
normalize:
  action_type: email.send
  domain: email
  verb: send
  source: acme
  parameters:
    to: { from: to, type: string }
    body: { from: body, type: string, optional: true }
    recipient_scope: { compute: recipient_scope, args: [to, org_domain] }
`,
  },
  {
    path: 'acme/mail/normalizers/acme/delete.yaml',
    text: `permit0_pack: acme/mail
id: "acme:delete"
priority: 101
match: { tool: acme_delete }
normalize:
  action_type: email.delete
  domain: email
  verb: delete
  source: acme
  parameters:
    message_id: { from: message_id, type: string }
`,
  },
  {
    path: 'acme/mail/risk_rules/send.yaml',
    text: `permit0_pack: acme/mail
action_type: email.send
base:
  flags: { OUTBOUND: primary, MUTATION: primary, EXPOSURE: secondary }
  amplifiers: { scope: 18, irreversibility: 18, sensitivity: 14, destination: 28, boundary: 14 }
rules:
  - when: { parameter.recipient_scope: { in: [external, mixed] } }
    then:
      - add_flag: { flag: GOVERNANCE, role: primary }
      - add_flag: { flag: PRIVILEGE, role: secondary }
      - upgrade: { dim: scope, delta: 12 }
      - upgrade: { dim: destination, delta: 8 }
      - upgrade: { dim: sensitivity, delta: 6 }
  - when: { body: { contains: password } }
    then:
      - upgrade: { dim: sensitivity, delta: 14 }
`,
  },
  {
    path: 'acme/mail/risk_rules/delete.yaml',
    text: `permit0_pack: acme/mail
action_type: email.delete
tier: high
base: { flags: { MUTATION: primary } }
session_rules:
  - when: { record_count: { gt: 2 } }
    then: [ { gate: "too many deletes" } ]
`,
  },
]

const call = (toolName: string, parameters: Record<string, string>): RawToolCall => ({
  toolName,
  parameters,
  metadata: {},
})
const internal = call('acme_send', { to: 'bob@acme.test', body: 'hi' })
const external = call('acme_send', { to: 'eve@other.example', body: 'hi' })
const leak = call('acme_send', { to: 'eve@other.example', body: 'the password is x' })
const NOW = 1_700_000_000_000

function engine(extra: Partial<Parameters<typeof createEngine>[0]> = {}) {
  return createEngine({ packs: PACK, orgDomain: 'acme.test', fingerprint: 'fp-1', ...extra })
}

describe('engine.check', () => {
  it('routes scorer verdicts and caches only Allow/Deny', async () => {
    const e = engine()
    const store = createMemoryPolicyStore({ fingerprint: 'fp-1' })
    const allow = await e.check(internal, { store, nowMs: NOW })
    expect(allow).toMatchObject({ permission: 'allow', source: 'Scorer', risk: { tier: 'LOW', score: 17 } })
    expect(allow.trace.map((s) => `${s.stage}:${s.outcome}`)).toEqual([
      'normalize:ok',
      'denylist:miss',
      'allowlist:miss',
      'policy_cache:miss',
      'unknown_action:miss',
      'risk_scoring:evaluated',
    ])
    const human = await e.check(external, { store, nowMs: NOW })
    expect(human).toMatchObject({ permission: 'human', source: 'Scorer', risk: { tier: 'MEDIUM' } })
    const deny = await e.check(leak, { store, nowMs: NOW })
    expect(deny).toMatchObject({ permission: 'deny', risk: { blocked: true, tier: 'CRITICAL' } })
    expect(store.entries().map((x) => [x.permission, x.source, x.expiresAtMs - x.createdAtMs, x.fingerprint])).toEqual([
      ['allow', 'Scorer', 3_600_000, 'fp-1'],
      ['deny', 'Scorer', 3_600_000, 'fp-1'],
    ])
    // Repeat: a cache hit, with the cached risk; expired after the TTL.
    expect(await e.check(internal, { store, nowMs: NOW + 1 })).toMatchObject({ source: 'PolicyCache', risk: { score: 17 } })
    expect((await e.check(internal, { store, nowMs: NOW + 3_600_000 })).source).toBe('Scorer')
    // A store with another fingerprint ignores the entries.
    const other = createMemoryPolicyStore({ fingerprint: 'fp-2' })
    for (const x of store.entries()) other.cacheSetSync(x)
    expect((await e.check(internal, { store: other, nowMs: NOW + 1 })).source).toBe('Scorer')
  })

  it('applies denylist before allowlist, and unknown tools fall back to human without caching', async () => {
    const e = engine()
    const store = createMemoryPolicyStore()
    const hash = e.normalize(internal).normHash
    store.addAllow(hash)
    expect((await e.check(internal, { store, nowMs: NOW })).source).toBe('Allowlist')
    store.addDeny(hash)
    expect(await e.check(internal, { store, nowMs: NOW })).toMatchObject({ permission: 'deny', source: 'Denylist' })
    const unknown = await e.check(call('acme_frobnicate', {}), { store, nowMs: NOW })
    expect(unknown).toMatchObject({ permission: 'human', source: 'UnknownFallback', action: { actionType: 'unknown.unclassified' } })
    expect(unknown.risk).toBeUndefined()
    expect(store.entries()).toHaveLength(0)
    // even a deny on an unknown tool (say, from an agent reviewer) is never cached
    expect(isCacheable({ ...unknown, permission: 'deny', source: 'AgentReviewer' })).toBe(false)
    expect(isCacheable({ ...unknown, permission: 'deny', source: 'AgentReviewer', action: e.normalize(internal) })).toBe(true)
  })

  it('fixed tiers route to human; session rules and session block rules gate', async () => {
    const e = engine()
    const del = call('acme_delete', { message_id: 'm1' })
    expect(await e.check(del, { store: createMemoryPolicyStore(), nowMs: NOW })).toMatchObject({
      permission: 'human',
      risk: { tier: 'HIGH', score: 65 },
    })
    const record = (actionType: string, flags: string[], atMs: number) => ({
      actionType,
      tier: 'LOW' as const,
      flags,
      atMs,
      parameters: {},
    })
    const busy: SessionContext = { sessionId: 's', records: [1, 2, 3].map((i) => record('email.read', [], NOW - i)) }
    expect(await e.check(del, { store: createMemoryPolicyStore(), nowMs: NOW, session: busy })).toMatchObject({
      permission: 'deny',
      risk: { blockReason: 'too many deletes' },
    })
    const afterRead: SessionContext = { sessionId: 's', records: [record('email.read', ['EXPOSURE'], NOW - 1000)] }
    const store = createMemoryPolicyStore()
    expect(await e.check(external, { store, nowMs: NOW, session: afterRead })).toMatchObject({
      permission: 'deny',
      risk: { blockReason: 'Sensitive data read followed by external send in same session' },
    })
    // A session-caused deny is not cached: another session still gets the scorer's verdict.
    expect(store.entries()).toHaveLength(0)
    expect(await e.check(external, { store, nowMs: NOW, session: { sessionId: 'other', records: [] } })).toMatchObject({
      permission: 'human',
      source: 'Scorer',
    })
    const burst: SessionContext = {
      sessionId: 's',
      records: [record('email.send', [], NOW - 10_000), record('email.send', [], NOW - 5_000)],
    }
    expect((await e.check(internal, { store: createMemoryPolicyStore(), nowMs: NOW, session: burst })).risk).toMatchObject({
      blockReason: 'Email rate exceeds autonomous limit (>20/min)',
    })
    // A session given as a loader is read only when the call is scored.
    let loads = 0
    const loader = async (): Promise<SessionContext> => {
      loads++
      return afterRead
    }
    expect(await e.check(external, { store: createMemoryPolicyStore(), nowMs: NOW, session: loader })).toMatchObject({ permission: 'deny' })
    expect(loads).toBe(1)
    const listed = createMemoryPolicyStore()
    listed.addAllow((await e.check(external, { store: createMemoryPolicyStore(), nowMs: NOW })).action.normHash)
    expect(await e.check(external, { store: listed, nowMs: NOW, session: loader })).toMatchObject({ source: 'Allowlist' })
    expect(loads).toBe(1)
  })

  it('the agent reviewer can only tighten, and only a confident deny is cached', async () => {
    const answers: AgentReviewer[] = [
      { review: () => ({ verdict: 'deny', reason: 'exfiltration', confidence: 0.95 }) },
      { review: () => ({ verdict: 'deny', reason: 'unsure', confidence: 0.5 }) },
      { review: () => ({ verdict: 'allow', reason: 'looks fine', confidence: 1 }) as never },
      { review: () => Promise.reject(new Error('LLM down')) },
    ]
    const results = []
    for (const reviewer of answers) {
      const store = createMemoryPolicyStore()
      const v = await engine({ reviewer }).check(external, { store, nowMs: NOW })
      results.push([v.permission, v.source, store.entries().length])
    }
    expect(results).toEqual([
      ['deny', 'AgentReviewer', 1],
      ['human', 'AgentReviewer', 0],
      ['human', 'AgentReviewer', 0],
      ['human', 'AgentReviewer', 0],
    ])
    let calls = 0
    const counting: AgentReviewer = { review: () => (calls++, { verdict: 'deny', reason: 'x', confidence: 1 }) }
    // Score 65 ≥ 52: skipped without consulting the reviewer.
    const v = await engine({ reviewer: counting }).check(call('acme_delete', { message_id: 'm' }), {
      store: createMemoryPolicyStore(),
      nowMs: NOW,
    })
    expect([v.permission, v.source, calls, v.trace.at(-1)?.outcome]).toEqual(['human', 'AgentReviewer', 0, 'skipped'])
  })

  it('honours a profile and rejects one that breaks a guardrail', () => {
    const weights = 'tanh_k: 2.5\nrisk_weight_adjustments: { OUTBOUND: 1.5, MUTATION: 1.5, EXPOSURE: 1.5 }\n'
    const plain = parseProfile(`id: heavy\n${weights}`)
    const ok = parseProfile(`id: strict\n${weights}tier_threshold_shifts: { MEDIUM: -0.05 }\n`)
    const bad = parseProfile('id: loose\ntier_threshold_shifts: { MEDIUM: 0.05 }\n')
    if (!ok.ok || !bad.ok || !plain.ok) throw new Error('profiles should parse')
    const action = engine().normalize(internal)
    // raw ≈ 0.338: LOW under the plain profile, MEDIUM once the MEDIUM boundary moves to 0.30.
    expect(engine({ profile: plain.profile }).assess(action)).toMatchObject({ tier: 'LOW', score: 34 })
    expect(engine({ profile: ok.profile }).assess(action)).toMatchObject({ tier: 'MEDIUM', score: 34 })
    expect(() => engine({ profile: bad.profile })).toThrow(EngineError)
    expect(() => engine({ profile: bad.profile })).toThrow(/only make tiers stricter/)
  })

  it('rejects invalid risk rules at build time with file and position', () => {
    const broken = PACK.map((f) =>
      f.path.endsWith('risk_rules/delete.yaml') ? { ...f, text: f.text.replace('tier: high', 'tier: critical') } : f,
    )
    expect(() => createEngine({ packs: broken })).toThrow(/risk_rules\/delete.yaml:3:.*tier: critical is not allowed/)
  })

  it('identical input gives an identical verdict (property)', async () => {
    const e = engine()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('bob@acme.test', 'eve@other.example', 'a@acme.test,b@x.example'),
        fc.string(),
        async (to, body) => {
          const c = call('acme_send', { to, body })
          const a = await e.check(c, { store: createMemoryPolicyStore(), nowMs: NOW })
          const b = await e.check(c, { store: createMemoryPolicyStore(), nowMs: NOW })
          expect(b).toEqual(a)
          if (a.risk?.blocked) expect([a.permission, a.risk.tier]).toEqual(['deny', 'CRITICAL'])
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('injected SHA-256', () => {
  const native = engine({ sha256: (text) => hash('sha256', text, 'hex') })
  const pure = engine()

  it('node:crypto gives the same norm_hash as the pure-JS default for any call (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('acme_send', 'acme_delete', 'unclaimed_tool'),
        fc.dictionary(fc.constantFrom('to', 'body', 'message_id', 'x'), fc.string({ unit: 'binary' })),
        (toolName, parameters) => {
          fc.pre(toolName !== 'acme_send' || 'to' in parameters)
          fc.pre(toolName !== 'acme_delete' || 'message_id' in parameters)
          const c = call(toolName, parameters)
          expect(native.normalize(c)).toEqual(pure.normalize(c))
        },
      ),
      { numRuns: 300 },
    )
    const input = { actionType: 'email.send', channel: 'x', parameters: { to: 'a@b.example' } }
    expect(native.toNormAction(input)).toEqual(pure.toNormAction(input))
    // 300 pure-JS hashes (two per unclaimed call: its parameters' digest and the norm_hash)
  }, 30_000)

  it('is the function actually used: normalized, fallback and pre-normalized actions', () => {
    const fake = engine({ sha256: (text) => `fake:${text.length}` })
    expect(fake.normalize(internal).normHash).toMatch(/^fake:\d+$/)
    expect(fake.normalize(call('unclaimed_tool', {})).normHash).toMatch(/^fake:\d+$/)
    expect(fake.toNormAction({ actionType: 'email.send', channel: 'x', parameters: {} }).normHash).toMatch(/^fake:\d+$/)
  })
})
