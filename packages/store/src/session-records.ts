import type { SessionRecord, SessionStore } from '@permit0/engine'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { StoreError, StoreErrorCode } from './errors.ts'
import type { Database } from './schema.ts'

import { Permission, SESSION_RECORD_LIMIT, SESSION_RECORD_MAX_CHARS, SESSION_TTL_MS, Tier } from '@permit0/domain'

/**
 * Joins the stored JSON texts of a load: a newline never occurs inside `JSON.stringify` output
 * (it is escaped in strings), so splitting on it gives the rows back exactly.
 */
const RECORD_SEPARATOR = '\n'

const TIERS: ReadonlySet<unknown> = new Set(Object.values(Tier))
const PERMISSIONS: ReadonlySet<unknown> = new Set(Object.values(Permission))
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A stored record read back (already JSON); anything else (a tampered row) is skipped. A plain
 * check rather than a schema: a session's load reads up to `SESSION_RECORD_LIMIT` rows per call.
 */
function asRecord(v: unknown): SessionRecord | undefined {
  if (!isPlainObject(v)) return undefined
  const { actionType, tier, flags, atMs, parameters, permission } = v
  if (typeof actionType !== 'string' || !TIERS.has(tier) || typeof atMs !== 'number' || !Number.isFinite(atMs)) return undefined
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string') || !isPlainObject(parameters)) return undefined
  if (permission !== undefined && !PERMISSIONS.has(permission)) return undefined
  return v as unknown as SessionRecord
}

/**
 * The session store over the `session_records` table: every replica on the database sees the
 * same history. `append` inserts and trims the session to its newest `SESSION_RECORD_LIMIT`
 * rows in one statement; `load` reads at most that many unexpired rows, so a session that
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
        // One row back, not one per record: the newest rows' JSON joined oldest first (the
        // per-row cost of the embedded database's protocol dominated a long session's load).
        const result = await sql<{ list: string | null }>`select string_agg(record_json, ${RECORD_SEPARATOR} order by id) as list
          from (select id, record_json from session_records
                where session_id = ${sessionId} and at_ms >= ${nowMs - SESSION_TTL_MS}
                order by id desc limit ${SESSION_RECORD_LIMIT}) newest`.execute(db)
        const list = result.rows[0]?.list ?? null
        const records: SessionRecord[] = []
        for (const text of list === null ? [] : list.split(RECORD_SEPARATOR)) {
          let parsed: unknown
          try {
            parsed = JSON.parse(text)
          } catch {
            continue
          }
          const record = asRecord(parsed)
          if (record !== undefined) records.push(record)
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
        // One statement (one round trip): insert, and trim the session to its newest rows. The
        // trim's subquery does not see the row being inserted (same snapshot), so it keeps the
        // newest LIMIT - 1 earlier rows beside it.
        await sql`with added as (
            insert into session_records (session_id, at_ms, record_json) values (${sessionId}, ${record.atMs}, ${json}) returning id
          )
          delete from session_records where session_id = ${sessionId} and id < (
            select id from session_records where session_id = ${sessionId} order by id desc offset ${SESSION_RECORD_LIMIT - 1} limit 1
          )`.execute(db)
      }),
    prune: (nowMs) =>
      run('session prune', async () => {
        guardOpen()
        const deleted = await db.deleteFrom('session_records').where('at_ms', '<', nowMs - SESSION_TTL_MS).executeTakeFirst()
        return Number(deleted.numDeletedRows)
      }),
  }
}
