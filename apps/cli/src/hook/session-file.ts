import { createHash } from 'node:crypto'
import { appendFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SessionContext, SessionRecord } from '@permit0/engine'

/** Records kept per session (older ones stop mattering to session rules and amplifiers). */
export const SESSION_KEEP_RECORDS = 500
/** Session files untouched this long are removed when a new session starts. */
export const SESSION_MAX_AGE_MS = 7 * 24 * 3_600_000

/**
 * Local-mode session history across hook invocations: one JSON-lines file per session under
 * `<dataDir>/hook-sessions/`, so session rules work without a daemon. Appends are single
 * `O_APPEND` writes of one line; unreadable lines are skipped, never fatal.
 */
export interface SessionFile {
  readonly path: string
  load(): SessionContext
  append(record: SessionRecord): void
}

export function openSessionFile(dataDir: string, sessionId: string, nowMs: number): SessionFile {
  const dir = join(dataDir, 'hook-sessions')
  const name = `${createHash('sha256').update(sessionId).digest('hex').slice(0, 32)}.jsonl`
  const path = join(dir, name)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  let fresh = false
  try {
    statSync(path)
  } catch {
    fresh = true
  }
  if (fresh) pruneOldSessions(dir, nowMs)

  return {
    path,
    load() {
      let text = ''
      try {
        text = readFileSync(path, 'utf8')
      } catch {
        return { sessionId, records: [] }
      }
      const lines = text.split('\n').filter((l) => l.trim() !== '')
      const records: SessionRecord[] = []
      for (const line of lines.slice(-SESSION_KEEP_RECORDS)) {
        const record = parseRecord(line)
        if (record) records.push(record)
      }
      if (lines.length > 2 * SESSION_KEEP_RECORDS) compact(path, records)
      records.sort((a, b) => a.atMs - b.atMs)
      return { sessionId, records }
    },
    append(record) {
      appendFileSync(path, `${JSON.stringify(record)}\n`, { mode: 0o600 })
    },
  }
}

function parseRecord(line: string): SessionRecord | undefined {
  try {
    const r = JSON.parse(line) as Partial<SessionRecord>
    if (
      typeof r.actionType === 'string' &&
      typeof r.tier === 'string' &&
      Array.isArray(r.flags) &&
      typeof r.atMs === 'number' &&
      r.parameters !== null &&
      typeof r.parameters === 'object' &&
      !Array.isArray(r.parameters)
    ) {
      return r as SessionRecord
    }
  } catch {
    // a torn or foreign line: skip it
  }
  return undefined
}

function compact(path: string, records: readonly SessionRecord[]): void {
  const tmp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, records.map((r) => `${JSON.stringify(r)}\n`).join(''), { mode: 0o600 })
    renameSync(tmp, path)
  } catch {
    rmSync(tmp, { force: true })
  }
}

function pruneOldSessions(dir: string, nowMs: number): void {
  try {
    for (const entry of readdirSync(dir)) {
      if (!entry.endsWith('.jsonl')) continue
      const file = join(dir, entry)
      if (nowMs - statSync(file).mtimeMs > SESSION_MAX_AGE_MS) rmSync(file, { force: true })
    }
  } catch {
    // best effort
  }
}
