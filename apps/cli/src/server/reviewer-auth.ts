/**
 * The local reviewer secret of a daemon without API tokens (docs/security.md "Only a human
 * decides"). `/check` stays open on loopback; deciding, reading the queue/audit and every admin
 * route need `Authorization: Bearer <reviewer secret>` or a dashboard session cookie obtained with
 * a one-time login link. The secret lives in `<data dir>/reviewer-token` (0600, reused across
 * restarts), a file the default packs forbid the agent to read.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto'
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Clock } from '@permit0/approvals'

/** File name of the secret inside the data dir. */
export const REVIEWER_TOKEN_FILE = 'reviewer-token'
/** Principal name of a request that presented the reviewer secret or a dashboard session. */
export const LOCAL_REVIEWER = 'local-reviewer'
/** The dashboard session cookie (HttpOnly, SameSite=Strict, Path=/). */
export const SESSION_COOKIE = 'permit0_session'
/** Route that exchanges a one-time login code for a session (GET, from the printed link). */
export const LOGIN_PATH = '/api/v1/session/login'
/** How long a login code stays usable. */
export const LOGIN_CODE_TTL_MS = 10 * 60_000
/** How long a dashboard session lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60_000
const MAX_CODES = 100
const MAX_SESSIONS = 1_000

const newSecret = (): string => randomBytes(32).toString('base64url')
const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * Reads `<data dir>/reviewer-token`, or creates it (32 random bytes, base64url, mode 0600). A file
 * readable by others is tightened to 0600; an empty or unreadable one is an error (never a
 * silently open daemon).
 */
export function loadOrCreateReviewerToken(path: string): { token: string; created: boolean } {
  try {
    const mode = statSync(path).mode & 0o777
    if ((mode & 0o077) !== 0) chmodSync(path, 0o600)
    const token = readFileSync(path, 'utf8').trim()
    if (token.length < 16) throw new Error(`${path}: reviewer secret is empty or too short; delete the file to create a new one`)
    return { token, created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const token = newSecret()
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateReviewerToken(path)
    throw err
  }
  try {
    writeSync(fd, `${token}\n`)
  } finally {
    closeSync(fd)
  }
  return { token, created: true }
}

/** The reviewer credentials of a tokenless daemon: the secret, login codes, dashboard sessions. */
export interface ReviewerAuth {
  /** Where the secret lives (absent for an in-memory secret). */
  readonly tokenPath?: string
  /** True when `secret` is the reviewer secret (constant time). */
  verifySecret(secret: string): boolean
  /** A new single-use login code (valid `LOGIN_CODE_TTL_MS`). */
  newLoginCode(): { code: string; expiresAtMs: number }
  /** Consumes a login code; returns a new session id, or undefined (unknown, used or expired). */
  exchange(code: string): { sessionId: string; expiresAtMs: number } | undefined
  verifySession(sessionId: string): boolean
  endSession(sessionId: string): void
}

export function createReviewerAuth(options: { token: string; clock: Pick<Clock, 'now'>; tokenPath?: string }): ReviewerAuth {
  const expected = digest(options.token)
  // Only hashes are kept, so a heap dump or a timing probe reveals neither codes nor sessions.
  const codes = new Map<string, number>()
  const sessions = new Map<string, number>()
  const key = (value: string): string => digest(value).toString('hex')
  const prune = (map: Map<string, number>, max: number): void => {
    const now = options.clock.now()
    for (const [k, expiresAtMs] of map) if (expiresAtMs <= now) map.delete(k)
    while (map.size >= max) map.delete(map.keys().next().value as string)
  }
  const live = (map: Map<string, number>, value: string): boolean => {
    const k = key(value)
    const expiresAtMs = map.get(k)
    if (expiresAtMs === undefined) return false
    if (expiresAtMs <= options.clock.now()) {
      map.delete(k)
      return false
    }
    return true
  }
  return {
    ...(options.tokenPath !== undefined && { tokenPath: options.tokenPath }),
    verifySecret: (secret) => timingSafeEqual(digest(secret), expected),
    newLoginCode() {
      prune(codes, MAX_CODES)
      const code = newSecret()
      const expiresAtMs = options.clock.now() + LOGIN_CODE_TTL_MS
      codes.set(key(code), expiresAtMs)
      return { code, expiresAtMs }
    },
    exchange(code) {
      if (!live(codes, code)) return undefined
      codes.delete(key(code))
      prune(sessions, MAX_SESSIONS)
      const sessionId = newSecret()
      const expiresAtMs = options.clock.now() + SESSION_TTL_MS
      sessions.set(key(sessionId), expiresAtMs)
      return { sessionId, expiresAtMs }
    },
    verifySession: (sessionId) => live(sessions, sessionId),
    endSession(sessionId) {
      sessions.delete(key(sessionId))
    },
  }
}
