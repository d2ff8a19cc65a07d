import {
  SESSION_RECORD_LIMIT,
  SESSION_TTL_MS,
  type SessionRecord,
  type SessionStore,
} from '@permit0/engine'
import { assertRecordSize } from './decide.ts'

/**
 * The session store in one process's memory (`gateway`, `check`, the MCP proxy's local backend,
 * tests): the same bounds as every adapter — the newest `SESSION_RECORD_LIMIT` records per
 * session, records older than `SESSION_TTL_MS` ignored and pruned.
 */
export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, SessionRecord[]>()
  return {
    async load(sessionId, nowMs) {
      const cutoff = nowMs - SESSION_TTL_MS
      const records = (sessions.get(sessionId) ?? []).filter((r) => r.atMs >= cutoff)
      return { sessionId, records: records.slice(-SESSION_RECORD_LIMIT).sort((a, b) => a.atMs - b.atMs) }
    },
    async append(sessionId, record) {
      const records = sessions.get(sessionId) ?? []
      assertRecordSize(record)
      records.push(record)
      if (records.length > SESSION_RECORD_LIMIT) records.splice(0, records.length - SESSION_RECORD_LIMIT)
      sessions.set(sessionId, records)
    },
    async prune(nowMs) {
      const cutoff = nowMs - SESSION_TTL_MS
      let removed = 0
      for (const [id, records] of sessions) {
        const kept = records.filter((r) => r.atMs >= cutoff)
        removed += records.length - kept.length
        if (kept.length === 0) sessions.delete(id)
        else sessions.set(id, kept)
      }
      return removed
    },
  }
}
