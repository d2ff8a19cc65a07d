/**
 * Core domain types shared by every permit0 package. This file is the contract between the
 * engine, the store, the approvals queue, the server and the clients: change it deliberately.
 *
 * Wire spellings (what appears in HTTP bodies and the audit log) are the values of the `as const`
 * objects below.
 */

export type JsonPrimitive = null | boolean | number | string
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** A tool call as an agent host reports it, after client-prefix stripping. */
export interface RawToolCall {
  readonly toolName: string
  /** Opaque tool input; normally an object but any JSON value is legal. */
  readonly parameters: JsonValue
  /** Host context: `session_id`, `task_goal`, `cwd`, … Normalizers may read it as `metadata.*`. */
  readonly metadata: JsonObject
}

/** Normalization context supplied by the caller (never read from the environment). */
export interface NormalizeContext {
  /** The organisation's own mail domain, e.g. `acme.com`; drives `recipient_scope`. */
  readonly orgDomain?: string
}

/** Execution details of a normalized action. Not part of `normHash`. */
export interface ExecutionInfo {
  /** The tool name the matching normalizer saw (after alias rewrite). */
  readonly surfaceTool: string
  /** Human-readable summary of the call. */
  readonly surfaceCommand: string
}

/** A tool call mapped onto the closed taxonomy. */
export interface NormAction {
  /** `<domain>.<verb>`, e.g. `email.send`. */
  readonly actionType: string
  readonly domain: string
  readonly verb: string
  /** The vendor or surface, e.g. `gmail` (upstream packs write it as `normalize.source`). */
  readonly channel: string
  /** Semantic parameters extracted by the normalizer; keys sorted. */
  readonly parameters: JsonObject
  readonly execution: ExecutionInfo
  /**
   * SHA-256 (64 lowercase hex) of the RFC 8785 canonical JSON of
   * `{action_type, channel, domain, parameters (top-level nulls dropped), verb}`.
   */
  readonly normHash: string
}

/**
 * The shared vocabulary (permissions, tiers, decision sources, approval statuses and kinds) is
 * defined once in `@permit0/domain`; the engine re-exports it so its own API stays complete.
 */
export { ApprovalKind, ApprovalStatus, DecisionSource, Permission, RememberScope, Tier } from '@permit0/domain'
import type { ApprovalEndStatus, ApprovalKind, ApprovalStatus, DecisionSource, Permission, RememberScope, Tier } from '@permit0/domain'

/** The result of the hybrid scorer. */
export interface RiskScore {
  /** Raw score in [0, 1] before rounding. */
  readonly raw: number
  /** Rounded score 0–100. */
  readonly score: number
  readonly tier: Tier
  /** Risk flags that were set (names such as `OUTBOUND`, `EXPOSURE`). */
  readonly flags: readonly string[]
  readonly blocked: boolean
  readonly blockReason?: string
}

/** One stage of the decision trace (normalize, denylist, allowlist, policy_cache, …). */
export interface TraceStage {
  readonly stage: string
  readonly outcome: string
  readonly detail?: JsonObject
}

/** The engine's answer for one call. */
export interface Verdict {
  readonly permission: Permission
  readonly source: DecisionSource
  readonly action: NormAction
  readonly risk?: RiskScore
  readonly trace: readonly TraceStage[]
  /**
   * One plain sentence saying what the call does ("Downloads https://x/install.sh and runs it
   * with sh"), built from the normalized action (`explainAction`). Set by the engine on every
   * verdict it returns; optional for verdicts built elsewhere (tests, replays of old records).
   */
  readonly explanation?: string
}

/** What the policy store knows about one `normHash`, fetched in one round trip. */
export interface PolicyLookup {
  readonly denylisted: boolean
  readonly allowlisted: boolean
  /** Who put the hash on the denylist / allowlist, when and why (stores that keep it). */
  readonly denyEntry?: ListOrigin
  readonly allowEntry?: ListOrigin
  /** A fresh (unexpired, current-fingerprint) cached verdict, if any. */
  readonly cached?: CachedVerdict
}

/** Where a deny/allow list entry came from. */
export interface ListOrigin {
  readonly reason: string
  readonly createdBy: string
  readonly createdAtMs: number
}

export interface CachedVerdict {
  readonly permission: Permission
  /** The source that produced the cached verdict (Scorer, AgentReviewer or HumanReviewer). */
  readonly source: DecisionSource
  readonly risk?: RiskScore
  /** For a cached human decision: who decided, why, and when (absent on rows written before). */
  readonly reviewer?: string
  readonly reason?: string
  readonly decidedAtMs?: number
  /** The approval the human decided. */
  readonly approvalId?: string
}

export interface PolicyCacheEntry extends CachedVerdict {
  readonly normHash: string
  readonly createdAtMs: number
  readonly expiresAtMs: number
  /** Fingerprint of the scoring configuration that produced the verdict. */
  readonly fingerprint: string
}

/**
 * The policy-store port the engine's decision pipeline calls. Implemented in memory beside the
 * engine (tests, CLI) and over Kysely in `@permit0/store`. Time is always passed in. Its sibling,
 * the session port, is `SessionStore` (session/session.ts).
 */
export interface PolicyStore {
  lookup(normHash: string, nowMs: number): Promise<PolicyLookup>
  cacheSet(entry: PolicyCacheEntry): Promise<void>
}

/**
 * Approvals: requests parked for a human. The records are shared by `@permit0/approvals` (the
 * queue and its repository port) and `@permit0/store` (which implements the port), so they live
 * here with the other domain types.
 */
/** A request parked for a human, as written when it parks. */
export interface NewApproval {
  /** ULID. */
  readonly id: string
  readonly kind: ApprovalKind
  readonly action: NormAction
  /** The tool name the agent called (before alias rewrite / prefix stripping where known). */
  readonly toolName: string
  readonly risk?: RiskScore
  /** What the engine said before the human was asked. */
  readonly enginePermission: Permission
  readonly engineSource: DecisionSource
  readonly sessionId?: string
  readonly taskGoal?: string
  /** Free-form request context worth showing a reviewer (client kind, org domain, …). */
  readonly context?: JsonObject
  readonly createdAtMs: number
  readonly expiresAtMs: number
  /** The replica (server process) holding the parked HTTP request. */
  readonly replicaId: string
}

/**
 * How long a human's decision is remembered: `once` (this call only, nothing cached), `call`
 * (every identical call — same norm hash — until `expiresAtMs`), `session` (identical calls in the
 * approval's session only, until `expiresAtMs`).
 */
export interface RememberedDecision {
  readonly scope: RememberScope
  /** When the remembered decision stops answering (absent for `once`). */
  readonly expiresAtMs?: number
}

/** The end state of an approval. `permission` is set only when a human decided. */
export interface ApprovalResolution {
  readonly status: ApprovalEndStatus
  readonly permission?: Permission
  readonly reviewer?: string
  readonly reason?: string
  readonly resolvedAtMs: number
  /** A human decision's scope (absent on records from before scopes: remembered as `call`). */
  readonly remember?: RememberedDecision
}

export interface ApprovalRecord extends NewApproval {
  readonly status: ApprovalStatus
  readonly resolution?: ApprovalResolution
}

export type ResolveResult =
  | { readonly outcome: 'resolved'; readonly record: ApprovalRecord }
  /** Someone resolved it first; `record` carries the winning resolution. */
  | { readonly outcome: 'conflict'; readonly record: ApprovalRecord }
  | { readonly outcome: 'not_found' }
