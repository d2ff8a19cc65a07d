import { createHash } from 'node:crypto'
import {
  appendFileSync,
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import {
  SESSION_RECORD_LIMIT,
  SESSION_TTL_MS,
  sessionRecordFromJson,
  type SessionRecord,
  type SessionStore,
} from '@permit0/engine'
import { assertRecordSize } from '../decision/decide.ts'

/** Most bytes read from one session file (its tail); a bigger file is someone else's doing. */
export const SESSION_FILE_MAX_READ_BYTES = 8 * 1_048_576

/** The file of one session under `dir` (a hash of the id: any id is a safe file name). */
export function sessionFilePath(dir: string, sessionId: string): string {
  return join(dir, `${createHash('sha256').update(sessionId).digest('hex').slice(0, 32)}.jsonl`)
}

/**
 * The local hook's session store: one JSON-lines file per session under `<dataDir>/hook-sessions/`,
 * so session rules work across hook invocations without a daemon. Appends are single `O_APPEND`
 * writes of one line; unreadable lines are skipped, never fatal. Bounded like every adapter: at
 * most `SESSION_RECORD_LIMIT` records read (the file is compacted to them once it holds twice as
 * many lines, and never more than its last `SESSION_FILE_MAX_READ_BYTES` are read), records
 * older than `SESSION_TTL_MS` ignored; files untouched that long are pruned when a new session starts.
 */
export function createFileSessionStore(dataDir: string): SessionStore & { readonly dir: string } {
  const dir = join(dataDir, 'hook-sessions')
  return {
    dir,
    async load(sessionId, nowMs) {
      const path = sessionFilePath(dir, sessionId)
      const text = readTail(path)
      if (text === undefined) return { sessionId, records: [] }
      const lines = text.split('\n').filter((l) => l.trim() !== '')
      const records: SessionRecord[] = []
      const cutoff = nowMs - SESSION_TTL_MS
      for (const line of lines.slice(-SESSION_RECORD_LIMIT)) {
        const record = parseLine(line)
        if (record !== undefined && record.atMs >= cutoff) records.push(record)
      }
      if (lines.length > 2 * SESSION_RECORD_LIMIT) compact(path, records)
      records.sort((a, b) => a.atMs - b.atMs)
      return { sessionId, records }
    },
    async append(sessionId, record) {
      const line = assertRecordSize(record)
      const path = sessionFilePath(dir, sessionId)
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      let fresh = false
      try {
        statSync(path)
      } catch {
        fresh = true
      }
      if (fresh) pruneOldSessions(dir, record.atMs)
      appendFileSync(path, `${line}\n`, { mode: 0o600 })
    },
    async prune(nowMs) {
      return pruneOldSessions(dir, nowMs)
    },
  }
}

/** The file's text (its last `SESSION_FILE_MAX_READ_BYTES`, from the first whole line), or undefined. */
function readTail(path: string): string | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return undefined
  }
  try {
    const size = fstatSync(fd).size
    const length = Math.min(size, SESSION_FILE_MAX_READ_BYTES)
    const buffer = Buffer.alloc(length)
    let read = 0
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, size - length + read)
      if (n === 0) break
      read += n
    }
    const text = buffer.subarray(0, read).toString('utf8')
    return length < size ? text.slice(text.indexOf('\n') + 1) : text
  } finally {
    closeSync(fd)
  }
}

function parseLine(line: string): SessionRecord | undefined {
  try {
    return sessionRecordFromJson(JSON.parse(line))
  } catch {
    return undefined // a torn or foreign line: skip it
  }
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

function pruneOldSessions(dir: string, nowMs: number): number {
  let removed = 0
  try {
    for (const entry of readdirSync(dir)) {
      if (!entry.endsWith('.jsonl')) continue
      const file = join(dir, entry)
      if (nowMs - statSync(file).mtimeMs > SESSION_TTL_MS) {
        rmSync(file, { force: true })
        removed++
      }
    }
  } catch {
    // best effort
  }
  return removed
}
