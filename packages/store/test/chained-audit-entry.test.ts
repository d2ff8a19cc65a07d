import type { JsonObject } from '@permit0/engine'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuditSigner, GENESIS_HASH, generateAuditKey } from '../src/audit-crypto.ts'
import { AuditEntryJsonSchema, auditBodyJson, auditEntryFromJson, chainedAuditEntry, computeEntryHash, type AuditEntryJson } from '../src/audit-json.ts'
import type { NewAuditEntry } from '../src/store.ts'

const signer = createAuditSigner(generateAuditKey())
const T0 = Date.UTC(2026, 4, 24, 10, 0, 0, 123)

const action = (parameters: JsonObject = { query: 'from:me newer_than:1d' }): NewAuditEntry['action'] => ({
  actionType: 'email.search',
  domain: 'email',
  verb: 'search',
  channel: 'gmail',
  parameters,
  execution: { surfaceTool: 'gmail_search', surfaceCommand: '' },
  normHash: 'a'.repeat(64),
})

const base = (over: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  kind: 'decision',
  decision: 'allow',
  decisionSource: 'Scorer',
  action: action(),
  rawToolCall: { toolName: 'gmail_search', parameters: { query: 'from:me newer_than:1d' }, metadata: {} },
  trace: [],
  ...over,
})

/** As the store's `tryChain` builds it: the body, then the chain fields, hash and (last of a batch) signature. */
function chained(entry: NewAuditEntry, options: { sequence?: number; prevHash?: string; batchEnd?: boolean; entryId?: string } = {}): AuditEntryJson {
  const { entry_id, timestamp, ...rest } = auditBodyJson({ ...entry, entryId: options.entryId ?? '01J00000000000000000000000', timestampMs: entry.timestampMs ?? T0 })
  const json: AuditEntryJson = {
    entry_id: entry_id ?? null,
    timestamp: timestamp ?? null,
    sequence: options.sequence ?? 7,
    ...rest,
    prev_hash: options.prevHash ?? GENESIS_HASH,
    key_id: signer.keyId,
  }
  if (options.batchEnd === true) json.batch_end = true
  json.entry_hash = computeEntryHash(json)
  if (options.batchEnd === true) json.signature = signer.sign(json.entry_hash)
  return json
}

const risk = { raw: 0.31, score: 31, tier: 'MEDIUM', flags: ['EXTERNAL', 'BULK'], blocked: false } as const
const failedOpen = {
  eventId: 'ev-1',
  failReasonCode: 'ECONNREFUSED',
  failReason: 'daemon down',
  clientWindowStart: '2026-05-24T09:00:00Z',
  clientWindowEnd: '2026-05-24T09:05:00Z',
  clientVersion: '1.2.3',
  failOpenSource: 'hook',
}

const CASES: Array<[string, NewAuditEntry, Parameters<typeof chained>[1]?]> = [
  ['a bare decision (no risk, session, trace)', base()],
  ['the last entry of a batch (batch_end, signature)', base(), { batchEnd: true, sequence: 1 }],
  ['risk, trace with and without details, explanation', base({
    risk,
    trace: [
      { stage: 'normalize', outcome: 'email.search' },
      { stage: 'score', outcome: 'MEDIUM', detail: { flags: ['EXTERNAL'], nested: { deep: [1, -0, 2.5e-7, null, true, 'ü'] } } },
    ],
    explanation: 'Searches your mail',
  })],
  ['a blocked risk with its reason', base({ decision: 'deny', risk: { ...risk, tier: 'CRITICAL', blocked: true, blockReason: 'exfiltration' } })],
  ['session, task goal, agent and pack fields', base({
    sessionId: 'sess-1',
    taskGoal: 'triage mail',
    agentId: 'agent-7',
    orgId: 'org',
    environment: 'prod',
    engineVersion: '0.1.0',
    packId: 'gmail',
    packVersion: '3',
    rawToolCall: { toolName: 'gmail_search', parameters: ['a', { b: [] }], metadata: { session_id: 'sess-1', cwd: '/tmp', extra: { x: 1 } } },
  })],
  ['a cache hit', base({ decisionSource: 'PolicyCache', trace: [{ stage: 'policy_cache', outcome: 'hit', detail: {} }] })],
  ['a human decision with review and engine verdict', base({
    kind: 'human_decision',
    decision: 'deny',
    decisionSource: 'HumanReviewer',
    humanReview: { reviewer: 'ana', decision: 'deny', reason: 'no', reviewedAtMs: T0 + 5_000 },
    engineDecision: 'human',
    engineSource: 'Scorer',
    approvalId: '01J0000000000000000000APPR',
    tokenId: 'tok',
  })],
  ['a human decision without a reason', base({
    kind: 'human_decision',
    decisionSource: 'HumanReviewer',
    humanReview: { reviewer: '', decision: 'allow', reviewedAtMs: 0 },
  })],
  ['an expired approval', base({ kind: 'approval_expired', decision: 'deny', decisionSource: 'AgentReviewer', approvalId: 'x' })],
  ['an abandoned approval with its reason', base({ kind: 'approval_abandoned', decision: 'deny', decisionSource: 'UnknownFallback', reason: 'client went away' })],
  ['a failed-open replay', base({ kind: 'failed_open', decisionSource: 'FailedOpen', failedOpen, retroactiveDecision: 'deny', correctionOf: 'e-0' })],
  ['a failed-open replay with occurred_at', base({ kind: 'failed_open', decisionSource: 'FailedOpen', failedOpen: { ...failedOpen, occurredAt: '2026-05-24T09:01:00Z' } })],
  ['a shadow answer', base({ shadow: { permission: 'deny', source: 'Denylist', tier: 'HIGH', score: 71 } })],
  ['a failed shadow evaluation', base({ shadow: { error: 'boom' } })],
  ['an empty shadow', base({ shadow: {} })],
  ['the earliest timestamp the schema takes (year 0)', base({ timestampMs: Date.parse('0000-01-01T00:00:00.000Z') })],
  ['year 9999', base({ timestampMs: Date.parse('9999-12-31T23:59:59.999Z') })],
  ['a __proto__ key in the parameters (dropped, as the schema drops it)', base({
    action: action(JSON.parse('{"__proto__": {"polluted": true}, "q": 1}') as JsonObject),
    rawToolCall: { toolName: 't', parameters: JSON.parse('{"__proto__": 1, "a": [{"__proto__": 2}]}') as JsonObject, metadata: {} },
  })],
  ['a parameters object without a prototype', base({ action: action(Object.assign(Object.create(null) as JsonObject, { a: 1 })) })],
]

describe('chainedAuditEntry (the store fast path) equals auditEntryFromJson', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })
  it.each(CASES)('%s', (_name, entry, options) => {
    const json = chained(entry, options)
    const schema = vi.spyOn(AuditEntryJsonSchema, 'safeParse')
    const fast = chainedAuditEntry(json)
    // The fast path itself answered (no fallback to the schema).
    expect(schema).not.toHaveBeenCalled()
    const slow = auditEntryFromJson(json)
    expect(fast).toStrictEqual(slow)
    // Same members in the same order, all the way down.
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow))
    // The free-form parts are copies, as the schema's are: nothing is shared with the caller.
    expect(fast.action.parameters).not.toBe(entry.action.parameters)
    expect(fast.rawToolCall.metadata).not.toBe(entry.rawToolCall.metadata)
    if (typeof entry.rawToolCall.parameters === 'object' && entry.rawToolCall.parameters !== null) {
      expect(fast.rawToolCall.parameters).not.toBe(entry.rawToolCall.parameters)
    }
  })
})

describe('chainedAuditEntry refuses what auditEntryFromJson refuses, with the same error', () => {
  const outcome = (f: () => unknown): string => {
    try {
      f()
      return 'accepted'
    } catch (err) {
      return `${(err as Error).name}: ${(err as Error).message}`
    }
  }
  const bad: Array<[string, () => AuditEntryJson]> = [
    ['a timestamp after year 9999', () => chained(base({ timestampMs: Date.parse('9999-12-31T23:59:59.999Z') + 1 }))],
    ['a timestamp before year 0', () => chained(base({ timestampMs: Date.parse('0000-01-01T00:00:00.000Z') - 1 }))],
    ['a review time after year 9999', () =>
      chained(base({ kind: 'human_decision', humanReview: { reviewer: 'a', decision: 'allow', reviewedAtMs: 8.64e15 } }))],
    ['an unknown decision source (a cast row value)', () => chained(base({ decisionSource: 'Oracle' as never }))],
    ['an unknown engine source', () => chained(base({ engineSource: 'FailedOpen' as never }))],
    ['an unknown kind', () => chained(base({ kind: 'note' as never }))],
    ['an unknown tier', () => chained(base({ risk: { ...risk, tier: 'SEVERE' as never } }))],
    ['an unknown shadow permission', () => chained(base({ shadow: { permission: 'maybe' as never } }))],
    ['a malformed previous hash', () => chained(base(), { prevHash: 'not-a-hash' })],
    ['sequence 0', () => chained(base(), { sequence: 0 })],
    ['an empty entry id', () => chained(base(), { entryId: '' })],
  ]
  it.each(bad)('%s', (_name, make) => {
    const json = make()
    const slow = outcome(() => auditEntryFromJson(json))
    expect(slow).toMatch(/^StoreError: audit entry is malformed/)
    expect(outcome(() => chainedAuditEntry(json))).toBe(slow)
  })

  // Values the types rule out but a cast could bring in; the hash (canonical JSON) would refuse
  // NaN before the store gets here, the others it lets through.
  const notJson: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['a Date', new Date(T0)],
    ['a class instance', new (class Point { x = 1 })()],
    ['a function', () => 1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', 1n],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['a symbol key', { [Symbol('k')]: 1 }],
  ]
  it.each(notJson)('a parameter value that is not JSON: %s', (_name, value) => {
    const entry = base()
    const json = chained(entry)
    // Put the value in after hashing: the fast path is checked on its own here.
    const inParams = { ...json, norm_action: { ...(json.norm_action as JsonObject), parameters: { v: value } } } as unknown as AuditEntryJson
    const inMeta = { ...json, raw_tool_call: { ...(json.raw_tool_call as JsonObject), metadata: { deep: [{ v: value }] } } } as unknown as AuditEntryJson
    const inTrace = { ...json, decision_trace: [{ stage: 's', outcome: 'o', detail: { v: value } }] } as unknown as AuditEntryJson
    for (const bent of [inParams, inMeta, inTrace]) {
      const slow = outcome(() => auditEntryFromJson(bent))
      const fast = outcome(() => chainedAuditEntry(bent))
      expect(fast).toBe(slow)
    }
  })
})
