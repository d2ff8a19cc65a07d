import { createHmac, timingSafeEqual } from 'node:crypto'
import type { ApprovalRecord } from '@permit0/approvals'
import { z } from 'zod'
import { DeliveryError, type RetryOptions, withRetries } from './delivery.ts'
import { NotifyChannel, type ApprovalNotice, type Notifier } from './notifier.ts'
import { toRemember } from '../server/mappers.ts'
import { describeRemember } from '../server/remember-text.ts'

/** Button action ids: the only two interactions the endpoint acts on. */
export const SLACK_ACTIONS = { permit0_approve: 'allow', permit0_deny: 'deny' } as const
/** Slack's replay window for signed requests. */
export const SLACK_MAX_SKEW_SECS = 300

/** Where a posted message lives (to update it with the outcome). */
export interface SlackMessageRef {
  readonly channel: string
  readonly ts: string
}

export interface SlackNotifier extends Notifier {
  /**
   * Replaces the message's buttons with the outcome, once per approval whichever path calls
   * first (the interaction that decided, or the resolution event on the replica that posted).
   */
  finish(record: ApprovalRecord, at: SlackMessageRef | undefined, signal: AbortSignal): Promise<void>
}

export interface SlackNotifierOptions {
  /** Web API base, `https://slack.com/api` (tests: a fake on loopback). */
  readonly apiUrl: string
  readonly botToken: string
  /** Channel id the bot posts to. */
  readonly channel: string
  readonly retry: RetryOptions
  readonly timeoutMs?: number
}

/** Slack mrkdwn: `&`, `<`, `>` are control characters. */
const esc = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

const ApiReplySchema = z.object({ ok: z.boolean(), error: z.string().optional(), ts: z.string().optional(), channel: z.string().optional() })

/** Posts approvals with Approve/Deny buttons (`chat.postMessage`) and updates them (`chat.update`). */
export function createSlackNotifier(options: SlackNotifierOptions): SlackNotifier {
  const timeoutMs = options.timeoutMs ?? 10_000
  const posted = new Map<string, SlackMessageRef>()
  /** Approvals whose message was already finished (bounded: the oldest are forgotten). */
  const finished = new Set<string>()

  const call = async (method: string, payload: unknown, signal: AbortSignal): Promise<z.infer<typeof ApiReplySchema>> => {
    let res: Response
    try {
      res = await fetch(`${options.apiUrl.replace(/\/+$/, '')}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${options.botToken}` },
        body: JSON.stringify(payload),
        redirect: 'error',
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      })
    } catch (err) {
      throw new DeliveryError(`slack ${method}: ${(err as Error).message}`, true, { cause: err })
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined)
      throw new DeliveryError(`slack ${method} answered ${res.status}`, res.status >= 500 || res.status === 429)
    }
    const reply = ApiReplySchema.safeParse(await res.json().catch(() => undefined))
    if (!reply.success) throw new DeliveryError(`slack ${method}: unreadable reply`, true)
    if (!reply.data.ok) {
      const error = reply.data.error ?? 'unknown_error'
      throw new DeliveryError(`slack ${method}: ${error}`, error === 'ratelimited' || error === 'internal_error')
    }
    return reply.data
  }

  const finish = async (record: ApprovalRecord, at: SlackMessageRef | undefined, signal: AbortSignal): Promise<void> => {
    if (finished.has(record.id)) return
    const ref = posted.get(record.id) ?? at
    if (ref === undefined) return
    finished.add(record.id)
    if (finished.size > 10_000) finished.delete(finished.values().next().value as string)
    posted.delete(record.id)
    const text = outcomeText(record)
    await withRetries(
      async (abort) => {
        await call('chat.update', { channel: ref.channel, ts: ref.ts, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }, abort)
      },
      options.retry,
      signal,
    )
  }

  return {
    channel: NotifyChannel.Slack,
    async notify(notice: ApprovalNotice, signal: AbortSignal) {
      const value = JSON.stringify({ a: notice.approvalId, h: notice.normHash })
      const expires = Math.floor(notice.expiresAtMs / 1_000)
      const blocks: unknown[] = [
        { type: 'section', text: { type: 'mrkdwn', text: `*permit0: approval needed*\n${esc(notice.summary)}` } },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: `approval \`${notice.approvalId}\` · expires <!date^${expires}^{time}|${new Date(notice.expiresAtMs).toISOString()}>`,
            },
          ],
        },
      ]
      if (notice.parameters !== undefined) {
        const json = JSON.stringify(notice.parameters, null, 2).slice(0, 2_500)
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${esc(json)}\`\`\`` } })
      }
      blocks.push({
        type: 'actions',
        block_id: 'permit0_decision',
        elements: [
          { type: 'button', action_id: 'permit0_approve', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value },
          { type: 'button', action_id: 'permit0_deny', style: 'danger', text: { type: 'plain_text', text: 'Deny' }, value },
        ],
      })
      await withRetries(
        async (abort) => {
          const reply = await call('chat.postMessage', { channel: options.channel, text: `permit0: approval needed — ${notice.summary}`, blocks }, abort)
          if (reply.ts !== undefined) posted.set(notice.approvalId, { channel: reply.channel ?? options.channel, ts: reply.ts })
        },
        options.retry,
        signal,
      )
    },
    resolved: (record, signal) => finish(record, undefined, signal),
    finish,
  }
}

function outcomeText(record: ApprovalRecord): string {
  const r = record.resolution
  const what = `\`${esc(record.action.actionType)}\` (${esc(record.toolName)}, approval \`${record.id}\`)`
  if (r === undefined) return `permit0: ${what} is no longer pending`
  if (r.status === 'decided') {
    const verb = r.permission === 'allow' ? 'Approved' : r.permission === 'deny' ? 'Denied' : 'Left for a human'
    const scope = r.remember === undefined ? '' : `. ${esc(describeRemember(toRemember(r.remember)))}`
    return `permit0: ${verb} by ${esc(r.reviewer ?? 'a reviewer')}: ${what}${scope}`
  }
  return `permit0: ${r.status === 'expired' ? 'Expired (denied)' : 'Abandoned'}: ${what}`
}

// -----------------------------------------------------------------------------------------------
// Interactivity endpoint: request verification and payload

export type SlackVerification = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/**
 * Slack's signing secret scheme v0: `X-Slack-Signature: v0=<hex HMAC-SHA256(secret,
 * "v0:<X-Slack-Request-Timestamp>:<raw body>")>`, timestamp within 5 minutes of now.
 */
export function verifySlackRequest(input: {
  readonly signingSecret: string
  readonly timestamp: string | undefined
  readonly signature: string | undefined
  readonly rawBody: string
  readonly nowMs: number
}): SlackVerification {
  const { timestamp, signature } = input
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing or malformed X-Slack-Request-Timestamp' }
  if (Math.abs(input.nowMs / 1_000 - Number(timestamp)) > SLACK_MAX_SKEW_SECS) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp is more than 5 minutes from now (replayed or clock skew)' }
  }
  if (signature === undefined || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'missing or malformed X-Slack-Signature' }
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'X-Slack-Signature does not match' }
  return { ok: true }
}

export function slackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`
}

const ButtonValueSchema = z.object({ a: z.string().min(1).max(100), h: z.string().regex(/^[0-9a-f]{64}$/) })

/** The part of a `block_actions` payload the endpoint reads. */
export const SlackInteractionSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1) }),
  actions: z
    .array(
      z.object({
        action_id: z.enum(Object.keys(SLACK_ACTIONS) as [keyof typeof SLACK_ACTIONS]),
        value: z
          .string()
          .transform((text, ctx) => {
            try {
              return JSON.parse(text) as unknown
            } catch {
              ctx.addIssue({ code: 'custom', message: 'button value is not JSON' })
              return z.NEVER
            }
          })
          .pipe(ButtonValueSchema),
      }),
    )
    .length(1),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  channel: z.object({ id: z.string() }).optional(),
})
export type SlackInteraction = z.infer<typeof SlackInteractionSchema>

/** Where the clicked message lives, from the payload. */
export function messageRefOf(payload: SlackInteraction): SlackMessageRef | undefined {
  const channel = payload.container?.channel_id ?? payload.channel?.id
  const ts = payload.container?.message_ts
  return channel !== undefined && ts !== undefined ? { channel, ts } : undefined
}
