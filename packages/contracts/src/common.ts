import { z } from 'zod'
import * as Domain from '@permit0/domain'

/**
 * The wire enums derive from `@permit0/domain`'s objects (one definition for every package), so a
 * value added there is accepted here at once.
 */
export const PermissionSchema = z.enum(Domain.Permission)
export type Permission = z.infer<typeof PermissionSchema>

/**
 * How long a reviewer's decision is remembered: `once` (this call only), `call` (every identical
 * call until an expiry), `session` (identical calls in the approval's session until an expiry).
 */
export const RememberScopeSchema = z.enum(Domain.RememberScope)
export type RememberScope = z.infer<typeof RememberScopeSchema>

/** What a human decision was remembered as. `expires_at` is null for `once`. */
export const RememberSchema = z.object({
  scope: RememberScopeSchema,
  expires_at: z.iso.datetime({ offset: true }).nullable(),
})
export type Remember = z.infer<typeof RememberSchema>

/**
 * A permission typed by a person or an upstream client: case-insensitive, and `humanintheloop`
 * means `human` (the upstream Rust hook's spelling).
 */
export const PermissionInputSchema = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .transform((value) => (value === 'humanintheloop' ? Domain.Permission.Human : value))
  .pipe(PermissionSchema)

export const TierSchema = z.enum(Domain.Tier)
export type Tier = z.infer<typeof TierSchema>

export const DecisionSourceSchema = z.enum(Domain.DecisionSource)
export type DecisionSource = z.infer<typeof DecisionSourceSchema>

/** An audit entry's `decision_source`: a verdict source or `FailedOpen`. */
export const AuditSourceSchema = z.enum(Domain.AuditSource)
export type AuditSource = z.infer<typeof AuditSourceSchema>

/** Full SHA-256 norm hash, 64 lowercase hex characters. */
export const NormHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters')

/** Approval ids are ULIDs (26 Crockford base-32 characters). */
export const ApprovalIdSchema = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/i, 'expected a 26-character ULID')

/** RFC 3339 timestamp with offset, e.g. `2026-05-24T10:00:00.000Z`. */
export const TimestampSchema = z.iso.datetime({ offset: true })

export const JsonValueSchema: z.ZodType<unknown> = z.json()
export const JsonObjectSchema = z.record(z.string(), z.json())
