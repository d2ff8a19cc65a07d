import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStore, generateAuditKey, type Store, verifyAuditChain } from '../src/index.ts'
import { auditInput } from './fixtures.ts'
import { createTestDatabase, RUN_POSTGRES } from './pg-test-db.ts'
import { finished, spawnWorker, waitForLine } from './spawn-worker.ts'

describe.skipIf(!RUN_POSTGRES)('postgres: several OS processes appending to one audit log', () => {
  let database: { url: string; drop: () => Promise<void> }
  let store: Store

  beforeAll(async () => {
    database = await createTestDatabase()
    store = createStore({ kind: 'postgres', url: database.url })
    await store.migrate()
  })

  afterAll(async () => {
    await store?.close()
    await database?.drop()
  })

  it.each([
    ['one append at a time', '1', 1000],
    ['32 in flight per process (group commit, ≤ 8 per transaction)', '32', 2000],
  ])('two processes × 500 appends, %s: one gap-free, fork-free, verifiable chain', async (_label, inFlight, total) => {
    const before = total - 1000
    const workers = [0, 1].map(() =>
      spawnWorker(['append', database.url, '500', randomBytes(32).toString('hex'), inFlight]),
    )
    const done = workers.map(finished)
    const keys = await Promise.all(workers.map((w) => waitForLine(w, 'ready ')))
    for (const w of workers) w.stdin.write('go\n')
    const results = await Promise.all(done)
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 })

    const all: Record<string, unknown>[] = []
    for await (const line of store.audit.exportLines()) all.push(JSON.parse(line) as Record<string, unknown>)
    expect(all).toHaveLength(total)
    const sequences = all.map((l) => l.sequence)
    expect(new Set(sequences).size).toBe(total)
    expect(sequences).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    const prevHashes = new Set(all.map((l) => l.prev_hash))
    expect(prevHashes.size).toBe(total) // no fork: no two entries share a predecessor
    // both writers really interleaved into the one chain
    const lines = all.slice(before)
    expect(new Set(lines.map((l) => l.agent_id)).size).toBe(2)

    const publicKeys = keys.map((line) => line.slice('ready '.length).trim())
    expect(await verifyAuditChain(lines, publicKeys)).toEqual({ ok: true, checked: 1000, firstSequence: before + 1, lastSequence: total })
    // online verification knows every key from the audit_keys table
    expect(await store.audit.verify()).toMatchObject({ ok: true, checked: total })
  }, 180_000)

  it('replicas taking turns: a replica whose cached chain head went stale writes nothing with it, then chains after the real head', async () => {
    const start = (await store.audit.head())?.sequence ?? 0
    const a = createStore({ kind: 'postgres', url: database.url, audit: { signingKey: generateAuditKey() } })
    const b = createStore({ kind: 'postgres', url: database.url, audit: { signingKey: generateAuditKey() } })
    try {
      // Each append after the first of a replica starts from its cached head, which the other
      // replica has moved on: the one-statement insert collides on the next sequence and writes
      // nothing, and the batch is written again under the head lock.
      const order = [a, b, a, b, a, a, b, b, a]
      for (const [i, s] of order.entries()) await s.audit.append(auditInput({ sessionId: `turns-${i}` }))
      const lines: Record<string, unknown>[] = []
      for await (const line of store.audit.exportLines({ fromSequence: start + 1 })) lines.push(JSON.parse(line) as Record<string, unknown>)
      expect(lines.map((l) => l.sequence)).toEqual(order.map((_, i) => start + i + 1))
      expect(lines.map((l) => l.session_id)).toEqual(order.map((_, i) => `turns-${i}`))
      expect(await store.audit.verify()).toMatchObject({ ok: true, lastSequence: start + order.length })
    } finally {
      await a.close()
      await b.close()
    }
  })
})
