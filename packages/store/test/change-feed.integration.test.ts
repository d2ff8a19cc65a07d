import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANGE_CHANNEL, createStore, type ChangeFeedStatus, type Store, type StoreChange } from '../src/index.ts'
import { createTestDatabase, RUN_POSTGRES } from './pg-test-db.ts'
import { uniqueHash } from './fixtures.ts'

/** Resolves with the first item `pick` accepts, pushed through the returned sink. */
function nextOf<T>(): { push: (item: T) => void; next: (pick: (item: T) => boolean) => Promise<T> } {
  const seen: T[] = []
  const waiting = new Set<() => void>()
  return {
    push(item) {
      seen.push(item)
      for (const w of waiting) w()
    },
    async next(pick) {
      for (;;) {
        const index = seen.findIndex(pick)
        if (index >= 0) return seen.splice(index, 1)[0] as T
        await new Promise<void>((resolve) => {
          const w = (): void => {
            waiting.delete(w)
            resolve()
          }
          waiting.add(w)
        })
      }
    },
  }
}

describe.skipIf(!RUN_POSTGRES)('change feed on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let a: Store
  let b: Store

  beforeAll(async () => {
    database = await createTestDatabase()
    a = createStore({ kind: 'postgres', url: database.url })
    b = createStore({ kind: 'postgres', url: database.url })
    await a.migrate()
  }, 60_000)
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await database?.drop()
  })

  it("delivers one store's list change to another store's subscriber", async () => {
    const changes = nextOf<StoreChange>()
    const unsubscribe = await b.changes.subscribe(changes.push)
    const normHash = uniqueHash()
    await a.policy.listUpsert({ list: 'deny', normHash, reason: 'x', createdBy: 'test', createdAtMs: 1 })
    expect(await changes.next((c) => c.kind === 'policy' && c.normHash === normHash)).toEqual({ kind: 'policy', normHash })
    await unsubscribe()
  })

  it('reports a lost notification connection, reconnects by itself, LISTENs again and says restored', async () => {
    const changes = nextOf<StoreChange>()
    const statuses = nextOf<ChangeFeedStatus>()
    const unsubscribe = await b.changes.subscribe(changes.push, statuses.push)
    const admin = new pg.Client({ connectionString: database.url })
    await admin.connect()
    try {
      // Kill every session listening on the change channel (b's dedicated LISTEN connection).
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query ilike $1`,
        [`%LISTEN%${CHANGE_CHANNEL}%`],
      )
      expect(killed.rowCount).toBeGreaterThan(0)
      expect(await statuses.next(() => true)).toBe('lost')
      expect(await statuses.next(() => true)).toBe('restored')
      const normHash = uniqueHash()
      await a.policy.listUpsert({ list: 'allow', normHash, reason: 'after', createdBy: 'test', createdAtMs: 2 })
      expect(await changes.next((c) => c.kind === 'policy' && c.normHash === normHash)).toEqual({ kind: 'policy', normHash })
    } finally {
      await admin.end()
      await unsubscribe()
    }
  }, 30_000)
})
