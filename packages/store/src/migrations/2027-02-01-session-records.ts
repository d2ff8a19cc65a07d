import type { Kysely } from 'kysely'

/**
 * Session history (the engine's `SessionStore` port, docs/serve.md "Sessions"): one row per
 * recorded call, shared by every replica on the database. Bounded per session (the repository
 * trims to the newest `SESSION_RECORD_LIMIT` rows on append) and expired by time (`at_ms` older
 * than `SESSION_TTL_MS` is ignored on read and pruned).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('session_records')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .addColumn('record_json', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('session_records_session_idx').on('session_records').columns(['session_id', 'id']).execute()
  await db.schema.createIndex('session_records_at_idx').on('session_records').column('at_ms').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('session_records').execute()
}
