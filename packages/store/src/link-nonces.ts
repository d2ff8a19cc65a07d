import type { Kysely } from 'kysely'
import type { Database } from './schema.ts'
import type { LinkNonceRepository } from './store.ts'

/**
 * Used nonces of signed approval links over the `used_link_nonces` table. The primary key makes
 * `consume` exactly-once across replicas sharing the database: the first insert wins, every later
 * one (any process) conflicts and is told so.
 */
export function createLinkNonceRepository(
  db: Kysely<Database>,
  helpers: { run<T>(what: string, fn: () => Promise<T>): Promise<T>; guardOpen(): void },
): LinkNonceRepository {
  const { run, guardOpen } = helpers
  return {
    consume: ({ nonce, approvalId, usedAtMs, expiresAtMs }) =>
      run('link nonce consume', async () => {
        guardOpen()
        const inserted = await db
          .insertInto('used_link_nonces')
          .values({ nonce, approval_id: approvalId, used_at_ms: usedAtMs, expires_at_ms: expiresAtMs })
          .onConflict((oc) => oc.column('nonce').doNothing())
          .returning('nonce')
          .executeTakeFirst()
        return inserted !== undefined
      }),
    isUsed: (nonce) =>
      run('link nonce lookup', async () => {
        guardOpen()
        const row = await db.selectFrom('used_link_nonces').select('nonce').where('nonce', '=', nonce).executeTakeFirst()
        return row !== undefined
      }),
    prune: (nowMs) =>
      run('link nonce prune', async () => {
        guardOpen()
        const deleted = await db.deleteFrom('used_link_nonces').where('expires_at_ms', '<', nowMs).executeTakeFirst()
        return Number(deleted.numDeletedRows)
      }),
  }
}
