import { type Kysely, sql } from 'kysely'

/** The whole initial schema; identical on PostgreSQL and PGlite. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('policy_cache')
    .addColumn('norm_hash', 'text', (c) => c.primaryKey())
    .addColumn('permission', 'text', (c) => c.notNull().check(sql`permission in ('allow','deny','human')`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('risk_json', 'text')
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('policy_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('policy_list')
    .addColumn('list', 'text', (c) => c.notNull().check(sql`list in ('allow','deny')`))
    .addColumn('norm_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('action_type', 'text')
    .addPrimaryKeyConstraint('policy_list_pk', ['list', 'norm_hash'])
    .execute()

  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending','decided','expired','abandoned')`),
    )
    .addColumn('norm_hash', 'text', (c) => c.notNull())
    .addColumn('action_type', 'text', (c) => c.notNull())
    .addColumn('action_json', 'text', (c) => c.notNull())
    .addColumn('tool_name', 'text', (c) => c.notNull())
    .addColumn('risk_json', 'text')
    .addColumn('engine_permission', 'text', (c) => c.notNull())
    .addColumn('engine_source', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('task_goal', 'text')
    .addColumn('context_json', 'text')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('replica_id', 'text', (c) => c.notNull())
    .addColumn('decided_permission', 'text')
    .addColumn('reviewer', 'text')
    .addColumn('reason', 'text')
    .addColumn('resolved_at_ms', 'bigint')
    .execute()
  await db.schema
    .createIndex('approvals_pending_idx')
    .on('approvals')
    .columns(['status', 'created_at_ms'])
    .execute()

  await db.schema
    .createTable('audit_entries')
    .addColumn('sequence', 'bigint', (c) => c.primaryKey())
    .addColumn('entry_id', 'text', (c) => c.notNull().unique())
    .addColumn('timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('action_type', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('allow','deny','human')`))
    .addColumn('decision_source', 'text', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('session_id', 'text')
    .addColumn('approval_id', 'text')
    .addColumn('norm_hash', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('entry_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('entry_json', 'text', (c) => c.notNull())
    .execute()
  for (const column of ['timestamp_ms', 'action_type', 'session_id', 'approval_id']) {
    await db.schema.createIndex(`audit_entries_${column}_idx`).on('audit_entries').column(column).execute()
  }

  // The chain head: one row, locked FOR UPDATE by every append, so concurrent writers (several
  // replicas on one PostgreSQL) serialize and the chain never forks or skips a sequence.
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('entry_hash', 'text', (c) => c.notNull())
    .execute()
  await db
    .insertInto('audit_head')
    .values({ id: 1, sequence: 0, entry_hash: '0'.repeat(64) })
    .execute()

  await db.schema
    .createTable('audit_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('agent','viewer','approver','admin')`))
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at_ms', 'bigint')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'api_tokens',
    'audit_keys',
    'audit_head',
    'audit_entries',
    'approvals',
    'policy_list',
    'policy_meta',
    'policy_cache',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
