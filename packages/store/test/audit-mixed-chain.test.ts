/**
 * A chain written before batch signatures (every entry signed, no `batch_end`) keeps verifying when
 * the store continues it with group-committed, batch-signed entries: online (`audit.verify()`) and
 * offline (the exported lines with the public key only). The legacy rows are written straight into
 * the database in the old format, on embedded PGlite (a data dir) and on PostgreSQL when configured.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createAuditSigner, createStore, GENESIS_HASH, type Store, type StoreConfig, verifyAuditChain } from '../src/index.ts'
import { auditBodyJson, type AuditEntryJson, computeEntryHash } from '../src/audit-json.ts'
import { PGLITE_SUBDIR } from '../src/pglite-options.ts'
import type { Database } from '../src/schema.ts'
import { auditInput } from './fixtures.ts'
import { createTestDatabase, RUN_POSTGRES } from './pg-test-db.ts'

const seed = new Uint8Array(32).fill(11)
const signer = createAuditSigner(seed)

/** Writes `count` entries the way the store did before batch signatures: each one signed. */
async function writeLegacyEntries(db: Kysely<Database>, count: number): Promise<AuditEntryJson[]> {
  const lines: AuditEntryJson[] = []
  let prevHash = GENESIS_HASH
  for (let sequence = 1; sequence <= count; sequence++) {
    const input = auditInput({ sessionId: `legacy-${sequence}` })
    const { entry_id, timestamp, ...rest } = auditBodyJson({ ...input, entryId: `01LEGACY${String(sequence).padStart(18, '0')}`, timestampMs: 1_700_000_000_000 + sequence })
    const json: AuditEntryJson = { entry_id: entry_id ?? null, timestamp: timestamp ?? null, sequence, ...rest, prev_hash: prevHash, key_id: signer.keyId }
    json.entry_hash = computeEntryHash(json)
    json.signature = signer.sign(json.entry_hash)
    await db
      .insertInto('audit_entries')
      .values({
        sequence,
        entry_id: json.entry_id as string,
        timestamp_ms: 1_700_000_000_000 + sequence,
        kind: 'decision',
        action_type: input.action.actionType,
        channel: input.action.channel,
        decision: input.decision,
        decision_source: input.decisionSource,
        tier: input.risk?.tier ?? null,
        session_id: input.sessionId ?? null,
        approval_id: null,
        norm_hash: input.action.normHash,
        prev_hash: prevHash,
        entry_hash: json.entry_hash,
        key_id: signer.keyId,
        entry_json: JSON.stringify(json),
      })
      .execute()
    prevHash = json.entry_hash
    lines.push(json)
  }
  await db.updateTable('audit_head').set({ sequence: count, entry_hash: prevHash }).where('id', '=', 1).execute()
  return lines
}

async function exportJson(store: Store): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  for await (const line of store.audit.exportLines()) out.push(JSON.parse(line) as Record<string, unknown>)
  return out
}

async function continueAndVerify(config: StoreConfig): Promise<Record<string, unknown>[]> {
  const store = createStore({ ...config, audit: { signingKey: seed } })
  try {
    await store.migrate()
    const appended = await Promise.all(Array.from({ length: 30 }, (_, i) => store.audit.append(auditInput({ sessionId: `batched-${i}` }))))
    expect(appended[0]!.sequence).toBe(4)
    expect(appended[0]!.prevHash).not.toBe(GENESIS_HASH)
    expect(await store.audit.verify()).toEqual({ ok: true, checked: 33, firstSequence: 1, lastSequence: 33 })
    const lines = await exportJson(store)
    const signatures = lines.filter((l) => l.signature !== undefined).length
    expect(signatures).toBeLessThan(33) // batches: fewer signatures than entries
    expect(lines.slice(0, 3).every((l) => l.signature !== undefined && l.batch_end === undefined)).toBe(true)
    expect(await verifyAuditChain(lines, [signer.publicKey])).toMatchObject({ ok: true, checked: 33 })
    // A legacy per-entry signature tampered with is still named at its entry.
    const tampered = lines.map((l) => ({ ...l }))
    const sig = tampered[1]!.signature as string
    tampered[1]!.signature = (sig[0] === 'f' ? 'e' : 'f') + sig.slice(1)
    expect(await verifyAuditChain(tampered, [signer.publicKey])).toMatchObject({ ok: false, failure: { index: 1, sequence: 2, reason: 'invalid signature' } })
    return lines
  } finally {
    await store.close()
  }
}

/**
 * Deletes the chain's last batch straight in the database (the head row untouched): what is left
 * still verifies offline — every remaining batch is whole and signed — but the store's own
 * verification sees the chain stop short of its head.
 */
async function cutLastBatch(lines: Record<string, unknown>[], db: Kysely<Database>, config: StoreConfig): Promise<void> {
  const start = lines.findLastIndex((l, i) => i < lines.length - 1 && l.signature !== undefined) + 1
  const from = lines[start]!.sequence as number
  await db.deleteFrom('audit_entries').where('sequence', '>=', from).execute()
  await db.destroy()
  expect(await verifyAuditChain(lines.slice(0, start), [signer.publicKey])).toMatchObject({ ok: true })
  const store = createStore({ ...config, audit: { signingKey: seed } })
  try {
    const result = await store.audit.verify()
    expect(result).toMatchObject({ ok: false, failure: { sequence: 33 } })
    if (!result.ok) expect(result.failure.reason).toBe(`the chain ends at entry ${from - 1} but the chain head records entry 33 (entries were deleted)`)
  } finally {
    await store.close()
  }
}

describe('mixed audit chains (per-entry signatures, then batch signatures)', () => {
  it('embedded PGlite data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permit0-mixed-'))
    const first = createStore({ kind: 'embedded', dataDir: dir, audit: { signingKey: seed } })
    await first.migrate()
    await first.close()
    const pglite = new PGlite(join(dir, PGLITE_SUBDIR))
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
    await writeLegacyEntries(db, 3)
    await db.destroy()
    const lines = await continueAndVerify({ kind: 'embedded', dataDir: dir })
    const again = new PGlite(join(dir, PGLITE_SUBDIR))
    await cutLastBatch(lines, new Kysely<Database>({ dialect: new PGliteDialect(again) }), { kind: 'embedded', dataDir: dir })
  }, 180_000)

  it.skipIf(!RUN_POSTGRES)('PostgreSQL', async () => {
    const database = await createTestDatabase()
    try {
      const first = createStore({ kind: 'postgres', url: database.url })
      await first.migrate()
      await first.close()
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }) })
      await writeLegacyEntries(db, 3)
      await db.destroy()
      const lines = await continueAndVerify({ kind: 'postgres', url: database.url })
      const raw = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }) })
      await cutLastBatch(lines, raw, { kind: 'postgres', url: database.url })
    } finally {
      await database.drop()
    }
  }, 120_000)
})
