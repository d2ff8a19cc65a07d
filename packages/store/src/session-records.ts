import {
  boundSessionRecord,
  SESSION_RECORD_LIMIT,
  SESSION_TTL_MS,
  sessionRecordFromJson,
  type SessionRecord,
  type SessionStore,
} from '@permit0/engine'
import type { Kysely } from 'kysely'
import type { Database } from './schema.ts'

/**
 * The session store over the `session_records` table: every replica on the database sees the
 * same history. `append` inserts and trims the session to its newest `SESSION_RECORD_LIMIT`
 * rows in one transaction; `load` reads at most that many unexpired rows, so a session that
 * somehow grew (a concurrent append between trims) still costs one bounded read. A row that is
 * not a record (tampered JSON) is skipped.
 */
export function createSessionRecordRepository(
  db: Kysely<Database>,
  helpers: { run<T>(what: string, fn: () => Promise<T>): Promise<T>; guardOpen(): void },
): SessionStore {
  const { run, guardOpen } = helpers
  return {
    load: (sessionId, nowMs) =>
      run('session load', async () => {
        guardOpen()
        const rows = await db
          .selectFrom('session_records')
          .select(['record_json'])
          .where('session_id', '=', sessionId)
          .where('at_ms', '>=', nowMs - SESSION_TTL_MS)
          .orderBy('id', 'desc')
          .limit(SESSION_RECORD_LIMIT)
          .execute()
        const records: SessionRecord[] = []
        for (let i = rows.length - 1; i >= 0; i--) {
          let parsed: unknown
          try {
            parsed = JSON.parse((rows[i] as { record_json: string }).record_json)
          } catch {
            continue
          }
          const record = sessionRecordFromJson(parsed)
          if (record !== undefined) records.push(record)
        }
        // Oldest first by time; equal times keep append order (the sort is stable).
        records.sort((a, b) => a.atMs - b.atMs)
        return { sessionId, records }
      }),
    append: (sessionId, record) =>
      run('session append', async () => {
        guardOpen()
        const bounded = boundSessionRecord(record)
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('session_records')
            .values({ session_id: sessionId, at_ms: bounded.atMs, record_json: JSON.stringify(bounded) })
            .execute()
          const oldestKept = trx
            .selectFrom('session_records')
            .select('id')
            .where('session_id', '=', sessionId)
            .orderBy('id', 'desc')
            .offset(SESSION_RECORD_LIMIT - 1)
            .limit(1)
          await trx.deleteFrom('session_records').where('session_id', '=', sessionId).where('id', '<', oldestKept).execute()
        })
      }),
    prune: (nowMs) =>
      run('session prune', async () => {
        guardOpen()
        const deleted = await db.deleteFrom('session_records').where('at_ms', '<', nowMs - SESSION_TTL_MS).executeTakeFirst()
        return Number(deleted.numDeletedRows)
      }),
  }
}
