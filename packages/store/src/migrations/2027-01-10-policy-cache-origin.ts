import type { Kysely } from 'kysely'

/**
 * Who made a cached human decision, why and when (`reviewer`, `reason`, `decided_at_ms`,
 * `approval_id`): a later call answered from the cache tells the agent and the audit log the
 * original reviewer and reason. Null on engine verdicts and on rows written before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('policy_cache')
    .addColumn('reviewer', 'text')
    .addColumn('reason', 'text')
    .addColumn('decided_at_ms', 'bigint')
    .addColumn('approval_id', 'text')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('policy_cache')
    .dropColumn('reviewer')
    .dropColumn('reason')
    .dropColumn('decided_at_ms')
    .dropColumn('approval_id')
    .execute()
}
