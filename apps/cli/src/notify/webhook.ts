import { createHmac } from 'node:crypto'
import type { Clock } from '@permit0/approvals'
import { DeliveryError, type RetryOptions, withRetries } from './delivery.ts'
import type { LinkSigner } from './links.ts'
import { NotifyChannel, type ApprovalNotice, type Notifier } from './notifier.ts'

export const WEBHOOK_SIGNATURE_HEADER = 'X-Permit0-Signature'
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Permit0-Timestamp'

/**
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the receiver recomputes it over the
 * raw body and the timestamp header, and refuses stale timestamps (replays).
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export interface WebhookNotifierOptions {
  readonly url: string
  /** The webhook's configured name: links sent to it decide as this reviewer. */
  readonly name: string
  readonly secret: string
  readonly links: LinkSigner
  readonly retry: RetryOptions
  readonly clock: Pick<Clock, 'now'>
  /** Per-attempt timeout. Default 10 s. */
  readonly timeoutMs?: number
}

/** POSTs a signed JSON notice (with approve/deny links) to one URL; retries 5xx, 429 and network errors. */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const timeoutMs = options.timeoutMs ?? 10_000
  return {
    channel: NotifyChannel.Webhook,
    async notify(notice: ApprovalNotice, signal: AbortSignal) {
      const link = (permission: 'allow' | 'deny') =>
        options.links.url({
          approvalId: notice.approvalId,
          normHash: notice.normHash,
          permission,
          reviewer: options.name,
          via: 'webhook',
          expiresAtMs: notice.expiresAtMs,
        })
      const body = JSON.stringify({
        type: 'approval.pending',
        approval_id: notice.approvalId,
        summary: notice.summary,
        explanation: notice.summary,
        action_type: notice.actionType,
        channel: notice.channel,
        tool_name: notice.toolName,
        ...(notice.tier !== undefined && { tier: notice.tier, score: notice.score }),
        flags: notice.flags,
        norm_hash: notice.normHash,
        created_at: new Date(notice.createdAtMs).toISOString(),
        expires_at: new Date(notice.expiresAtMs).toISOString(),
        approve_url: link('allow'),
        deny_url: link('deny'),
        reviewer: options.name,
        ...(notice.parameters !== undefined && { parameters: notice.parameters }),
      })
      await withRetries(
        async (abort) => {
          const timestamp = String(Math.floor(options.clock.now() / 1_000))
          let res: Response
          try {
            res = await fetch(options.url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'user-agent': 'permit0-webhook/1',
                [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
                [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(options.secret, timestamp, body),
              },
              body,
              redirect: 'error',
              signal: AbortSignal.any([abort, AbortSignal.timeout(timeoutMs)]),
            })
          } catch (err) {
            throw new DeliveryError(`webhook ${options.name}: ${(err as Error).message}`, true, { cause: err })
          }
          await res.body?.cancel().catch(() => undefined)
          if (res.ok) return
          const retry = res.status >= 500 || res.status === 429 || res.status === 408
          throw new DeliveryError(`webhook ${options.name} answered ${res.status}`, retry)
        },
        options.retry,
        signal,
      )
    },
  }
}
