import { sql, type Kysely } from 'kysely'

/**
 * The reviewer's scope on each approval (docs/serve.md "Approval scope"):
 * - `policy_cache.session_key`: '' for a verdict that holds for every call with the norm hash; the
 *   hash of a session id for a human's "this exact call, this session only". The primary key
 *   becomes (norm_hash, session_key); existing rows keep holding for every call ('').
 * - `approvals.remember_scope` / `remember_until_ms`: what the human's decision was remembered as
 *   (`once`, `call`, `session`) and until when, so every replica answers the parked call with it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('policy_cache')
    .addColumn('session_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await sql`alter table policy_cache drop constraint policy_cache_pkey`.execute(db)
  await sql`alter table policy_cache add constraint policy_cache_pkey primary key (norm_hash, session_key)`.execute(db)
  await db.schema
    .alterTable('approvals')
    .addColumn('remember_scope', 'text', (c) => c.check(sql`remember_scope in ('once','call','session')`))
    .addColumn('remember_until_ms', 'bigint')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('approvals').dropColumn('remember_scope').dropColumn('remember_until_ms').execute()
  await db.deleteFrom('policy_cache').where('session_key', '<>', '').execute()
  await sql`alter table policy_cache drop constraint policy_cache_pkey`.execute(db)
  await db.schema.alterTable('policy_cache').dropColumn('session_key').execute()
  await sql`alter table policy_cache add constraint policy_cache_pkey primary key (norm_hash)`.execute(db)
}
