import { z } from 'zod'

/**
 * Wire shapes the client reads. Kept lenient on purpose (unknown keys pass through, `human` and
 * `humanintheloop` are the same permission) so newer daemons and upstream daemons both validate.
 */
export const CheckReplySchema = z.looseObject({
  permission: z
    .string()
    .transform((p) => p.toLowerCase())
    .pipe(z.enum(['allow', 'deny', 'human', 'humanintheloop']))
    .transform((p) => (p === 'humanintheloop' ? 'human' : p)),
  action_type: z.string(),
  /** Verdict source in our daemon; upstream daemons put the vendor here. */
  source: z.string().optional(),
  decision_source: z.string().optional(),
  channel: z.string().optional(),
  norm_hash: z.string(),
  score: z.number().optional(),
  tier: z.string().optional(),
  blocked: z.boolean().optional(),
  block_reason: z.string().optional(),
  flags: z.array(z.string()).optional(),
  approval_id: z.string().optional(),
  reviewer: z.string().optional(),
  reason: z.string().optional(),
})
export type CheckReply = z.output<typeof CheckReplySchema>

/** `202 Accepted` from `/check` with `Prefer: respond-async`: the call is parked. */
export const ParkedReplySchema = z.looseObject({
  approval_id: z.string().min(1),
  wait_url: z.string().optional(),
  url: z.string().optional(),
})
export type ParkedReply = z.output<typeof ParkedReplySchema>

export const ReplayReplySchema = z.looseObject({
  accepted: z.number().int().nonnegative(),
  rejected: z.array(z.looseObject({ event_id: z.string(), error: z.string() })).default([]),
})
export type ReplayReply = z.output<typeof ReplayReplySchema>

/** One failed-open event as `POST /api/v1/audit/replay` accepts it. */
export interface FailedOpenEvent {
  readonly event_id: string
  readonly occurred_at: string
  readonly tool_name: string
  readonly parameters: unknown
  readonly metadata: Record<string, unknown>
  readonly fail_reason: string
  readonly fail_reason_code: string
  readonly outcome: 'executed'
  readonly client_version: string
  readonly fail_open_source: string
}

/** Largest batch the daemon accepts on `/audit/replay`. */
export const MAX_REPLAY_BATCH = 500
