import { z } from 'zod'
import * as Domain from '@permit0/domain'
import {
  ApprovalIdSchema,
  AuditSourceSchema,
  DecisionSourceSchema,
  JsonObjectSchema,
  PermissionSchema,
  TierSchema,
  TimestampSchema,
} from './common.ts'

/** What an audit entry records. */
export const AuditEventKindSchema = z.enum(Domain.AuditEventKind)
export type AuditEventKind = z.infer<typeof AuditEventKindSchema>

/** One audit entry as the API shows it (flattened, snake_case). */
export const AuditEntrySchema = z.object({
  entry_id: z.string(),
  sequence: z.number().int().nonnegative(),
  timestamp: TimestampSchema,
  kind: AuditEventKindSchema,
  permission: PermissionSchema,
  source: AuditSourceSchema,
  action_type: z.string(),
  channel: z.string(),
  norm_hash: z.string(),
  score: z.number().int().optional(),
  tier: TierSchema.optional(),
  blocked: z.boolean().optional(),
  flags: z.array(z.string()).default([]),
  surface_tool: z.string().optional(),
  surface_command: z.string().optional(),
  /** What the call does, in one sentence (entries written before it existed have none). */
  explanation: z.string().optional(),
  approval_id: ApprovalIdSchema.optional(),
  reviewer: z.string().optional(),
  reason: z.string().optional(),
  engine_permission: PermissionSchema.optional(),
  engine_source: DecisionSourceSchema.optional(),
  session_id: z.string().optional(),
  task_goal: z.string().optional(),
  parameters: JsonObjectSchema.optional(),
  prev_hash: z.string().optional(),
  entry_hash: z.string().optional(),
  /** `serve --shadow`: the candidate policy's answer for the same call (never enforced); `error` when it failed. */
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
export type AuditEntry = z.infer<typeof AuditEntrySchema>

/** Filters of `GET /api/v1/audit` (newest first, cursor-paginated). */
export const AuditQuerySchema = z.object({
  /** Prefix match on `domain.verb`. */
  action_type: z.string().optional(),
  /** `allow`, `deny`, `human` (real HITL) or `bypass` (unknown-fallback HITL). */
  decision: z.enum(['allow', 'deny', 'human', 'bypass']).optional(),
  source: z.string().optional(),
  session_id: z.string().optional(),
  since: TimestampSchema.optional(),
  until: TimestampSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  /** Opaque; the `next_cursor` of the previous page. */
  cursor: z.string().optional(),
})
export type AuditQuery = z.output<typeof AuditQuerySchema>

export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  /** Present when more entries exist; pass it back as `cursor`. */
  next_cursor: z.string().optional(),
})
export type AuditPage = z.infer<typeof AuditPageSchema>

export const AuditExportQuerySchema = z.object({
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
})
