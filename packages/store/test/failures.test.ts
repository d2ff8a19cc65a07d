import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createStore, StoreError, StoreErrorCode } from '../src/index.ts'
import { auditInput } from './fixtures.ts'
import { createTestDatabase, RUN_POSTGRES } from './pg-test-db.ts'
import { finished, spawnWorker } from './spawn-worker.ts'

describe('bad configuration fails with one clear error', () => {
  it('an unreachable PostgreSQL URL → ConnectionFailed naming the redacted URL', async () => {
    const store = createStore({ kind: 'postgres', url: 'postgres://permit0:s3cret@127.0.0.1:1/nowhere' })
    const error = await store.migrate().catch((err: unknown) => err)
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({ code: StoreErrorCode.ConnectionFailed })
    const message = (error as Error).message
    expect(message).toContain('127.0.0.1:1/nowhere')
    expect(message).toContain('ECONNREFUSED')
    expect(message).not.toContain('s3cret')
    expect(message).not.toContain('\n')
    expect(await store.health()).toMatchObject({ ok: false, kind: 'postgres' })
    await store.close()
  })

  describe.skipIf(!RUN_POSTGRES)('postgres', () => {
    it('a failing migration applies nothing', async () => {
      const database = await createTestDatabase()
      try {
        const client = new pg.Client({ connectionString: database.url })
        await client.connect()
        await client.query('create table audit_keys (unrelated int)')
        const store = createStore({ kind: 'postgres', url: database.url })
        const error = await store.migrate().catch((err: unknown) => err)
        expect(error).toMatchObject({ code: StoreErrorCode.MigrationFailed })
        expect((error as Error).message).toMatch(/^migration 2025-01-15-001-init failed on .*: .*already exists.*nothing was applied$/)
        const tables = await client.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'")
        expect(tables.rows.map((r) => r.tablename).filter((t) => !t.startsWith('kysely_'))).toEqual(['audit_keys'])
        expect((await store.migrationStatus()).applied).toEqual([])
        await store.close()
        await client.end()
      } finally {
        await database.drop()
      }
    })
  })
})

describe('embedded data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'permit0-store-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is locked against a second opener (same or other process) and persists the chain across restarts', async () => {
    const first = createStore({ kind: 'embedded', dataDir: dir })
    await first.migrate()
    const appended = await first.audit.append(auditInput())

    expect(() => createStore({ kind: 'embedded', dataDir: dir })).toThrow(
      new RegExp(`data directory ${dir} is in use by another permit0 process \\(pid ${process.pid}\\)`),
    )
    const other = await finished(spawnWorker(['open', dir]))
    expect(other.code).toBe(1)
    expect(other.stderr.trim()).toBe(
      `data directory ${dir} is in use by another permit0 process (pid ${process.pid}); stop it or choose another --data-dir`,
    )

    await first.close()
    expect(readdirSync(dir)).not.toContain('permit0.lock')

    const reopened = createStore({ kind: 'embedded', dataDir: dir })
    try {
      await reopened.migrate()
      expect(await reopened.audit.head()).toEqual({ sequence: 1, entryHash: appended.entryHash })
      const next = await reopened.audit.append(auditInput())
      expect(next).toMatchObject({ sequence: 2, prevHash: appended.entryHash })
      // signed by another (ephemeral) key: verification accepts the keys registered in the store
      expect(await reopened.audit.verify()).toMatchObject({ ok: true, checked: 2 })
    } finally {
      await reopened.close()
    }
  }, 120_000)
})
