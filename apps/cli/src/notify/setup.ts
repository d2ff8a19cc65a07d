import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ApprovalQueue, Clock } from '@permit0/approvals'
import type { LinkNonceRepository } from '@permit0/store'
import type { Logger } from 'pino'
import { ConfigError, ConfigErrorCode } from '../config/load.ts'
import type { Config } from '../config/schema.ts'
import type { Metrics } from '../server/metrics.ts'
import { createDeadLetterLog, type RetryOptions } from './delivery.ts'
import { createNotificationDispatcher, type NotificationDispatcher } from './dispatcher.ts'
import { createEmailNotifier } from './email.ts'
import { createLinkSigner, LINK_SECRET_FILE, loadOrCreateLinkSecret } from './links.ts'
import type { Notifier } from './notifier.ts'
import { notifyRoutes } from './notify-routes.ts'
import { createSlackNotifier } from './slack.ts'
import { createWebhookNotifier } from './webhook.ts'
import type { RememberPolicy } from '../server/remember.ts'

export const DEAD_LETTER_FILE = 'notify-dead-letter.jsonl'

export interface NotificationsDeps {
  readonly queue: ApprovalQueue | undefined
  readonly nonces: LinkNonceRepository
  readonly clock: Clock
  readonly logger: Logger
  readonly metrics: Metrics
  readonly replicaId: string
  /** Holds the default link secret and the dead-letter log. */
  readonly dataDir: string
  /** The base of links (`--public-url`, else the bound address once listening). */
  readonly publicUrl: () => string
  readonly shutdown: AbortSignal
  /** Links and Slack buttons decide with the approval's default scope (docs/serve.md "Approval scope"). */
  readonly remember: RememberPolicy
}

export interface Notifications {
  readonly routes: ReturnType<typeof notifyRoutes>
  /** Starts announcing new approvals (call once listening: links need the bound address). */
  start(): void
  close(): Promise<void>
}

/** A secret given inline (env) or as a file; the file's content is trimmed. */
function secretOf(value: string | undefined, file: string | undefined, what: string): string | undefined {
  if (value !== undefined) return value
  if (file === undefined) return undefined
  try {
    const text = readFileSync(file, 'utf8').trim()
    if (text.length < 16) throw new ConfigError(ConfigErrorCode.Invalid, `${what} file ${file}: secrets must be at least 16 characters`)
    return text
  } catch (err) {
    if (err instanceof ConfigError) throw err
    throw new ConfigError(ConfigErrorCode.Invalid, `${what} file ${file} is unreadable: ${(err as Error).message}`, { cause: err })
  }
}

const missing = (flag: string, what: string): never => {
  throw new ConfigError(ConfigErrorCode.Invalid, `${flag} needs ${what}`)
}

/** The notification settings after validation: secrets read, every channel complete. */
export interface NotifySettings {
  readonly configured: readonly string[]
  readonly linkSecret: Buffer
  readonly webhook?: { readonly url: string; readonly name: string; readonly secret: string }
  readonly slack?: {
    readonly apiUrl: string
    readonly channel: string
    readonly botToken: string
    readonly signingSecret: string
    readonly users: Readonly<Record<string, string>>
  }
  readonly email?: { readonly smtpUrl: string; readonly from: string; readonly to: readonly string[] }
}

/**
 * Validates the notification settings before anything is opened; undefined when no channel is
 * configured. Misconfiguration (a channel without its secret, no --ui) is a ConfigError at
 * startup, never a silent channel that cannot work.
 */
export function resolveNotifySettings(config: Config, options: { dataDir: string }): NotifySettings | undefined {
  const configured = [
    config.notifyWebhook && '--notify-webhook',
    config.notifySlack && '--notify-slack',
    config.notifyEmail && '--notify-email',
  ].filter((f): f is string => typeof f === 'string')
  if (configured.length === 0) return undefined
  if (!config.ui) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${configured.join(', ')} need --ui (without it nothing parks for a human)`)
  }
  let webhook: NotifySettings['webhook']
  if (config.notifyWebhook !== undefined) {
    const secret =
      secretOf(config.webhookSecret, config.webhookSecretFile, 'webhook secret') ??
      missing('--notify-webhook', 'a signing secret: PERMIT0_WEBHOOK_SECRET or PERMIT0_WEBHOOK_SECRET_FILE')
    webhook = { url: config.notifyWebhook, name: config.notifyWebhookName, secret }
  }
  let slack: NotifySettings['slack']
  if (config.notifySlack !== undefined) {
    const botToken =
      secretOf(config.slackBotToken, config.slackBotTokenFile, 'Slack bot token') ??
      missing('--notify-slack', 'a bot token: PERMIT0_SLACK_BOT_TOKEN or PERMIT0_SLACK_BOT_TOKEN_FILE')
    const signingSecret =
      secretOf(config.slackSigningSecret, config.slackSigningSecretFile, 'Slack signing secret') ??
      missing('--notify-slack', 'the app signing secret: PERMIT0_SLACK_SIGNING_SECRET or PERMIT0_SLACK_SIGNING_SECRET_FILE')
    if (Object.keys(config.slackUsers).length === 0) {
      missing('--notify-slack', 'at least one Slack user mapped to a reviewer (--notify-slack-users U0123ABCD=alice)')
    }
    slack = { apiUrl: config.slackApiUrl, channel: config.notifySlack, botToken, signingSecret, users: config.slackUsers }
  }
  let email: NotifySettings['email']
  if (config.notifyEmail !== undefined) {
    const from = config.notifyEmailFrom ?? missing('--notify-email', 'a sender: --notify-email-from')
    if (config.notifyEmailTo.length === 0) missing('--notify-email', 'recipients: --notify-email-to')
    const smtpUrl = new URL(config.notifyEmail)
    const password = secretOf(config.smtpPassword, config.smtpPasswordFile, 'SMTP password')
    if (password !== undefined && smtpUrl.password === '') smtpUrl.password = password
    email = { smtpUrl: smtpUrl.toString(), from, to: config.notifyEmailTo }
  }
  const linkSecret = loadOrCreateLinkSecret({
    ...(config.linkSecret !== undefined && { secret: config.linkSecret }),
    ...(config.linkSecretFile !== undefined && { file: config.linkSecretFile }),
    defaultFile: join(options.dataDir, LINK_SECRET_FILE),
  })
  return {
    configured,
    linkSecret,
    ...(webhook !== undefined && { webhook }),
    ...(slack !== undefined && { slack }),
    ...(email !== undefined && { email }),
  }
}

/** Builds the channels, the signed-link routes and the dispatcher over validated settings. */
export function setupNotifications(config: Config, settings: NotifySettings, deps: NotificationsDeps): Notifications {
  const queue = deps.queue
  if (queue === undefined) throw new ConfigError(ConfigErrorCode.Invalid, `${settings.configured.join(', ')} need --ui`)
  const retry: RetryOptions = { attempts: config.notifyAttempts, baseDelayMs: config.notifyRetryBaseMs, clock: deps.clock }
  const links = createLinkSigner({ secret: settings.linkSecret, publicUrl: deps.publicUrl })

  const notifiers: Notifier[] = []
  if (settings.webhook !== undefined) {
    notifiers.push(createWebhookNotifier({ ...settings.webhook, links, retry, clock: deps.clock }))
  }
  let slack: Parameters<typeof notifyRoutes>[0]['slack']
  if (settings.slack !== undefined) {
    const { apiUrl, botToken, channel, signingSecret, users } = settings.slack
    const notifier = createSlackNotifier({ apiUrl, botToken, channel, retry })
    notifiers.push(notifier)
    slack = { notifier, signingSecret, users }
  }
  let closeEmail: (() => void) | undefined
  if (settings.email !== undefined) {
    const email = createEmailNotifier({ ...settings.email, links, retry })
    notifiers.push(email)
    closeEmail = () => email.close()
  }

  const deadLetters = createDeadLetterLog({
    path: join(deps.dataDir, DEAD_LETTER_FILE),
    onError: (err) => deps.logger.warn({ err }, 'writing the notification dead-letter log failed'),
  })
  let dispatcher: NotificationDispatcher | undefined
  return {
    routes: notifyRoutes({
      queue,
      links,
      nonces: deps.nonces,
      clock: deps.clock,
      logger: deps.logger,
      ...(slack !== undefined && { slack }),
      shutdown: deps.shutdown,
      remember: deps.remember,
    }),
    start() {
      dispatcher ??= createNotificationDispatcher({
        queue,
        replicaId: deps.replicaId,
        notifiers,
        includeArguments: config.notifyIncludeArguments,
        counter: deps.metrics.notifications,
        deadLetters,
        logger: deps.logger,
      })
    },
    async close() {
      await dispatcher?.close()
      closeEmail?.()
    },
  }
}
