import type { ApprovalRecord } from '@permit0/approvals'
import type { JsonObject } from '@permit0/engine'

/**
 * The notifier port: how a new approval reaches a person outside the dashboard. Declared here,
 * beside its only consumer (the dispatcher); the adapters (webhook, Slack, email) sit beside it
 * in apps/cli because each is a few dozen lines over one protocol client.
 */

export const NotifyChannel = { Webhook: 'webhook', Slack: 'slack', Email: 'email' } as const
export type NotifyChannel = (typeof NotifyChannel)[keyof typeof NotifyChannel]

/** What a notification tells about a pending approval (never secrets; arguments only if configured). */
export interface ApprovalNotice {
  readonly approvalId: string
  readonly normHash: string
  readonly actionType: string
  /** The vendor or surface (`gmail`, `bash`). */
  readonly channel: string
  readonly toolName: string
  /** One plain sentence about the call. */
  readonly summary: string
  readonly tier?: string
  readonly score?: number
  readonly flags: readonly string[]
  readonly createdAtMs: number
  readonly expiresAtMs: number
  /** The normalized parameters, only with `notifyIncludeArguments`. */
  readonly parameters?: JsonObject
}

export interface Notifier {
  readonly channel: NotifyChannel
  /** Sends (with its own retries); rejects when the notification could not be delivered. */
  notify(notice: ApprovalNotice, signal: AbortSignal): Promise<void>
  /** The approval ended (any channel, any replica that this one heard of): update what was sent. */
  resolved?(record: ApprovalRecord, signal: AbortSignal): Promise<void>
}

/** Renders the notice's one-sentence summary from the approval record. */
export function summarize(record: ApprovalRecord): string {
  const { action, risk } = record
  const riskText = risk === undefined ? 'unscored' : `${risk.tier} risk (score ${risk.score})`
  const flags = risk !== undefined && risk.flags.length > 0 ? `, flags ${risk.flags.join(', ')}` : ''
  return `${record.toolName} wants to ${action.actionType} on ${action.channel}: ${riskText}${flags}.`
}

export function toNotice(record: ApprovalRecord, options: { includeArguments: boolean }): ApprovalNotice {
  const { action, risk } = record
  return {
    approvalId: record.id,
    normHash: action.normHash,
    actionType: action.actionType,
    channel: action.channel,
    toolName: record.toolName,
    summary: summarize(record),
    ...(risk !== undefined && { tier: risk.tier, score: risk.score }),
    flags: risk?.flags ?? [],
    createdAtMs: record.createdAtMs,
    expiresAtMs: record.expiresAtMs,
    ...(options.includeArguments && { parameters: action.parameters }),
  }
}
