import { z } from 'zod'

/** The validated configuration of `permit0 serve` (flags > `PERMIT0_*` env > permit0.yaml > defaults). */
export const ConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65_535).default(9090),
    /** Serve the dashboard and park HITL verdicts for a human. */
    ui: z.coerce.boolean().default(false),
    /** Park every fresh engine decision for a human (implies `ui`). */
    calibrate: z.coerce.boolean().default(false),
    packsDir: z.string().optional(),
    profile: z.string().optional(),
    orgDomain: z.string().optional(),
    /** PostgreSQL URL; absent → embedded PGlite. */
    databaseUrl: z.string().min(1).optional(),
    /** Embedded store directory; absent → `~/.permit0/data` (see store-options.ts). */
    dataDir: z.string().optional(),
    /** ed25519 audit signing key file; absent → `<data dir>/audit-signing.key` (created 0600). */
    auditKey: z.string().optional(),
    approvalTimeoutSecs: z.coerce.number().int().positive().default(300),
    /** Cache a human's Allow/Deny for identical repeat calls. */
    cacheHumanVerdicts: z.coerce.boolean().default(true),
    /** Longest time a policy lookup is served from process memory (0 = no in-process cache). */
    policyCacheTtlMs: z.coerce.number().int().min(0).default(2_000),
    /** How long a verified API token is trusted without asking the store (0 = ask every time). */
    tokenCacheTtlMs: z.coerce.number().int().min(0).default(5_000),
    /** Polling fallback for cross-replica approval wake-ups. */
    approvalPollMs: z.coerce.number().int().positive().default(1_000),
    /** Largest accepted request body. */
    bodyLimitBytes: z.coerce.number().int().positive().default(1_048_576),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Allow a non-loopback `host` without API tokens (anyone reaching it may check; deciding needs the reviewer secret). */
    insecure: z.coerce.boolean().default(false),
    /** Directory of the built dashboard (`apps/dashboard/dist`). */
    uiDir: z.string().optional(),
  })
  .strict()
  .transform((config) => ({ ...config, ui: config.ui || config.calibrate }))

export type Config = Readonly<z.output<typeof ConfigSchema>>
export type ConfigInput = z.input<typeof ConfigSchema>
