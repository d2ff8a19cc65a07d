import { Tier, type JsonObject, type JsonValue } from '../types.ts'
import { tierRank } from '../scoring/constants.ts'

/** One earlier decision in the same agent session, recorded by the caller after each check. */
export interface SessionRecord {
  /** `domain.verb` of the recorded action. */
  readonly actionType: string
  /** Tier of the recorded decision (callers record `MEDIUM` when there was no score). */
  readonly tier: Tier
  readonly flags: readonly string[]
  /** When the action was decided, epoch milliseconds. */
  readonly atMs: number
  /** The normalized parameters of the recorded action. */
  readonly parameters: JsonObject
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
