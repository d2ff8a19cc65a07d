import { randomBytes } from 'node:crypto'
import pg from 'pg'
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

  it('replicas appending at once, cached heads and the head lock interleaved: every append lands in one gap-free chain', async () => {
    const start = (await store.audit.head())?.sequence ?? 0
    const replicas = [0, 1, 2].map(() => createStore({ kind: 'postgres', url: database.url, audit: { signingKey: generateAuditKey(), maxAppendBatch: 4 } }))
    try {
      // warm each replica's cached head, then append from all three at once, in waves
      for (const r of replicas) await r.audit.append(auditInput({ sessionId: 'warm' }))
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, wave) => replicas.flatMap((r, k) => Array.from({ length: 5 }, (_, i) => r.audit.append(auditInput({ sessionId: `w${wave}-r${k}-${i}` }))))).flat(),
      )
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([])
      const head = await store.audit.head()
      expect(head?.sequence).toBe(start + 3 + 300)
      expect(await store.audit.verify()).toMatchObject({ ok: true, lastSequence: start + 303 })
    } finally {
      for (const r of replicas) await r.close()
    }
  }, 120_000)

  it('a locked append that collides with another replica\'s one-statement insert is run again, never lost', async () => {
    const own = await createTestDatabase()
    const a = createStore({ kind: 'postgres', url: own.url, audit: { signingKey: generateAuditKey() } })
    // B has written nothing yet, so it has no cached head: it appends the locked way
    const b = createStore({ kind: 'postgres', url: own.url, audit: { signingKey: generateAuditKey() } })
    const raw = new pg.Client({ connectionString: own.url })
    try {
      await a.migrate()
      const first = await a.audit.append(auditInput({ sessionId: 'first' }))
      await raw.connect()
      // Another replica's one-statement insert, caught mid-way: its row for the next sequence is in,
      // uncommitted, and it has yet to take the head row. (A copy of the last row: this database is
      // thrown away, its chain is not verified.)
      await raw.query('BEGIN')
      await raw.query(
        `INSERT INTO audit_entries SELECT sequence + 1, entry_id || 'x', timestamp_ms, kind, action_type, channel, decision, decision_source, tier,
           session_id, approval_id, norm_hash, entry_hash, md5(entry_hash) || md5(entry_hash), key_id, entry_json FROM audit_entries WHERE sequence = $1`,
        [first.sequence],
      )
      // B (no cached head: the locked way) locks the head and blocks on that sequence …
      const appended = b.audit.append(auditInput({ sessionId: 'second' }))
      await new Promise((r) => setTimeout(r, 300))
      // … and the other replica now wants the head B holds: a deadlock, B's transaction is aborted.
      const other = raw.query('UPDATE audit_head SET sequence = $1 WHERE id = 1', [first.sequence + 1]).then(() => raw.query('COMMIT'), async (err: unknown) => {
        await raw.query('ROLLBACK')
        throw err
      })
      const [mine, theirs] = await Promise.allSettled([appended, other])
      expect(theirs.status).toBe('fulfilled') // the deadlock was B's to lose
      expect(mine.status === 'fulfilled' ? mine.value.sessionId : String((mine as PromiseRejectedResult).reason)).toBe('second')
    } finally {
      await raw.end().catch(() => undefined)
      await a.close()
      await b.close()
      await own.drop()
    }
  }, 60_000)
})
