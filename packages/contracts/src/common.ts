import { z } from 'zod'
import type {
  DecisionSource as EngineDecisionSource,
  Permission as EnginePermission,
  RememberScope as EngineRememberScope,
  Tier as EngineTier,
} from '@permit0/engine'

/** Compile-time proof that a wire enum spells exactly the engine's values. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const assertSame = <T extends true>(_proof?: T): void => undefined

export const PermissionSchema = z.enum(['allow', 'human', 'deny'])
export type Permission = z.infer<typeof PermissionSchema>
assertSame<Same<Permission, EnginePermission>>()

/**
 * How long a reviewer's decision is remembered: `once` (this call only), `call` (every identical
 * call until an expiry), `session` (identical calls in the approval's session until an expiry).
 */
export const RememberScopeSchema = z.enum(['once', 'call', 'session'])
export type RememberScope = z.infer<typeof RememberScopeSchema>
assertSame<Same<RememberScope, EngineRememberScope>>()

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
  .transform((value) => (value === 'humanintheloop' ? 'human' : value))
  .pipe(PermissionSchema)

export const TierSchema = z.enum(['MINIMAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])
export type Tier = z.infer<typeof TierSchema>
assertSame<Same<Tier, EngineTier>>()

export const DecisionSourceSchema = z.enum([
  'Denylist',
  'Allowlist',
  'PolicyCache',
  'UnknownFallback',
  'Scorer',
  'AgentReviewer',
  'HumanReviewer',
])
export type DecisionSource = z.infer<typeof DecisionSourceSchema>
assertSame<Same<DecisionSource, EngineDecisionSource>>()

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
