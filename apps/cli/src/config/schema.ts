import { z } from 'zod'

const httpUrl = z.url({ protocol: /^https?$/ })
/** A secret given inline (env); at least 16 characters so a typo'd placeholder is refused. */
const secret = z.string().min(16, 'secrets must be at least 16 characters')
const reviewerName = z.string().regex(/^[\w.@+-]{1,100}$/, 'expected a name of letters, digits and ._@+-')

const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

/** `a=b,c=d` → `{ a: 'b', c: 'd' }` (entries without `=` map to '' and fail validation). */
function parsePairs(text: string): Record<string, string> {
  return Object.fromEntries(
    splitList(text).map((pair) => {
      const at = pair.indexOf('=')
      return at < 0 ? [pair, ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()]
    }),
  )
}

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
    /** `--shadow`: a candidate packs root decided beside every live call, never enforced. */
    shadowPacksDir: z.string().min(1).optional(),
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

    // Notifications (remote approvals, docs/serve.md "Notifications"). Secrets come from the
    // environment (`PERMIT0_*`) or from files (`*File`), never from flags.
    /** Base URL of approve/deny links (default: the bound address). */
    publicUrl: httpUrl.optional(),
    /** HMAC key of approve/deny links; absent → `<data dir>/link-secret` (created 0600). */
    linkSecret: secret.optional(),
    linkSecretFile: z.string().min(1).optional(),
    /** Generic webhook receiving every new approval (signed with `webhookSecret`). */
    notifyWebhook: httpUrl.optional(),
    /** The webhook's name: the reviewer its links decide as. */
    notifyWebhookName: reviewerName.default('webhook'),
    webhookSecret: secret.optional(),
    webhookSecretFile: z.string().min(1).optional(),
    /** Slack channel id the bot posts approvals to. */
    notifySlack: z.string().regex(/^[A-Z0-9]{2,40}$/, 'expected a Slack channel id such as C0123ABCD').optional(),
    /** Slack Web API base (tests point it at a fake). */
    slackApiUrl: httpUrl.default('https://slack.com/api'),
    slackBotToken: secret.optional(),
    slackBotTokenFile: z.string().min(1).optional(),
    slackSigningSecret: secret.optional(),
    slackSigningSecretFile: z.string().min(1).optional(),
    /** Slack user id → permit0 reviewer name (`U1=alice,U2=bob` or a mapping in permit0.yaml). */
    slackUsers: z
      .union([z.record(z.string(), reviewerName), z.string().transform(parsePairs)])
      .pipe(z.record(z.string().regex(/^[UW][A-Z0-9]{2,40}$/, 'expected a Slack user id such as U0123ABCD'), reviewerName))
      .default({}),
    /** SMTP URL (`smtp://user@host:587`, `smtps://…`); the password may come from `smtpPassword`. */
    notifyEmail: z.url({ protocol: /^smtps?$/ }).optional(),
    notifyEmailFrom: z.email().optional(),
    /** Recipients (each gets links of their own and decides as their address). */
    notifyEmailTo: z
      .union([z.array(z.email()), z.string().transform(splitList).pipe(z.array(z.email()))])
      .default([]),
    smtpPassword: secret.optional(),
    smtpPasswordFile: z.string().min(1).optional(),
    /** Send the tool's arguments to Slack and the webhook (off: only the action and its risk). */
    notifyIncludeArguments: z.coerce.boolean().default(false),
    /** Attempts per notification before it goes to the dead-letter log. */
    notifyAttempts: z.coerce.number().int().min(1).max(10).default(4),
    /** First retry delay; doubles on every attempt. */
    notifyRetryBaseMs: z.coerce.number().int().min(0).default(500),
  })
  .strict()
  .transform((config) => ({ ...config, ui: config.ui || config.calibrate }))

export type Config = Readonly<z.output<typeof ConfigSchema>>
export type ConfigInput = z.input<typeof ConfigSchema>
