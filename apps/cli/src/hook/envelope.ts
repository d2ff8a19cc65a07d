import type { Remember } from '@permit0/contracts'
import { describeRemember } from '../server/remember-text.ts'
import type { UnknownPolicy } from './config.ts'

/** What the hook tells Claude Code; `bypass` = no opinion (the host's own permission flow). */
export const HookDecision = { Allow: 'allow', Deny: 'deny', Ask: 'ask', Bypass: 'bypass' } as const
export type HookDecision = (typeof HookDecision)[keyof typeof HookDecision]

export interface HookOutcome {
  readonly decision: HookDecision
  readonly reason?: string
  /**
   * Shown to the user with an `allow` (Claude Code shows an allow's reason to the user only): a
   * human's approval and how long it is remembered.
   */
  readonly notice?: string
  /** Produced by a transport/daemon failure: never rewritten by the unknown policy. */
  readonly failSafe?: boolean
  /** The verdict summary behind the outcome (for shadow logs). */
  readonly action?: string
  readonly source?: string
  readonly score?: number
  /**
   * Shown to the person in Claude Code's transcript (`systemMessage`): the approval id and the
   * dashboard link of a call that waited for a reviewer.
   */
  readonly systemMessage?: string
}

/** The PreToolUse stdout object. `allow` has no reason; `bypass` has neither decision nor reason. */
export interface HookEnvelope {
  readonly systemMessage?: string
  readonly hookSpecificOutput: {
    readonly hookEventName: 'PreToolUse'
    readonly permissionDecision?: 'allow' | 'deny' | 'ask'
    readonly permissionDecisionReason?: string
  }
}

export function toEnvelope(outcome: HookOutcome): HookEnvelope {
  const system = outcome.systemMessage === undefined ? {} : { systemMessage: outcome.systemMessage }
  switch (outcome.decision) {
    case 'allow':
      return {
        ...system,
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'allow',
          ...(outcome.notice !== undefined && { permissionDecisionReason: outcome.notice }),
        },
      }
    case 'bypass':
      return { ...system, hookSpecificOutput: { hookEventName: 'PreToolUse' } }
    default:
      return {
        ...system,
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: outcome.decision,
          permissionDecisionReason: outcome.reason ?? `permit0: ${outcome.decision}`,
        },
      }
  }
}

/** A verdict as both modes see it (engine `Verdict` locally, `/check` response remotely). */
export interface VerdictSummary {
  readonly permission: string
  readonly source: string
  readonly actionType: string
  readonly score?: number
  readonly tier?: string
  readonly blockReason?: string
  readonly reason?: string
  /** What the call does, in one sentence. */
  readonly explanation?: string
  /** Why the verdict is what it is (rule, earlier human decision, ask reasons, score). */
  readonly why?: string
}

const sentence = (text: string): string => (/[.!?…]$/.test(text) ? text : `${text}.`)

/**
 * The reason the model reads on a deny: that permit0 decided, what the call does and why, e.g.
 * `permit0 denied this call: Downloads https://x/i.sh and runs it with sh. pipes a download into sh`.
 */
export function denyReason(v: VerdictSummary): string {
  const why = v.why ?? v.blockReason ?? v.reason
  if (v.explanation === undefined) return why === undefined ? `permit0 denied this call (${v.source})` : `permit0 denied this call: ${why}`
  return `permit0 denied this call: ${sentence(v.explanation)}${why ? ` ${sentence(why)}` : ''}`
}

/** allow → allow; deny → deny with the block reason; human/humanintheloop → ask with a summary. */
export function outcomeFromVerdict(v: VerdictSummary): HookOutcome {
  const base = { action: v.actionType, source: v.source, ...(v.score !== undefined ? { score: v.score } : {}) }
  switch (v.permission.toLowerCase()) {
    case 'allow':
      return { decision: 'allow', ...base }
    case 'deny':
      return { decision: 'deny', reason: denyReason(v), ...base }
    case 'human':
    case 'humanintheloop':
      return { decision: 'ask', reason: humanReason(v), ...base }
    default:
      return { decision: 'ask', reason: `permit0: unknown permission value '${v.permission}'`, ...base }
  }
}

/** A daemon's `/check` answer (`CheckResponse`, the fields a hook needs) → the hook's outcome. */
export function outcomeFromCheckResponse(r: {
  readonly permission: string
  readonly source: string
  readonly action_type: string
  readonly score?: number | undefined
  readonly tier?: string | undefined
  readonly block_reason?: string | undefined
  readonly reason?: string | undefined
  readonly explanation?: string | undefined
  readonly why?: string | undefined
  readonly approval_id?: string | undefined
  readonly reviewer?: string | undefined
  readonly remember?: Remember | undefined
}, options: { dashboardUrl?: string } = {}): HookOutcome {
  const outcome = outcomeFromVerdict({
    permission: r.permission,
    source: r.source,
    actionType: r.action_type,
    ...(r.score !== undefined ? { score: r.score } : {}),
    ...(r.tier !== undefined ? { tier: r.tier } : {}),
    ...(r.block_reason !== undefined ? { blockReason: r.block_reason } : {}),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.explanation !== undefined ? { explanation: r.explanation } : {}),
    ...(r.why !== undefined ? { why: r.why } : {}),
  })
  const remembered = r.remember === undefined ? outcome : withRemember(outcome, r.reviewer, r.remember)
  if (r.approval_id === undefined || r.source !== 'HumanReviewer') return remembered
  // The call waited for a reviewer: say which approval and who answered, beside the transcript.
  const link = approvalLink(options.dashboardUrl, r.approval_id)
  return {
    ...remembered,
    systemMessage: `permit0: approval ${r.approval_id}${link ? ` (${link})` : ''} — ${r.permission} by ${r.reviewer ?? 'a reviewer'}${r.reason ? `: ${r.reason}` : ''}`,
  }
}

/**
 * A human's decision resuming the call: says who decided and how long it is remembered — on an
 * allow as a notice to the user, on a deny in the reason the agent reads.
 */
function withRemember(outcome: HookOutcome, reviewer: string | undefined, remember: Remember): HookOutcome {
  const scope = describeRemember(remember)
  const by = reviewer !== undefined && reviewer !== '' ? ` by ${reviewer}` : ''
  if (outcome.decision === 'allow') return { ...outcome, notice: `permit0: approved${by}. ${scope}.` }
  if (outcome.decision === 'deny') return { ...outcome, reason: `${outcome.reason ?? 'permit0: denied'} (denied${by}. ${scope}.)` }
  return outcome
}

/** The dashboard page of an approval on a daemon at `base` (`http://host:port`). */
export function approvalLink(base: string | undefined, approvalId: string): string | undefined {
  if (base === undefined || base.trim() === '') return undefined
  const origin = base.trim().replace(/\/api\/.*$/, '').replace(/\/+$/, '')
  return `${origin}/ui/#/approvals/${encodeURIComponent(approvalId)}`
}

/** A parked call the host cannot wait for (202 from the daemon): ask, naming the approval. */
export const parkedOutcome = (approvalId: string, dashboardUrl?: string): HookOutcome => {
  const link = approvalLink(dashboardUrl, approvalId)
  return {
    decision: 'ask',
    reason: `permit0: waiting for approval ${approvalId} on the dashboard${link ? ` (${link})` : ''}`,
    failSafe: true,
    systemMessage: `permit0: approval ${approvalId} is waiting for a reviewer${link ? `: ${link}` : ''}`,
  }
}

/**
 * What the person reads when asked: what the call does and why permit0 asks, e.g. `permit0:
 * Downloads https://x/i.sh and runs it with sh. pipes a download into sh — risk 42/100 MEDIUM`.
 */
export function humanReason(v: VerdictSummary): string {
  const detail = v.why ?? v.blockReason ?? v.reason
  if (v.explanation !== undefined) return `permit0: ${sentence(v.explanation)}${detail ? ` ${sentence(detail)}` : ''}`
  return `permit0: ${v.actionType} (${v.source}) — risk ${v.score ?? 0}/100 ${v.tier ?? 'MEDIUM'}${detail ? ` — ${detail}` : ''}`
}

/**
 * The `unknown` policy: applies only to calls no pack classifies whose outcome is `ask`, never
 * to allow/deny verdicts (denylist hits on unknown tools stay denies) or fail-safe outcomes.
 */
export function applyUnknownPolicy(outcome: HookOutcome, isUnknown: boolean, policy: UnknownPolicy): HookOutcome {
  if (!isUnknown || outcome.decision !== 'ask' || outcome.failSafe) return outcome
  switch (policy) {
    case 'ask':
      return outcome
    case 'allow':
      return { ...outcome, decision: 'allow' }
    case 'deny':
      return { ...outcome, decision: 'deny', reason: 'permit0: unknown action denied by --unknown deny policy' }
    case 'bypass': {
      const { reason: _reason, ...rest } = outcome
      return { ...rest, decision: 'bypass' }
    }
  }
}

export function isUnknownAction(actionType: string): boolean {
  return actionType === 'unknown' || actionType.startsWith('unknown.')
}

/**
 * Shadow mode: anything but allow is logged as `[permit0 shadow] WOULD …` and becomes allow.
 * Returns the outcome to emit and the log line (if any).
 */
export function applyShadow(outcome: HookOutcome, shadow: boolean, remote: boolean): { outcome: HookOutcome; log?: string } {
  if (!shadow || outcome.decision === 'allow') return { outcome }
  const what = outcome.decision.toUpperCase()
  const log = remote
    ? `[permit0 shadow] WOULD ${what} (remote): ${outcome.reason ?? ''}`
    : `[permit0 shadow] WOULD ${what}: ${outcome.action ?? '?'} (${outcome.source ?? '?'}) score=${outcome.score ?? 0}/100  ${outcome.reason ?? ''}`
  return { outcome: { decision: 'allow' }, log: log.trimEnd() }
}
