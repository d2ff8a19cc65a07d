import { createRequire } from 'node:module'
import type Nodemailer from 'nodemailer'
import { DeliveryError, type RetryOptions, withRetries } from './delivery.ts'
import type { LinkSigner } from './links.ts'
import { NotifyChannel, type ApprovalNotice, type Notifier } from './notifier.ts'

export interface EmailNotifierOptions {
  /** `smtp://user:pass@host:587` or `smtps://…` (nodemailer's connection URL). */
  readonly smtpUrl: string
  readonly from: string
  /** Each recipient gets links of their own and decides as their address. */
  readonly to: readonly string[]
  readonly links: LinkSigner
  readonly retry: RetryOptions
}

/**
 * Mails every recipient over SMTP (nodemailer: the maintained SMTP client for Node, with
 * STARTTLS, auth and pooling). Links only: the action and its risk, never the tool's arguments.
 */
export function createEmailNotifier(options: EmailNotifierOptions): Notifier & { close(): void } {
  // Loaded when mail is configured: a daemon without it skips nodemailer's module loading at start.
  const { createTransport } = createRequire(import.meta.url)('nodemailer') as typeof Nodemailer
  const transport = createTransport(options.smtpUrl)
  const sendOne = async (notice: ApprovalNotice, to: string, signal: AbortSignal): Promise<void> => {
    const link = (permission: 'allow' | 'deny') =>
      options.links.url({
        approvalId: notice.approvalId,
        normHash: notice.normHash,
        permission,
        reviewer: to,
        via: 'email',
        expiresAtMs: notice.expiresAtMs,
      })
    const approve = link('allow')
    const deny = link('deny')
    const tier = notice.tier === undefined ? '' : ` (${notice.tier})`
    const text = [
      notice.summary,
      '',
      `Approval: ${notice.approvalId}`,
      `Action:   ${notice.actionType} via ${notice.toolName}`,
      `Expires:  ${new Date(notice.expiresAtMs).toISOString()}`,
      '',
      'Approve (opens a confirmation page):',
      approve,
      '',
      'Deny (opens a confirmation page):',
      deny,
      '',
      'Each link works once, only for this call, until the approval expires. Forwarding this mail',
      'lets the recipient decide in your name.',
      '',
    ].join('\n')
    await withRetries(
      async () => {
        if (signal.aborted) throw new DeliveryError('aborted', false)
        try {
          await transport.sendMail({
            from: options.from,
            to,
            subject: `[permit0] approval needed: ${notice.actionType}${tier}`,
            text,
          })
        } catch (err) {
          const code = (err as { responseCode?: number }).responseCode
          // 5xx SMTP replies are permanent (bad recipient, refused); connection errors are not.
          throw new DeliveryError(`email to ${to}: ${(err as Error).message}`, code === undefined || code < 500, { cause: err })
        }
      },
      options.retry,
      signal,
    )
  }
  return {
    channel: NotifyChannel.Email,
    async notify(notice, signal) {
      const results = await Promise.allSettled(options.to.map((to) => sendOne(notice, to, signal)))
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed.length > 0) throw failed[0]?.reason
    },
    close: () => transport.close(),
  }
}
