import { z } from 'zod'
import * as Domain from '@permit0/domain'
import { AuditEntrySchema } from './audit.ts'

/**
 * Read-only views the dashboard needs beyond the core API (added by the dashboard work; the
 * dashboard shows "not available on this server" when a route answers 404).
 */

/** `GET /api/v1/audit/verify` — the audit chain's verification status. */
export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  /** Entries checked. */
  checked: z.number().int().nonnegative(),
  /** First sequence whose hash, link or signature is wrong. */
  first_bad_sequence: z.number().int().optional(),
  error: z.string().optional(),
})
export type AuditVerify = z.infer<typeof AuditVerifySchema>

/** Decisions per minute, oldest first (optional `per_minute` of `GET /api/v1/stats`). */
export const DecisionsPerMinuteSchema = z.array(
  z.object({ minute: z.iso.datetime({ offset: true }), count: z.number().int().nonnegative() }),
)
export type DecisionsPerMinute = z.infer<typeof DecisionsPerMinuteSchema>

/** `GET /api/v1/calibration/stats`. */
export const CalibrationStatsSchema = z.object({
  total: z.number().int().nonnegative(),
  matched: z.number().int().nonnegative(),
  overridden: z.number().int().nonnegative(),
  agreement_rate: z.number().min(0).max(1).nullable(),
  by_reviewer: z.array(z.object({ reviewer: z.string(), count: z.number().int() })),
  most_overridden_actions: z.array(z.object({ action_type: z.string(), count: z.number().int() })),
})
export type CalibrationStats = z.infer<typeof CalibrationStatsSchema>

/** `GET /api/v1/calibration/records?agreement=&reviewer=&limit=` — flattened audit entries. */
export const CalibrationRecordsSchema = z.object({ records: z.array(AuditEntrySchema) })

/** One loaded pack (`GET /api/v1/packs`), read-only. */
export const PackInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  vendor: z.string().optional(),
  description: z.string().optional(),
  normalizers: z.array(
    z.object({
      id: z.string(),
      action_type: z.string(),
      channel: z.string().optional(),
      priority: z.number().optional(),
    }),
  ),
  risk_rules: z.array(
    z.object({
      action_type: z.string(),
      flags: z.array(z.string()).default([]),
      amplifiers: z.record(z.string(), z.number()).default({}),
    }),
  ),
})
export type PackInfo = z.infer<typeof PackInfoSchema>
export const PacksSchema = z.object({ packs: z.array(PackInfoSchema) })

/** `POST /api/v1/packs/validate` with `{ yaml }` → whether it parses as a pack (nothing is saved). */
export const PackValidateRequestSchema = z.object({ yaml: z.string().max(1_000_000) })
export const PackValidateResponseSchema = z.object({
  valid: z.boolean(),
  errors: z.array(z.object({ path: z.string().optional(), message: z.string() })),
})
export type PackValidateResponse = z.infer<typeof PackValidateResponseSchema>

/** `GET /api/v1/whoami` — the caller's token identity (absent route = no auth, full access). */
export const RoleSchema = z.enum(Domain.TokenRole)
export type Role = z.infer<typeof RoleSchema>
export const WhoamiSchema = z.object({
  name: z.string().optional(),
  role: RoleSchema,
  /** False when the server runs without tokens. */
  auth: z.boolean().default(true),
})
export type Whoami = z.infer<typeof WhoamiSchema>
