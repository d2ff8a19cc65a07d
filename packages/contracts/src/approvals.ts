import { z } from 'zod'
import * as Domain from '@permit0/domain'
import {
  ApprovalIdSchema,
  DecisionSourceSchema,
  JsonObjectSchema,
  NormHashSchema,
  PermissionInputSchema,
  PermissionSchema,
  RememberSchema,
  RememberScopeSchema,
  TierSchema,
  TimestampSchema,
} from './common.ts'

export const ApprovalStatusSchema = z.enum(Domain.ApprovalStatus)
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>

/** Why a request was parked: a HITL verdict, or calibration mode. */
export const ApprovalKindSchema = z.enum(Domain.ApprovalKind)
export type ApprovalKind = z.infer<typeof ApprovalKindSchema>

/** How an approval ended. `permission` is present only when a human decided. */
export const ApprovalResolutionSchema = z.object({
  status: z.enum(Domain.ApprovalEndStatus),
  permission: PermissionSchema.optional(),
  reviewer: z.string().optional(),
  reason: z.string().optional(),
  resolved_at: TimestampSchema,
  /** How a human decision is remembered (absent unless a human decided). */
  remember: RememberSchema.optional(),
})
export type ApprovalResolution = z.infer<typeof ApprovalResolutionSchema>

/** One card of the approvals queue (`GET /api/v1/approvals`, `GET /api/v1/approvals/{id}`). */
export const ApprovalSummarySchema = z.object({
  approval_id: ApprovalIdSchema,
  kind: ApprovalKindSchema,
  status: ApprovalStatusSchema,
  action_type: z.string(),
  domain: z.string(),
  verb: z.string(),
  /** The vendor, e.g. `gmail`. */
  channel: z.string(),
  /** The tool name the agent called. */
  tool_name: z.string(),
  surface_tool: z.string(),
  surface_command: z.string(),
  norm_hash: NormHashSchema,
  /** What the call does, in one plain sentence (what a reviewer reads first). */
  explanation: z.string().optional(),
  /** Why the engine asked: the shell analysis's reasons, the rule, or the risk score. */
  why: z.string().optional(),
  score: z.number().int().min(0).max(100).optional(),
  tier: TierSchema.optional(),
  blocked: z.boolean().optional(),
  block_reason: z.string().optional(),
  flags: z.array(z.string()),
  /** Normalized parameters (e.g. `to`, `subject`, `body`, `domain`, `recipient_scope`). */
  parameters: JsonObjectSchema,
  engine_permission: PermissionSchema,
  engine_source: DecisionSourceSchema,
  session_id: z.string().optional(),
  /** The agent behind the call, as the request named it (client kind, agent type or id). */
  agent: z.string().optional(),
  task_goal: z.string().optional(),
  context: JsonObjectSchema.optional(),
  created_at: TimestampSchema,
  expires_at: TimestampSchema,
  /**
   * The scopes a reviewer may choose for this approval, the default (preselected), and how long a
   * remembered decision lasts (`call`, `session`: decided-at + `remember_secs`).
   */
  scope_options: z
    .object({ scopes: z.array(RememberScopeSchema), default: RememberScopeSchema, remember_secs: z.number().int().min(0) })
    .optional(),
  resolution: ApprovalResolutionSchema.optional(),
})
export type ApprovalSummary = z.infer<typeof ApprovalSummarySchema>

export const ApprovalListSchema = z.object({ approvals: z.array(ApprovalSummarySchema) })
export type ApprovalList = z.infer<typeof ApprovalListSchema>

/** `POST /api/v1/approvals/decide`. */
export const DecideRequestSchema = z.object({
  approval_id: ApprovalIdSchema,
  permission: PermissionInputSchema,
  reason: z.string().max(4_000).optional(),
  reviewer: z.string().max(200).optional(),
  /**
   * How long the decision is remembered: `once`, `call` (the default: every identical call until an
   * expiry), `session` (identical calls in the approval's session). Absent → the approval's default.
   */
  scope: RememberScopeSchema.optional(),
})
export type DecideRequestWire = z.input<typeof DecideRequestSchema>
export type DecideRequest = z.output<typeof DecideRequestSchema>

/** 200 body of a successful decide. A conflicting decide gets 409 with `resolution` in the error. */
export const DecideResponseSchema = z.object({
  approval_id: ApprovalIdSchema,
  resolution: ApprovalResolutionSchema,
  /** How the decision is remembered, and until when (`expires_at` null for `once`). */
  remember: RememberSchema,
})
export type DecideResponse = z.infer<typeof DecideResponseSchema>

/** Query of `GET /api/v1/approvals/{id}/wait`. `timeout` in seconds (long-poll budget). */
export const WaitQuerySchema = z.object({
  timeout: z.coerce.number().int().min(0).max(300).default(30),
})
export type WaitQuery = z.output<typeof WaitQuerySchema>

/** Server-sent events on `GET /api/v1/approvals/stream` (`event:` name → `data:` payload). */
export const ApprovalEventType = {
  Created: 'approval.created',
  Resolved: 'approval.resolved',
} as const
export type ApprovalEventType = (typeof ApprovalEventType)[keyof typeof ApprovalEventType]

export const ApprovalCreatedEventSchema = z.object({
  type: z.literal(ApprovalEventType.Created),
  approval: ApprovalSummarySchema,
})
export const ApprovalResolvedEventSchema = z.object({
  type: z.literal(ApprovalEventType.Resolved),
  approval_id: ApprovalIdSchema,
  resolution: ApprovalResolutionSchema,
})
export const ApprovalEventSchema = z.discriminatedUnion('type', [
  ApprovalCreatedEventSchema,
  ApprovalResolvedEventSchema,
])
export type ApprovalEvent = z.infer<typeof ApprovalEventSchema>
