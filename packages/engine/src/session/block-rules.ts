import { Tier, type JsonObject } from '../types.ts'
import { tierRank } from '../scoring/constants.ts'
import { jsonKey, maxTier, ratePerMinute, type SessionContext, type SessionRecord } from './session.ts'

/**
 * Built-in session block rules. Upstream spells several action types that do not exist in the
 * taxonomy (`shell.execute`, `files.write`, `payments.*`, `network.http_post`), so those rules can
 * never fire there; we use the taxonomy's real names so every rule is live.
 */
export interface SessionBlockInput {
  readonly session: SessionContext
  readonly actionType: string
  /** Normalized parameters of the current call. */
  readonly parameters: JsonObject
  readonly nowMs: number
}

export interface SessionBlockRule {
  readonly name: string
  readonly reason: string
  fires(input: SessionBlockInput): boolean
}

const EXEC_TYPES = new Set(['process.run', 'process.invoke', 'file.create', 'file.update'])
const SEND_TYPES = new Set(['email.send', 'network.post'])
const MINUTE = 60_000

function lastN(records: readonly SessionRecord[], n: number): readonly SessionRecord[] {
  return records.slice(Math.max(0, records.length - n))
}

function precededBy(records: readonly SessionRecord[], actionType: string, n: number): boolean {
  return lastN(records, n).some((r) => r.actionType === actionType)
}

function amountOf(params: JsonObject): number | undefined {
  const v = params['amount']
  return typeof v === 'number' ? v : undefined
}

function priorTransferTotal(records: readonly SessionRecord[]): number {
  let total = 0
  for (const r of records) {
    if (r.actionType === 'payment.transfer') total += amountOf(r.parameters) ?? 0
  }
  return total
}

export const SESSION_BLOCK_RULES: readonly SessionBlockRule[] = [
  {
    name: 'privilege_escalation_then_exec',
    reason: 'Execution after privilege escalation',
    fires: ({ session, actionType }) =>
      EXEC_TYPES.has(actionType) &&
      precededBy(session.records, 'iam.assign_role', 5) &&
      tierRank(maxTier(session.records)) >= tierRank(Tier.High),
  },
  {
    name: 'read_then_exfiltrate',
    reason: 'Sensitive data read followed by external send in same session',
    fires: ({ session, actionType, parameters }) =>
      SEND_TYPES.has(actionType) &&
      (parameters['recipient_scope'] === 'external' || parameters['recipient_scope'] === 'mixed') &&
      lastN(session.records, 3).some((r) => r.flags.includes('EXPOSURE')),
  },
  {
    name: 'bulk_external_send',
    reason: 'Email rate exceeds autonomous limit (>20/min)',
    fires: ({ session, actionType }) =>
      actionType === 'email.send' && ratePerMinute(session.records, 'email.send') >= 20,
  },
  {
    name: 'cumulative_transfer_limit',
    reason: 'Cumulative transfer amount exceeds $500k in session',
    fires: ({ session, actionType, parameters }) =>
      actionType === 'payment.transfer' &&
      priorTransferTotal(session.records) + (amountOf(parameters) ?? 0) >= 500_000,
  },
  {
    name: 'card_testing',
    reason: 'Multiple small charges to different customers — possible card testing',
    fires: ({ session, actionType, parameters, nowMs }) => {
      if (actionType !== 'payment.charge') return false
      const micro: JsonObject[] = []
      for (const r of session.records) {
        const amount = amountOf(r.parameters)
        if (r.actionType === 'payment.charge' && r.atMs >= nowMs - 10 * MINUTE && amount !== undefined && amount < 200) {
          micro.push(r.parameters)
        }
      }
      const current = amountOf(parameters)
      if (current !== undefined && current < 200) micro.push(parameters)
      if (micro.length < 5) return false
      const customers = new Set<string>()
      for (const p of micro) {
        const c = p['customer']
        if (c !== undefined && c !== null) customers.add(jsonKey(c))
      }
      return customers.size >= 5
    },
  },
  {
    name: 'scatter_transfer',
    reason: 'Dispersed transfers to many recipients within 60 minutes',
    fires: ({ session, actionType, parameters, nowMs }) => {
      if (actionType !== 'payment.transfer') return false
      const recipients = new Set<string>()
      for (const r of session.records) {
        const v = r.parameters['recipient']
        if (r.actionType === 'payment.transfer' && r.atMs >= nowMs - 60 * MINUTE && v !== undefined) {
          recipients.add(jsonKey(v))
        }
      }
      const current = parameters['recipient']
      if (current !== undefined) recipients.add(jsonKey(current))
      return recipients.size >= 6
    },
  },
  {
    name: 'privilege_then_large_transfer',
    reason: 'Large transfer following privilege escalation',
    fires: ({ session, actionType, parameters }) =>
      actionType === 'payment.transfer' &&
      precededBy(session.records, 'iam.assign_role', 5) &&
      priorTransferTotal(session.records) + (amountOf(parameters) ?? 0) >= 10_000,
  },
]

/** The reason of the first firing built-in session block rule, if any. */
export function sessionBlockReason(input: SessionBlockInput): string | undefined {
  for (const rule of SESSION_BLOCK_RULES) if (rule.fires(input)) return rule.reason
  return undefined
}
