/**
 * How a verdict was reached. The value is the wire spelling of `/check`'s `source`, of the audit
 * log's `decision_source` / `engine_source`, of the CSV export and of the dashboard's filter.
 *
 * Adding a source: add it here and give it a row in `DECISION_SOURCE_INFO`; every table keyed by
 * `DecisionSource` (`satisfies Record<DecisionSource, …>`) then fails to compile until it says what
 * the new source means there (docs/architecture.md, "Adding a verdict source").
 */
export const DecisionSource = {
  Denylist: 'Denylist',
  Allowlist: 'Allowlist',
  PolicyCache: 'PolicyCache',
  UnknownFallback: 'UnknownFallback',
  Scorer: 'Scorer',
  AgentReviewer: 'AgentReviewer',
  HumanReviewer: 'HumanReviewer',
} as const
export type DecisionSource = (typeof DecisionSource)[keyof typeof DecisionSource]

/** Who stands behind a source: a list entry, the engine's own scoring, a reviewer, or a client. */
export const DecisionOrigin = { List: 'list', Engine: 'engine', Agent: 'agent', Human: 'human', Client: 'client' } as const
export type DecisionOrigin = (typeof DecisionOrigin)[keyof typeof DecisionOrigin]

export interface DecisionSourceInfo {
  /** Short human label (dashboard filter, CLI help). */
  readonly label: string
  readonly origin: DecisionOrigin
  /** One sentence: when a verdict carries this source. */
  readonly description: string
}

/** One row per decision source: the registration a new source must add. */
export const DECISION_SOURCE_INFO = {
  Denylist: { label: 'Deny list', origin: 'list', description: "the call's norm hash is on the deny list" },
  Allowlist: { label: 'Allow list', origin: 'list', description: "the call's norm hash is on the allow list" },
  PolicyCache: { label: 'Policy cache', origin: 'engine', description: 'an earlier verdict for the same norm hash, still fresh' },
  UnknownFallback: { label: 'Unknown tool', origin: 'engine', description: 'no pack classifies the call, so a human decides' },
  Scorer: { label: 'Risk scorer', origin: 'engine', description: "the packs' risk rules and the hybrid scorer" },
  AgentReviewer: { label: 'Agent reviewer', origin: 'agent', description: 'an LLM reviewer settled a borderline human verdict' },
  HumanReviewer: { label: 'Human reviewer', origin: 'human', description: 'a person decided a parked call' },
} as const satisfies Record<DecisionSource, DecisionSourceInfo>

/**
 * The `decision_source` of an audit entry: a verdict source, or `FailedOpen` for a call a client
 * let through while permit0 was unreachable (replayed later).
 */
export const AuditSource = { ...DecisionSource, FailedOpen: 'FailedOpen' } as const
export type AuditSource = (typeof AuditSource)[keyof typeof AuditSource]

/** One row per audit source: the decision sources' rows plus `FailedOpen`. */
export const AUDIT_SOURCE_INFO = {
  ...DECISION_SOURCE_INFO,
  FailedOpen: { label: 'Failed open', origin: 'client', description: 'a client let the call through while permit0 was unreachable' },
} as const satisfies Record<AuditSource, DecisionSourceInfo>
