/**
 * The embedded store's cached chain head (one statement per batch, no head lock): a head made
 * stale by another writer of the same database must never fork the chain or skip a sequence —
 * the write hits the sequence primary key, nothing is kept, and the batch is written again after
 * the real head. Two sole-writer stores over one in-memory PGlite play the two writers.
 */
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { afterAll, describe, expect, it } from 'vitest'
import { createKyselyStore } from '../src/kysely-store.ts'
import { pgliteOptions } from '../src/pglite-options.ts'
import type { Database } from '../src/schema.ts'
import { auditInput } from './fixtures.ts'

describe('audit append with a cached head (sole-writer embedded store)', () => {
  const pglite = new PGlite(pgliteOptions(true))
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  const signingKey = new Uint8Array(32).fill(7)
  const open = () =>
    createKyselyStore({
      kind: 'embedded',
      location: 'memory',
      db,
      auditDb: db,
      concurrentConnections: false,
      audit: { signingKey },
      listen: async () => async () => undefined,
      connectionError: (err) => err as never,
    })
  const a = open()
  const b = open()

  afterAll(async () => {
    await db.destroy()
  })

  it('a stale cached head is detected and the batch is chained after the real head', async () => {
    await a.migrate()
    const first = await a.audit.append(auditInput({ sessionId: 'a-1' })) // a caches head 1
    const second = await b.audit.append(auditInput({ sessionId: 'b-1' })) // b reads head 1, writes 2
    // a still believes the head is 1: its write of sequence 2 must fail and be redone as 3.
    const third = await Promise.all([a.audit.append(auditInput({ sessionId: 'a-2' })), a.audit.append(auditInput({ sessionId: 'a-3' }))])
    expect([first.sequence, second.sequence, ...third.map((e) => e.sequence)]).toEqual([1, 2, 3, 4])
    expect(third[0]!.prevHash).toBe(second.entryHash)
    expect(await a.audit.head()).toEqual({ sequence: 4, entryHash: third[1]!.entryHash })
    const sessions: unknown[] = []
    for await (const line of a.audit.exportLines()) sessions.push((JSON.parse(line) as { session_id?: unknown }).session_id)
    expect(sessions).toEqual(['a-1', 'b-1', 'a-2', 'a-3'])
    expect(await a.audit.verify()).toMatchObject({ ok: true })
  }, 60_000) // starts PGlite and migrates inside the test
})
