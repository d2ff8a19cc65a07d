import { z } from 'zod'
import { ApprovalResolutionSchema } from './approvals.ts'
import { NormHashSchema, TimestampSchema } from './common.ts'

/** `GET /api/v1/stats`. */
export const StatsSchema = z.object({
  total_decisions: z.number().int().nonnegative(),
  allow_count: z.number().int().nonnegative(),
  deny_count: z.number().int().nonnegative(),
  /**
   * Calls sent to a person: parked calls a reviewer decided (or that timed out / were abandoned)
   * and HITL verdicts not from UnknownFallback that the host prompts for.
   */
  human_count: z.number().int().nonnegative(),
  /** HITL verdicts from UnknownFallback (permit0 had no opinion). */
  fallback_count: z.number().int().nonnegative(),
  tier_distribution: z.record(z.string(), z.number().int().nonnegative()),
  pending_approvals: z.number().int().nonnegative(),
})
export type Stats = z.infer<typeof StatsSchema>

export const ListKindSchema = z.enum(['allowlist', 'denylist'])
export type ListKind = z.infer<typeof ListKindSchema>

/** One allow/deny list row. */
export const ListEntrySchema = z.object({
  norm_hash: NormHashSchema,
  reason: z.string(),
  created_at: TimestampSchema.optional(),
})
export type ListEntry = z.infer<typeof ListEntrySchema>

export const ListEntriesSchema = z.object({ entries: z.array(ListEntrySchema) })

/** Accepts `norm_hash` or upstream's `norm_hash_hex` (any case). */
const NormHashInputSchema = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(NormHashSchema)

export const ListAddRequestSchema = z
  .object({
    norm_hash: NormHashInputSchema.optional(),
    norm_hash_hex: NormHashInputSchema.optional(),
    reason: z.string().max(4_000).default(''),
  })
  .refine((b) => (b.norm_hash ?? b.norm_hash_hex) !== undefined, {
    path: ['norm_hash'],
    message: 'norm_hash is required',
  })
  .transform((b) => ({ norm_hash: (b.norm_hash ?? b.norm_hash_hex) as string, reason: b.reason }))
export type ListAddRequest = z.output<typeof ListAddRequestSchema>

export const ListRemoveRequestSchema = z
  .object({
    norm_hash: NormHashInputSchema.optional(),
    norm_hash_hex: NormHashInputSchema.optional(),
  })
  .refine((b) => (b.norm_hash ?? b.norm_hash_hex) !== undefined, {
    path: ['norm_hash'],
    message: 'norm_hash is required',
  })
  .transform((b) => ({ norm_hash: (b.norm_hash ?? b.norm_hash_hex) as string }))

/** `GET /api/v1/health` — public. */
export const HealthSchema = z.object({
  ok: z.boolean(),
  service: z.literal('permit0'),
  version: z.string(),
  mode: z.object({ ui: z.boolean(), calibrate: z.boolean() }),
  store: z.object({ ok: z.boolean(), kind: z.string().optional(), error: z.string().optional() }),
})
export type Health = z.infer<typeof HealthSchema>

/** One problem with a request, as reported in `error.issues`. */
export const ErrorIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
})

/** Every non-2xx JSON body. */
export const ErrorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    issues: z.array(ErrorIssueSchema).optional(),
    /** On a 409 from decide: the resolution that won. */
    resolution: ApprovalResolutionSchema.optional(),
  }),
})
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>
