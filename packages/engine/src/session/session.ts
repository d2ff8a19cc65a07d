import { Permission, Tier, type JsonObject, type JsonValue } from '../types.ts'
import { tierRank } from '../scoring/constants.ts'
import { sha256Hex, type Sha256Hex } from '../canonical/index.ts'

/** One earlier decision in the same agent session, recorded by the caller after each check. */
export interface SessionRecord {
  /** `domain.verb` of the recorded action. */
  readonly actionType: string
  /** Tier of the recorded decision (callers record `MEDIUM` when there was no score). */
  readonly tier: Tier
  readonly flags: readonly string[]
  /** When the action was decided, epoch milliseconds. */
  readonly atMs: number
  /** The normalized parameters of the recorded action (bounded: see `boundSessionRecord`). */
  readonly parameters: JsonObject
  /**
   * What finally happened to the call: the engine's verdict, or the human's answer for a parked
   * call. Informational (the built-in rules count every attempt); absent in older records.
   */
  readonly permission?: Permission
}

/**
 * Session history passed into a check. The engine never writes it (it stays pure); the snapshot
 * must not include the call being checked.
 */
export interface SessionContext {
  readonly sessionId: string
  readonly records: readonly SessionRecord[]
}

/** Raw `session` amplifier when the session has no records yet. */
export const EMPTY_SESSION_AMPLIFIER = 5
export const SESSION_AMPLIFIER_MAX = 30

function distinctFlagCount(records: readonly SessionRecord[]): number {
  const seen = new Set<string>()
  for (const r of records) for (const f of r.flags) seen.add(f)
  return seen.size
}

/** Raw value for `amplifiers.session`: 5 when empty, else 8·#≥High + 3·#Medium + #distinct flags. */
export function sessionAmplifier(session: SessionContext): number {
  const { records } = session
  if (records.length === 0) return EMPTY_SESSION_AMPLIFIER
  let high = 0
  let medium = 0
  for (const r of records) {
    const rank = tierRank(r.tier)
    if (rank >= tierRank(Tier.High)) high++
    else if (r.tier === Tier.Medium) medium++
  }
  return Math.min(SESSION_AMPLIFIER_MAX, 8 * high + 3 * medium + distinctFlagCount(records))
}

export function maxTier(records: readonly SessionRecord[]): Tier {
  let best: Tier = Tier.Minimal
  for (const r of records) if (tierRank(r.tier) > tierRank(best)) best = r.tier
  return best
}

function numericParam(params: JsonObject, key: string): number | undefined {
  const v = params[key]
  return typeof v === 'number' ? v : undefined
}

function sumAmounts(records: readonly SessionRecord[]): number {
  let total = 0
  for (const r of records) total += numericParam(r.parameters, 'amount') ?? 0
  return total
}

/** The object `session_rules[].when` conditions are evaluated against. */
export function sessionSnapshot(session: SessionContext): JsonObject {
  const { records } = session
  const first = records[0]
  const last = records[records.length - 1]
  const total = sumAmounts(records)
  return {
    session_id: session.sessionId,
    record_count: records.length,
    max_tier: maxTier(records),
    duration_minutes: first && last ? (last.atMs - first.atMs) / 60_000 : 0,
    distinct_flags: distinctFlagCount(records),
    total_amount: total,
    daily_total: total,
  }
}

/** Calls of `actionType` per minute over the whole recorded span (k when fewer than 2 or no span). */
export function ratePerMinute(records: readonly SessionRecord[], actionType: string): number {
  let k = 0
  let firstMs = 0
  let lastMs = 0
  for (const r of records) {
    if (r.actionType !== actionType) continue
    if (k === 0) firstMs = r.atMs
    lastMs = r.atMs
    k++
  }
  if (k < 2) return k
  const spanMinutes = (lastMs - firstMs) / 60_000
  return spanMinutes < 0.001 ? k : k / spanMinutes
}

/** JSON-equality key for distinct-value counting. */
export function jsonKey(v: JsonValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(jsonKey).join(',')}]`
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${jsonKey(v[k] as JsonValue)}`)
    .join(',')}}`
}

// ---------------------------------------------------------------------------------------------
// The session store port (adapters: `@permit0/store` rows, the CLI's in-memory map, the local
// hook's JSON-lines files). Types and pure helpers only: the engine never reads or writes it.

export { SESSION_ID_MAX_LENGTH, SESSION_RECORD_LIMIT, SESSION_RECORD_MAX_CHARS, SESSION_TTL_MS } from '@permit0/domain'

/**
 * Where session history lives between calls. Every implementation keeps at most
 * `SESSION_RECORD_LIMIT` records per session (trimmed on append, and never more on read), ignores
 * records older than `SESSION_TTL_MS` on read, and returns records oldest first (by `atMs`, then
 * append order). Sessions are independent: one session's records never show in another's.
 */
export interface SessionStore {
  /** The session's recent records (oldest first, bounded, unexpired at `nowMs`). */
  load(sessionId: string, nowMs: number): Promise<SessionContext>
  /**
   * Records one call (after it was decided, or when a parked call's approval resolved). Callers
   * bound the record first (`boundSessionRecord`); a record whose JSON exceeds
   * `SESSION_RECORD_MAX_CHARS` is refused (rejects), never stored.
   */
  append(sessionId: string, record: SessionRecord): Promise<void>
  /** Removes records that expired before `nowMs` (any session); returns how many went, when known. */
  prune(nowMs: number): Promise<number>
}

/** Top-level parameters kept per record, and the JSON size of one kept value / of all of them. */
export const SESSION_RECORD_MAX_KEYS = 32
export const SESSION_RECORD_MAX_VALUE_CHARS = 1_024
export const SESSION_RECORD_MAX_PARAMETER_CHARS = 8_192
export const SESSION_RECORD_MAX_FLAGS = 32
export const SESSION_RECORD_MAX_FLAG_CHARS = 64

/** Parameters the built-in session block rules read from earlier records: always kept. */
export const SESSION_RULE_PARAMETERS: readonly string[] = ['amount', 'recipient', 'customer']

/**
 * Bounds a record before it is stored, so a hostile call cannot grow a session's history without
 * limit: at most `SESSION_RECORD_MAX_KEYS` top-level parameters, each whose JSON is at most
 * `SESSION_RECORD_MAX_VALUE_CHARS` long, `SESSION_RECORD_MAX_PARAMETER_CHARS` in all. The
 * parameters the built-in rules read (`SESSION_RULE_PARAMETERS`) come first and are always kept
 * (an oversized one as a digest, which still tells values apart), so padding a call cannot hide
 * it from a rule; the rest follow in sorted key order.
 */
export function boundSessionRecord(record: SessionRecord, sha256: Sha256Hex = sha256Hex): SessionRecord {
  const parameters: Record<string, JsonValue> = {}
  let total = 0
  let kept = 0
  for (const key of SESSION_RULE_PARAMETERS) {
    const value = record.parameters[key]
    if (value === undefined) continue
    const text = jsonKey(value)
    parameters[key] = text.length > SESSION_RECORD_MAX_VALUE_CHARS ? `sha256:${sha256(text)}` : value
    kept++
  }
  for (const key of Object.keys(record.parameters).sort()) {
    if (kept >= SESSION_RECORD_MAX_KEYS) break
    if (SESSION_RULE_PARAMETERS.includes(key)) continue
    if (key.length > SESSION_RECORD_MAX_VALUE_CHARS) continue
    const value = record.parameters[key] as JsonValue
    const size = key.length + JSON.stringify(value).length
    if (size > SESSION_RECORD_MAX_VALUE_CHARS || total + size > SESSION_RECORD_MAX_PARAMETER_CHARS) continue
    parameters[key] = value
    total += size
    kept++
  }
  return {
    actionType: record.actionType.slice(0, 200),
    tier: record.tier,
    flags: record.flags.slice(0, SESSION_RECORD_MAX_FLAGS).map((f) => f.slice(0, SESSION_RECORD_MAX_FLAG_CHARS)),
    atMs: record.atMs,
    parameters,
    ...(record.permission !== undefined && { permission: record.permission }),
  }
}

const TIERS: ReadonlySet<string> = new Set(Object.values(Tier))
const PERMISSIONS: ReadonlySet<string> = new Set(Object.values(Permission))

/**
 * A stored record read back (parsed JSON of unknown origin): the record, or `undefined` when it
 * is not one (a torn or foreign line, a tampered row). Adapters skip such records.
 */
export function sessionRecordFromJson(value: unknown): SessionRecord | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const r = value as Record<string, unknown>
  const { actionType, tier, flags, atMs, parameters, permission } = r
  if (typeof actionType !== 'string' || typeof tier !== 'string' || !TIERS.has(tier)) return undefined
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string')) return undefined
  if (typeof atMs !== 'number' || !Number.isFinite(atMs)) return undefined
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) return undefined
  if (permission !== undefined && (typeof permission !== 'string' || !PERMISSIONS.has(permission))) return undefined
  return {
    actionType,
    tier: tier as Tier,
    flags: flags as string[],
    atMs,
    parameters: parameters as JsonObject,
    ...(permission !== undefined && { permission: permission as Permission }),
  }
}
