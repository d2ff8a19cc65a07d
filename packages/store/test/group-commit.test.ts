/**
 * Group commit of audit appends: concurrent `append()` calls share transactions of at most
 * `maxAppendBatch` entries; each caller learns its own outcome only after the transaction ends.
 * Runs on embedded PGlite always and on PostgreSQL when configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStore, type AuditEntry, type Store, StoreError, verifyAuditChain } from '../src/index.ts'
import { auditInput } from './fixtures.ts'
import { createTestDatabase, RUN_POSTGRES } from './pg-test-db.ts'

const BATCH = 4

type Outcome = { ok: true; entry: AuditEntry } | { ok: false; error: unknown }
const settle = (p: Promise<AuditEntry>): Promise<Outcome> =>
  p.then(
    (entry) => ({ ok: true as const, entry }),
    (error: unknown) => ({ ok: false as const, error }),
  )

async function exportJson(store: Store): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  for await (const line of store.audit.exportLines()) out.push(JSON.parse(line) as Record<string, unknown>)
  return out
}

function defineGroupCommitSuite(name: string, open: () => Promise<{ store: Store; cleanup?: () => Promise<void> }>): void {
  describe(`audit group commit: ${name}`, () => {
    let store: Store
    let cleanup: (() => Promise<void>) | undefined

    beforeAll(async () => {
      ;({ store, cleanup } = await open())
      await store.migrate()
    }, 120_000)

    afterAll(async () => {
      await store?.close()
      await cleanup?.()
    })

    it('many appends in flight: call order = chain order, gap-free, verifiable', async () => {
      const before = await store.audit.head()
      const appended = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.audit.append(auditInput({ sessionId: `order-${i}` }))),
      )
      expect(appended.map((e) => e.sequence)).toEqual(appended.map((_, i) => before.sequence + 1 + i))
      expect(appended.map((e) => e.sessionId)).toEqual(appended.map((_, i) => `order-${i}`))
      for (let i = 1; i < appended.length; i++) expect(appended[i]!.prevHash).toBe(appended[i - 1]!.entryHash)
      expect(await store.audit.head()).toEqual({ sequence: appended.at(-1)!.sequence, entryHash: appended.at(-1)!.entryHash })
      // What each caller got back is what was stored.
      expect(await store.audit.get(appended[17]!.entryId)).toEqual(appended[17])
      expect(await store.audit.verify()).toMatchObject({ ok: true })
    })

    it('a failed transaction rejects exactly the callers of its batch and writes none of them', async () => {
      const before = await store.audit.head()
      // The drain starts after the current turn of the event loop, so the ten appends made in this
      // turn form batches of at most BATCH: [0 1 2 3] [4 5 6 7] [8 9]. PostgreSQL text cannot hold
      // U+0000, so the batch holding entry 4 fails inside the database.
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          settle(store.audit.append(auditInput({ sessionId: i === 4 ? 'bad\u0000session' : `batch-${i}` }))),
        ),
      )
      const rejected = outcomes.flatMap((o, i) => (o.ok ? [] : [i]))
      expect(rejected).toEqual([4, 5, 6, 7])
      for (const i of rejected) expect((outcomes[i] as { error: unknown }).error).toBeInstanceOf(StoreError)
      const written = outcomes.flatMap((o) => (o.ok ? [o.entry] : []))
      expect(written.map((e) => e.sessionId)).toEqual(['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-8', 'batch-9'])
      expect(written.map((e) => e.sequence)).toEqual(written.map((_, i) => before.sequence + 1 + i))
      const lines = await exportJson(store)
      expect(lines.some((l) => typeof l.session_id === 'string' && /^batch-[4-7]$/.test(l.session_id))).toBe(false)
      expect(lines.map((l) => l.sequence)).toEqual(lines.map((_, i) => i + 1))
      expect(await verifyAuditChain(lines, [store.audit.publicKey])).toMatchObject({ ok: true, checked: lines.length })
    })

    it('an entry that cannot be hashed is refused alone; the rest of its batch is written', async () => {
      const before = await store.audit.head()
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          settle(
            store.audit.append(
              auditInput({
                sessionId: `nan-${i}`,
                ...(i === 2 ? { rawToolCall: { toolName: 't', parameters: { n: Number.NaN }, metadata: {} } } : {}),
              }),
            ),
          ),
        ),
      )
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true, true, true])
      const written = outcomes.flatMap((o) => (o.ok ? [o.entry] : []))
      expect(written.map((e) => e.sequence)).toEqual(written.map((_, i) => before.sequence + 1 + i))
      expect(await store.audit.verify()).toMatchObject({ ok: true })
    })

    it('close() writes what is queued, then refuses new appends (last test: closes the store)', async () => {
      const pending = Array.from({ length: 20 }, () => store.audit.append(auditInput({ sessionId: 'closing' })))
      const closed = store.close()
      await expect(store.audit.append(auditInput())).rejects.toMatchObject({ code: 'STORE_CLOSED' })
      const entries = await Promise.all(pending)
      await closed
      expect(new Set(entries.map((e) => e.sequence)).size).toBe(20)
    })
  })
}

defineGroupCommitSuite('embedded (in-memory PGlite)', async () => ({
  store: createStore({ kind: 'embedded', audit: { maxAppendBatch: BATCH } }),
}))

describe.skipIf(!RUN_POSTGRES)('postgres', () => {
  defineGroupCommitSuite('PostgreSQL', async () => {
    const database = await createTestDatabase()
    return {
      store: createStore({ kind: 'postgres', url: database.url, audit: { maxAppendBatch: BATCH } }),
      cleanup: database.drop,
    }
  })
})
