import type { SessionRecord, SessionStore } from '@permit0/engine'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { StoreError, StoreErrorCode } from './errors.ts'
import type { Database } from './schema.ts'

import { SESSION_RECORD_LIMIT, SESSION_RECORD_MAX_CHARS, SESSION_TTL_MS } from '@permit0/domain'

/** A stored record read back; anything else (a tampered row) is skipped. */
const RecordSchema = z.object({
  actionType: z.string(),
  tier: z.enum(['MINIMAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  flags: z.array(z.string()),
  atMs: z.number().finite(),
  parameters: z.record(z.string(), z.json()),
  permission: z.enum(['allow', 'human', 'deny']).optional(),
})

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
          const record = RecordSchema.safeParse(parsed)
          if (record.success) records.push(record.data as SessionRecord)
        }
        // Oldest first by time; equal times keep append order (the sort is stable).
        records.sort((a, b) => a.atMs - b.atMs)
        return { sessionId, records }
      }),
    append: (sessionId, record) =>
      run('session append', async () => {
        guardOpen()
        const json = JSON.stringify(record)
        if (json.length > SESSION_RECORD_MAX_CHARS) {
          throw new StoreError(
            StoreErrorCode.InvalidInput,
            `session record of ${json.length} characters exceeds ${SESSION_RECORD_MAX_CHARS} (bound it with boundSessionRecord)`,
          )
        }
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('session_records')
            .values({ session_id: sessionId, at_ms: record.atMs, record_json: json })
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
