/**
 * The optional agent reviewer ("agent in the loop"): consulted for unblocked Medium/High scorer
 * verdicts. It can only tighten — its answer is `deny` or `human`, never `allow` — and it is off
 * unless the caller passes one to `createEngine`.
 */
import { tierRank } from '../scoring/constants.ts'
import type { SessionContext } from '../session/session.ts'
import { Permission, Tier, type JsonValue, type NormAction, type RiskScore } from '../types.ts'

export interface ReviewInput {
  readonly action: NormAction
  readonly risk: RiskScore
  readonly rawParameters: JsonValue
  readonly taskGoal?: string
  readonly session?: SessionContext
}

export interface ReviewAnswer {
  readonly verdict: 'deny' | 'human'
  readonly reason: string
  /** 0–1; a deny below `REVIEWER_DENY_CONFIDENCE` is downgraded to human. */
  readonly confidence: number
}

export interface AgentReviewer {
  review(input: ReviewInput): Promise<ReviewAnswer> | ReviewAnswer
}

/** Action types a reviewer never decides (always a person). */
export const REVIEWER_SKIP_ACTION_TYPES: ReadonlySet<string> = new Set([
  'payment.charge',
  'payment.transfer',
  'iam.assign_role',
  'iam.generate_api_key',
  'secret.get',
  'legal.sign_document',
])
/** Scores at or above this go straight to a human. */
export const REVIEWER_SCORE_LIMIT = 52
export const REVIEWER_DENY_CONFIDENCE = 0.9

export interface ReviewOutcome {
  readonly permission: typeof Permission.Deny | typeof Permission.Human
  /** False when a skip rule sent the call to a human without asking the reviewer. */
  readonly consulted: boolean
  readonly reason: string
}

/** Why the reviewer is skipped for this input, if it is. */
export function reviewerSkipReason(input: ReviewInput): string | undefined {
  if (REVIEWER_SKIP_ACTION_TYPES.has(input.action.actionType)) return 'action type always needs a human'
  if (input.risk.score >= REVIEWER_SCORE_LIMIT) return `score ${input.risk.score} ≥ ${REVIEWER_SCORE_LIMIT}`
  if (input.session?.records.some((r) => tierRank(r.tier) >= tierRank(Tier.Critical))) {
    return 'session already has a critical action'
  }
  return undefined
}

/** Runs the reviewer with the trust asymmetry enforced; never throws, never allows. */
export async function runReviewer(reviewer: AgentReviewer, input: ReviewInput): Promise<ReviewOutcome> {
  const skip = reviewerSkipReason(input)
  if (skip !== undefined) return { permission: Permission.Human, consulted: false, reason: skip }
  let answer: ReviewAnswer
  try {
    answer = await reviewer.review(input)
  } catch (err) {
    return {
      permission: Permission.Human,
      consulted: true,
      reason: `reviewer failed: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
  const confident =
    typeof answer?.confidence === 'number' && answer.confidence >= REVIEWER_DENY_CONFIDENCE
  if (answer?.verdict === 'deny' && confident) {
    return { permission: Permission.Deny, consulted: true, reason: String(answer.reason ?? '') }
  }
  const reason =
    answer?.verdict === 'deny'
      ? `deny below confidence ${REVIEWER_DENY_CONFIDENCE}: ${String(answer.reason ?? '')}`
      : answer?.verdict === 'human'
        ? String(answer.reason ?? '')
        : `unexpected reviewer verdict ${JSON.stringify(answer?.verdict)}`
  return { permission: Permission.Human, consulted: true, reason }
}
