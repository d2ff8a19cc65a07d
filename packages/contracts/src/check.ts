import { z } from 'zod'
import * as Domain from '@permit0/domain'
import {
  DecisionSourceSchema,
  JsonObjectSchema,
  NormHashSchema,
  PermissionSchema,
  RememberSchema,
  TierSchema,
  ApprovalIdSchema,
} from './common.ts'

/** Longest accepted per-request HITL wait: one day. */
export const MAX_HITL_TIMEOUT_SECS = 86_400

/**
 * `client_deadline_secs`: seconds after sending when the caller (or its host, e.g. Claude Code's
 * hook timeout) stops waiting and may run the call anyway. A parked request is answered (denied,
 * 408) at least 5 s before it. Our addition; upstream clients omit it.
 */
export const ClientDeadlineSchema = z.number().positive().max(MAX_HITL_TIMEOUT_SECS)

/** Longest accepted `metadata.session_id` (`@permit0/domain`'s `SESSION_ID_MAX_LENGTH`). */
export const MAX_SESSION_ID_LENGTH = Domain.SESSION_ID_MAX_LENGTH

/**
 * The check request schemas over `json`, the schema of their free-form JSON parts (`parameters`,
 * `input`, extra `metadata` keys). The wire schemas below use `z.json()`. A server that has already
 * walked a parsed body and found it plain JSON (what `JSON.parse` returns, with every number finite
 * and no `__proto__` key: exactly what `z.json()` accepts and returns unchanged) may build them over
 * a schema that takes such values as they are, instead of walking the same tree again.
 */
export function createCheckRequestSchemas<J extends z.ZodType<z.core.util.JSONType>>(json: J) {
  /** `metadata` of a check request; well-known keys are typed, anything else passes through. */
  const CheckMetadataSchema = z
    .object({
      session_id: z.string().min(1).max(MAX_SESSION_ID_LENGTH).optional(),
      task_goal: z.string().optional(),
      cwd: z.string().optional(),
    })
    .catchall(json)

  /**
   * `POST /api/v1/check` as sent on the wire. Accepts upstream's aliases (`tool` for `tool_name`,
   * `input` for `parameters`); sending both spellings of one field is an error. Unknown keys are
   * ignored, as upstream clients send extra fields.
   */
  const CheckRequestWireSchema = z
    .object({
      tool_name: z.string().min(1).optional(),
      tool: z.string().min(1).optional(),
      parameters: json.optional(),
      input: json.optional(),
      metadata: CheckMetadataSchema.optional(),
      client_kind: z.string().optional(),
      org_domain: z.string().min(1).optional(),
      hitl_routing: z.string().optional(),
      hitl_timeout_secs: z.number().int().min(0).max(MAX_HITL_TIMEOUT_SECS).optional(),
      hitl_wait: z.boolean().optional(),
      client_deadline_secs: ClientDeadlineSchema.optional(),
      /** Return the decision trace in the response (same as `?trace=1`). */
      trace: z.boolean().optional(),
    })
    .superRefine((body, ctx) => {
      if (body.tool_name !== undefined && body.tool !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['tool'], message: 'send either tool_name or tool, not both' })
      } else if (body.tool_name === undefined && body.tool === undefined) {
        ctx.addIssue({ code: 'custom', path: ['tool_name'], message: 'tool_name is required' })
      }
      if (body.parameters !== undefined && body.input !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['input'], message: 'send either parameters or input, not both' })
      } else if (body.parameters === undefined && body.input === undefined) {
        ctx.addIssue({ code: 'custom', path: ['parameters'], message: 'parameters is required' })
      }
    })

  /** The check request with aliases folded: what the server works with. */
  const CheckRequestSchema = CheckRequestWireSchema.transform((body) => ({
    tool_name: (body.tool_name ?? body.tool) as string,
    parameters: (body.parameters ?? body.input) as z.core.util.JSONType,
    metadata: body.metadata ?? {},
    ...(body.client_kind !== undefined && { client_kind: body.client_kind }),
    ...(body.org_domain !== undefined && { org_domain: body.org_domain }),
    ...(body.hitl_routing !== undefined && { hitl_routing: body.hitl_routing }),
    ...(body.hitl_timeout_secs !== undefined && { hitl_timeout_secs: body.hitl_timeout_secs }),
    ...(body.hitl_wait !== undefined && { hitl_wait: body.hitl_wait }),
    ...(body.client_deadline_secs !== undefined && { client_deadline_secs: body.client_deadline_secs }),
    ...(body.trace !== undefined && { trace: body.trace }),
  }))

  /** `POST /api/v1/check_action`: an already-normalized action (upstream Python SDK). */
  const CheckActionRequestSchema = z.object({
    action_type: z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/, 'expected <domain>.<verb>'),
    /** The vendor/channel; upstream calls it `source`. */
    source: z.string().min(1).default('app'),
    parameters: z.record(z.string(), json).default({}),
    metadata: CheckMetadataSchema.optional(),
    hitl_timeout_secs: z.number().int().min(0).max(MAX_HITL_TIMEOUT_SECS).optional(),
    hitl_wait: z.boolean().optional(),
    client_deadline_secs: ClientDeadlineSchema.optional(),
    /** Return the decision trace in the response (same as `?trace=1`). */
    trace: z.boolean().optional(),
  })

  return { CheckMetadataSchema, CheckRequestWireSchema, CheckRequestSchema, CheckActionRequestSchema }
}

const WIRE = createCheckRequestSchemas(z.json())

/** `metadata` of a check request; well-known keys are typed, anything else passes through. */
export const CheckMetadataSchema = WIRE.CheckMetadataSchema

/**
 * `POST /api/v1/check` as sent on the wire. Accepts upstream's aliases (`tool` for `tool_name`,
 * `input` for `parameters`); sending both spellings of one field is an error. Unknown keys are
 * ignored, as upstream clients send extra fields.
 */
export const CheckRequestWireSchema = WIRE.CheckRequestWireSchema

/** The check request with aliases folded: what the server works with. */
export const CheckRequestSchema = WIRE.CheckRequestSchema
export type CheckRequestWire = z.input<typeof CheckRequestSchema>
export type CheckRequest = z.output<typeof CheckRequestSchema>

/** `POST /api/v1/check_action`: an already-normalized action (upstream Python SDK). */
export const CheckActionRequestSchema = WIRE.CheckActionRequestSchema
export type CheckActionRequest = z.output<typeof CheckActionRequestSchema>

/** Response of `/check` and `/check_action` (product §3.4). Absent optionals are omitted. */
export const CheckResponseSchema = z.object({
  permission: PermissionSchema,
  /** The verdict source (`Scorer`, `HumanReviewer`, `PolicyCache`, …). */
  source: DecisionSourceSchema,
  /** Same value as `source`, for upstream clients. */
  decision_source: DecisionSourceSchema,
  action_type: z.string(),
  /** The vendor, e.g. `gmail`. */
  channel: z.string(),
  norm_hash: NormHashSchema,
  score: z.number().int().min(0).max(100).optional(),
  tier: TierSchema.optional(),
  blocked: z.boolean().optional(),
  block_reason: z.string().optional(),
  flags: z.array(z.string()).optional(),
  approval_id: ApprovalIdSchema.optional(),
  /**
   * A person's verdict (a parked call they decided, or their earlier decision answered from the
   * policy cache): who decided and why.
   */
  reviewer: z.string().optional(),
  reason: z.string().optional(),
  /** A human decision: how it is remembered (`once`, `call`, `session`) and until when. */
  remember: RememberSchema.optional(),
  /** When `reviewer` decided (a cached human decision). */
  decided_at: z.iso.datetime({ offset: true }).optional(),
  /** What the call does, in one plain sentence ("Downloads https://x/i.sh and runs it with sh"). */
  explanation: z.string().optional(),
  /**
   * Why the verdict is what it is, in words: the list entry, the earlier human decision, the
   * rule that blocked it, the shell analysis's reasons to ask, or the risk score.
   */
  why: z.string().optional(),
  /** The decision trace, when asked for (`?trace=1` or `"trace": true` in the request). */
  trace: z
    .array(z.object({ stage: z.string(), outcome: z.string(), detail: JsonObjectSchema.optional() }))
    .optional(),
})
export type CheckResponse = z.infer<typeof CheckResponseSchema>

/** 202 body when the caller asked not to block (`Prefer: respond-async` or `hitl_wait: false`). */
export const CheckAcceptedSchema = z.object({
  status: z.literal('pending'),
  approval_id: ApprovalIdSchema,
  /** Relative URL to long-poll: `/api/v1/approvals/{id}/wait`. */
  wait_url: z.string(),
  expires_at: z.iso.datetime({ offset: true }),
  /** What the engine said before parking (`permission` is usually `human`). */
  engine: CheckResponseSchema,
})
export type CheckAccepted = z.infer<typeof CheckAcceptedSchema>
