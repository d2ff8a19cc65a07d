import type { JsonObject, JsonValue, RiskScore, TraceStage } from '@permit0/engine'
import * as Domain from '@permit0/domain'
import { z } from 'zod'
import { canonicalJson, sha256Hex } from './audit-crypto.ts'
import { StoreError, StoreErrorCode } from './errors.ts'
import type { AuditEntry, NewAuditEntry } from './store.ts'

/**
 * The JSON form of an audit entry (snake_case; one line of a JSONL export) and the canonical form
 * that is hashed. See docs/audit.md: `entry_hash` = SHA-256 hex of the RFC 8785 canonical JSON of
 * the entry object without its `entry_hash` and `signature` members.
 */

export type AuditEntryJson = { [key: string]: JsonValue }

const PermissionSchema = z.enum(Domain.Permission)
const TierSchema = z.enum(Domain.Tier)
const DecisionSourceSchema = z.enum(Domain.DecisionSource)
const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
)
const JsonObjectSchema = z.record(z.string(), JsonValueSchema)
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters')

export const RiskJsonSchema = z.object({
  raw: z.number(),
  score: z.number(),
  tier: TierSchema,
  flags: z.array(z.string()),
  blocked: z.boolean(),
  block_reason: z.string().optional(),
})

/** The fields every stored or exported line must have to be checked at all. */
export const AuditChainFieldsSchema = z.object({
  entry_id: z.string().min(1),
  sequence: z.number().int().positive(),
  prev_hash: Hex64,
  entry_hash: Hex64,
  /**
   * ed25519 over `entry_hash`, on the last entry of each group-committed batch (`batch_end`), and on
   * every entry written before batch signatures (docs/audit.md §3). Not part of the hashed form.
   */
  signature: z.string().regex(/^[0-9a-f]{128}$/, 'expected 128 lowercase hex characters').optional(),
  key_id: z.string().min(1),
  /** Hashed: this entry closes its batch and must carry the batch signature. */
  batch_end: z.literal(true).optional(),
})

export const AuditEntryJsonSchema = AuditChainFieldsSchema.extend({
  timestamp: z.iso.datetime(),
  kind: z.enum(Domain.AuditEventKind),
  decision: PermissionSchema,
  decision_source: z.enum(Domain.AuditSource),
  norm_action: z.object({
    action_type: z.string(),
    domain: z.string(),
    verb: z.string(),
    channel: z.string(),
    parameters: JsonObjectSchema,
    execution: z.object({ surface_tool: z.string(), surface_command: z.string() }),
  }),
  norm_hash: z.string(),
  raw_tool_call: z.object({ tool_name: z.string(), parameters: JsonValueSchema, metadata: JsonObjectSchema }),
  risk_score: RiskJsonSchema.optional(),
  decision_trace: z.array(z.object({ stage: z.string(), outcome: z.string(), detail: JsonObjectSchema.optional() })),
  explanation: z.string().optional(),
  agent_id: z.string().optional(),
  session_id: z.string().optional(),
  task_goal: z.string().optional(),
  org_id: z.string().optional(),
  environment: z.string().optional(),
  engine_version: z.string().optional(),
  pack_id: z.string().optional(),
  pack_version: z.string().optional(),
  human_review: z
    .object({ reviewer: z.string(), decision: PermissionSchema, reason: z.string().optional(), reviewed_at: z.iso.datetime() })
    .optional(),
  engine_decision: PermissionSchema.optional(),
  engine_source: DecisionSourceSchema.optional(),
  approval_id: z.string().optional(),
  token_id: z.string().optional(),
  correction_of: z.string().optional(),
  failed_open_context: z
    .object({
      event_id: z.string(),
      fail_reason_code: z.string(),
      fail_reason: z.string(),
      client_window_start: z.string(),
      client_window_end: z.string(),
      client_version: z.string(),
      fail_open_source: z.string(),
      occurred_at: z.string().optional(),
    })
    .optional(),
  retroactive_decision: PermissionSchema.optional(),
  reason: z.string().optional(),
  shadow: z
    .object({
      permission: PermissionSchema.optional(),
      source: DecisionSourceSchema.optional(),
      tier: TierSchema.optional(),
      score: z.number().optional(),
      error: z.string().optional(),
    })
    .optional(),
})

const iso = (ms: number): string => new Date(ms).toISOString()

/** Drops `undefined` members so absent optionals are omitted, never `null`. */
function compact(object: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(object)) if (value !== undefined) out[key] = value
  return out
}

export function riskToJson(risk: RiskScore): JsonObject {
  return compact({
    raw: risk.raw,
    score: risk.score,
    tier: risk.tier,
    flags: [...risk.flags],
    blocked: risk.blocked,
    block_reason: risk.blockReason,
  })
}

export function riskFromJson(json: z.infer<typeof RiskJsonSchema>): RiskScore {
  return {
    raw: json.raw,
    score: json.score,
    tier: json.tier,
    flags: json.flags,
    blocked: json.blocked,
    ...(json.block_reason === undefined ? {} : { blockReason: json.block_reason }),
  }
}

function traceToJson(trace: readonly TraceStage[]): JsonValue[] {
  return trace.map((stage) => compact({ stage: stage.stage, outcome: stage.outcome, detail: stage.detail }))
}

/** The entry's JSON body (no chain fields) in export field order. */
export function auditBodyJson(entry: NewAuditEntry & { entryId: string; timestampMs: number }): AuditEntryJson {
  const a = entry.action
  const review = entry.humanReview
  const fo = entry.failedOpen
  return compact({
    entry_id: entry.entryId,
    timestamp: iso(entry.timestampMs),
    kind: entry.kind,
    decision: entry.decision,
    decision_source: entry.decisionSource,
    norm_action: {
      action_type: a.actionType,
      domain: a.domain,
      verb: a.verb,
      channel: a.channel,
      parameters: a.parameters,
      execution: { surface_tool: a.execution.surfaceTool, surface_command: a.execution.surfaceCommand },
    },
    norm_hash: a.normHash,
    raw_tool_call: {
      tool_name: entry.rawToolCall.toolName,
      parameters: entry.rawToolCall.parameters,
      metadata: entry.rawToolCall.metadata,
    },
    risk_score: entry.risk && riskToJson(entry.risk),
    decision_trace: traceToJson(entry.trace ?? []),
    explanation: entry.explanation,
    agent_id: entry.agentId,
    session_id: entry.sessionId,
    task_goal: entry.taskGoal,
    org_id: entry.orgId,
    environment: entry.environment,
    engine_version: entry.engineVersion,
    pack_id: entry.packId,
    pack_version: entry.packVersion,
    human_review:
      review &&
      compact({ reviewer: review.reviewer, decision: review.decision, reason: review.reason, reviewed_at: iso(review.reviewedAtMs) }),
    engine_decision: entry.engineDecision,
    engine_source: entry.engineSource,
    approval_id: entry.approvalId,
    token_id: entry.tokenId,
    correction_of: entry.correctionOf,
    failed_open_context:
      fo &&
      compact({
        event_id: fo.eventId,
        fail_reason_code: fo.failReasonCode,
        fail_reason: fo.failReason,
        client_window_start: fo.clientWindowStart,
        client_window_end: fo.clientWindowEnd,
        client_version: fo.clientVersion,
        fail_open_source: fo.failOpenSource,
        occurred_at: fo.occurredAt,
      }),
    retroactive_decision: entry.retroactiveDecision,
    reason: entry.reason,
    shadow:
      entry.shadow &&
      compact({
        permission: entry.shadow.permission,
        source: entry.shadow.source,
        tier: entry.shadow.tier,
        score: entry.shadow.score,
        error: entry.shadow.error,
      }),
  })
}

/** SHA-256 hex of the canonical form: the entry without `entry_hash` and `signature`. */
export function computeEntryHash(json: AuditEntryJson): string {
  const { entry_hash: _hash, signature: _signature, ...hashed } = json
  return sha256Hex(canonicalJson(hashed))
}

/** Maps a stored/exported JSON line back to the domain entry; throws StoreError on a bad shape. */
export function auditEntryFromJson(value: unknown): AuditEntry {
  const parsed = AuditEntryJsonSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new StoreError(
      StoreErrorCode.CorruptRow,
      `audit entry is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    )
  }
  return toAuditEntry(parsed.data)
}

type ParsedAuditEntryJson = z.infer<typeof AuditEntryJsonSchema>

const PERMISSIONS: ReadonlySet<unknown> = new Set(Object.values(Domain.Permission))
const TIERS: ReadonlySet<unknown> = new Set(Object.values(Domain.Tier))
const DECISION_SOURCES: ReadonlySet<unknown> = new Set(Object.values(Domain.DecisionSource))
const AUDIT_SOURCES: ReadonlySet<unknown> = new Set(Object.values(Domain.AuditSource))
const AUDIT_KINDS: ReadonlySet<unknown> = new Set(Object.values(Domain.AuditEventKind))
/** `Date.prototype.toISOString()` of a year 0–9999 (other years have a signed 6-digit form the schema refuses). */
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const HEX_64 = /^[0-9a-f]{64}$/
const HEX_128 = /^[0-9a-f]{128}$/

/** A value the fast path does not vouch for: the schema decides (same entry or same error). */
const UNSURE = Symbol('unsure')
type Unsure = typeof UNSURE

const isOptionalIn = (set: ReadonlySet<unknown>, value: unknown): boolean => value === undefined || set.has(value)
const isOptionalFinite = (value: unknown): boolean => value === undefined || Number.isFinite(value)

/** A copy of plain JSON, as `z.json()` returns it (`__proto__` keys dropped); `UNSURE` for anything else. */
function copyJson(value: unknown): JsonValue | Unsure {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : UNSURE
    case 'object':
      if (value === null) return null
      if (Array.isArray(value)) {
        const out: JsonValue[] = new Array<JsonValue>(value.length)
        for (let i = 0; i < value.length; i++) {
          const item = copyJson(value[i])
          if (item === UNSURE) return UNSURE
          out[i] = item
        }
        return out
      }
      return copyJsonObject(value)
    default:
      return UNSURE
  }
}

function copyJsonObject(value: unknown): JsonObject | Unsure {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return UNSURE
  const proto = Object.getPrototypeOf(value) as unknown
  if ((proto !== Object.prototype && proto !== null) || Object.getOwnPropertySymbols(value).length > 0) return UNSURE
  const out: JsonObject = {}
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue
    const item = copyJson((value as Record<string, unknown>)[key])
    if (item === UNSURE) return UNSURE
    out[key] = item
  }
  return out
}

/**
 * `auditEntryFromJson(json)` for an entry the store has just chained, without the schema: `json` is
 * `auditBodyJson` of a typed `NewAuditEntry` plus the chain fields, so its shape and its `string`
 * fields hold by construction. What the types cannot promise is checked here: closed value sets
 * (a source read back from a row is only cast), timestamps the schema accepts (years 0–9999),
 * finite numbers, the chain fields' formats, and that parameters, metadata and trace details are
 * plain JSON (copied, as the schema copies them, so the entry shares nothing with the caller's
 * objects). When a check fails the schema decides, so the result (entry or error) is the same.
 */
export function chainedAuditEntry(json: AuditEntryJson): AuditEntry {
  const j = json as unknown as ParsedAuditEntryJson
  const risk = j.risk_score
  const review = j.human_review
  const shadow = j.shadow
  const sure =
    typeof j.entry_id === 'string' &&
    j.entry_id !== '' &&
    Number.isSafeInteger(j.sequence) &&
    j.sequence > 0 &&
    typeof j.prev_hash === 'string' &&
    HEX_64.test(j.prev_hash) &&
    typeof j.entry_hash === 'string' &&
    HEX_64.test(j.entry_hash) &&
    (j.signature === undefined || (typeof j.signature === 'string' && HEX_128.test(j.signature))) &&
    typeof j.key_id === 'string' &&
    j.key_id !== '' &&
    (j.batch_end === undefined || j.batch_end === true) &&
    typeof j.timestamp === 'string' &&
    ISO_MS.test(j.timestamp) &&
    AUDIT_KINDS.has(j.kind) &&
    PERMISSIONS.has(j.decision) &&
    AUDIT_SOURCES.has(j.decision_source) &&
    (risk === undefined || (Number.isFinite(risk.raw) && Number.isFinite(risk.score) && TIERS.has(risk.tier))) &&
    (review === undefined || (PERMISSIONS.has(review.decision) && typeof review.reviewed_at === 'string' && ISO_MS.test(review.reviewed_at))) &&
    isOptionalIn(PERMISSIONS, j.engine_decision) &&
    isOptionalIn(DECISION_SOURCES, j.engine_source) &&
    isOptionalIn(PERMISSIONS, j.retroactive_decision) &&
    (shadow === undefined ||
      (isOptionalIn(PERMISSIONS, shadow.permission) &&
        isOptionalIn(DECISION_SOURCES, shadow.source) &&
        isOptionalIn(TIERS, shadow.tier) &&
        isOptionalFinite(shadow.score)))
  if (!sure) return auditEntryFromJson(json)
  const parameters = copyJsonObject(j.norm_action.parameters)
  const rawParameters = copyJson(j.raw_tool_call.parameters)
  const metadata = copyJsonObject(j.raw_tool_call.metadata)
  if (parameters === UNSURE || rawParameters === UNSURE || metadata === UNSURE) return auditEntryFromJson(json)
  const trace: ParsedAuditEntryJson['decision_trace'] = []
  for (const stage of j.decision_trace) {
    if (stage.detail === undefined) {
      trace.push({ stage: stage.stage, outcome: stage.outcome })
      continue
    }
    const detail = copyJsonObject(stage.detail)
    if (detail === UNSURE) return auditEntryFromJson(json)
    trace.push({ stage: stage.stage, outcome: stage.outcome, detail })
  }
  return toAuditEntry({
    ...j,
    norm_action: { ...j.norm_action, parameters },
    raw_tool_call: { tool_name: j.raw_tool_call.tool_name, parameters: rawParameters, metadata },
    decision_trace: trace,
  })
}

/** The domain entry of a JSON line whose shape is known to be valid. */
function toAuditEntry(j: ParsedAuditEntryJson): AuditEntry {
  const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined ? {} : { [key]: v }) as { [P in K]?: V }
  const fo = j.failed_open_context
  return {
    entryId: j.entry_id,
    timestampMs: Date.parse(j.timestamp),
    sequence: j.sequence,
    kind: j.kind,
    decision: j.decision,
    decisionSource: j.decision_source,
    action: {
      actionType: j.norm_action.action_type,
      domain: j.norm_action.domain,
      verb: j.norm_action.verb,
      channel: j.norm_action.channel,
      parameters: j.norm_action.parameters,
      execution: {
        surfaceTool: j.norm_action.execution.surface_tool,
        surfaceCommand: j.norm_action.execution.surface_command,
      },
      normHash: j.norm_hash,
    },
    rawToolCall: { toolName: j.raw_tool_call.tool_name, parameters: j.raw_tool_call.parameters, metadata: j.raw_tool_call.metadata },
    ...opt('risk', j.risk_score && riskFromJson(j.risk_score)),
    trace: j.decision_trace.map((s) => ({ stage: s.stage, outcome: s.outcome, ...opt('detail', s.detail) })),
    ...opt('explanation', j.explanation),
    ...opt('agentId', j.agent_id),
    ...opt('sessionId', j.session_id),
    ...opt('taskGoal', j.task_goal),
    ...opt('orgId', j.org_id),
    ...opt('environment', j.environment),
    ...opt('engineVersion', j.engine_version),
    ...opt('packId', j.pack_id),
    ...opt('packVersion', j.pack_version),
    ...opt(
      'humanReview',
      j.human_review && {
        reviewer: j.human_review.reviewer,
        decision: j.human_review.decision,
        ...opt('reason', j.human_review.reason),
        reviewedAtMs: Date.parse(j.human_review.reviewed_at),
      },
    ),
    ...opt('engineDecision', j.engine_decision),
    ...opt('engineSource', j.engine_source),
    ...opt('approvalId', j.approval_id),
    ...opt('tokenId', j.token_id),
    ...opt('correctionOf', j.correction_of),
    ...opt(
      'failedOpen',
      fo && {
        eventId: fo.event_id,
        failReasonCode: fo.fail_reason_code,
        failReason: fo.fail_reason,
        clientWindowStart: fo.client_window_start,
        clientWindowEnd: fo.client_window_end,
        clientVersion: fo.client_version,
        failOpenSource: fo.fail_open_source,
        ...opt('occurredAt', fo.occurred_at),
      },
    ),
    ...opt('retroactiveDecision', j.retroactive_decision),
    ...opt('reason', j.reason),
    ...opt(
      'shadow',
      j.shadow && {
        ...opt('permission', j.shadow.permission),
        ...opt('source', j.shadow.source),
        ...opt('tier', j.shadow.tier),
        ...opt('score', j.shadow.score),
        ...opt('error', j.shadow.error),
      },
    ),
    prevHash: j.prev_hash,
    entryHash: j.entry_hash,
    ...opt('signature', j.signature),
    keyId: j.key_id,
    ...opt('batchEnd', j.batch_end),
  }
}

/** Replaces the values of configured keys (case-insensitive, any depth) with `"[REDACTED]"`. */
export function createRedactor(keys: readonly string[]): (value: JsonValue) => JsonValue {
  const names = new Set(keys.map((k) => k.toLowerCase()))
  const walk = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(walk)
    if (value === null || typeof value !== 'object') return value
    const out: JsonObject = {}
    for (const [key, child] of Object.entries(value)) {
      out[key] = names.has(key.toLowerCase()) ? '[REDACTED]' : walk(child)
    }
    return out
  }
  return names.size === 0 ? (value) => value : walk
}

/** Applies a redactor to every free-form part of an entry (parameters, metadata, trace details). */
export function redactEntry(entry: NewAuditEntry, redact: (value: JsonValue) => JsonValue): NewAuditEntry {
  return {
    ...entry,
    action: { ...entry.action, parameters: redact(entry.action.parameters) as JsonObject },
    rawToolCall: {
      toolName: entry.rawToolCall.toolName,
      parameters: redact(entry.rawToolCall.parameters),
      metadata: redact(entry.rawToolCall.metadata) as JsonObject,
    },
    ...(entry.trace && {
      trace: entry.trace.map((s) => (s.detail ? { ...s, detail: redact(s.detail) as JsonObject } : s)),
    }),
  }
}
