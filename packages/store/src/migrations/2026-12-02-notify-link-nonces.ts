import type { Kysely } from 'kysely'

/**
 * Used nonces of signed approval links (remote approvals, docs/serve.md "Notifications"): a link
 * decides once, whichever replica serves it. Rows outlive their link by nothing; they are pruned
 * once the link (which expires with its approval) has expired.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('used_link_nonces')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('approval_id', 'text', (c) => c.notNull())
    .addColumn('used_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('used_link_nonces_expiry_idx').on('used_link_nonces').column('expires_at_ms').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('used_link_nonces').execute()
}
