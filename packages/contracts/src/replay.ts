import { z } from 'zod'
import { JsonObjectSchema, TimestampSchema } from './common.ts'

/** Largest batch `POST /api/v1/audit/replay` accepts; more → 413. */
export const MAX_REPLAY_BATCH = 500

/** One call a client let through while the daemon was unreachable (upstream field names). */
export const FailedOpenEventSchema = z.object({
  event_id: z.string().min(1).max(200),
  occurred_at: z.string(),
  tool_name: z.string().min(1),
  parameters: z.json(),
  metadata: JsonObjectSchema.default({}),
  fail_reason: z.string().default(''),
  fail_reason_code: z.string().default(''),
  outcome: z.string().nullable().optional(),
  client_version: z.string().default(''),
  fail_open_source: z.string().default(''),
})
export type FailedOpenEventWire = z.input<typeof FailedOpenEventSchema>
export type FailedOpenEvent = z.output<typeof FailedOpenEventSchema>

/** `POST /api/v1/audit/replay`: a batch of failed-open events and the client's outage window. */
export const ReplayRequestSchema = z.object({
  events: z.array(FailedOpenEventSchema),
  client_window_start: z.string().default(''),
  client_window_end: z.string().default(''),
  dropped_count: z.number().int().nonnegative().default(0),
})
export type ReplayRequestWire = z.input<typeof ReplayRequestSchema>
export type ReplayRequest = z.output<typeof ReplayRequestSchema>

export const ReplayResponseSchema = z.object({
  accepted: z.number().int().nonnegative(),
  rejected: z.array(z.object({ event_id: z.string(), error: z.string() })),
})
export type ReplayResponse = z.infer<typeof ReplayResponseSchema>

/** One failed-open window (`GET /api/v1/audit/failed_open_windows`), newest window end first. */
export const FailedOpenWindowSchema = z.object({
  client_window_start: z.string(),
  client_window_end: z.string(),
  fail_reason_code: z.string(),
  event_count: z.number().int().nonnegative(),
  dropped_count: z.number().int().nonnegative(),
  would_have_allowed: z.number().int().nonnegative(),
  would_have_denied: z.number().int().nonnegative(),
  would_have_human: z.number().int().nonnegative(),
  /** Events the current policy would not have allowed (deny + human). */
  would_have_blocked: z.number().int().nonnegative(),
  last_replayed_at: TimestampSchema.optional(),
})
export type FailedOpenWindow = z.infer<typeof FailedOpenWindowSchema>

export const FailedOpenWindowsSchema = z.object({ windows: z.array(FailedOpenWindowSchema) })
export type FailedOpenWindows = z.infer<typeof FailedOpenWindowsSchema>
