import type {
  ApprovalRecord,
  ApprovalResolution,
  ApprovalStatus,
  DecisionSource,
  NewApproval,
  NormAction,
  Permission,
  PolicyCacheEntry,
  PolicyLookup,
  RawToolCall,
  ResolveResult,
  RiskScore,
  SessionStore,
  TraceStage,
} from '@permit0/engine'
import type { AuditEventKind, AuditSource, TokenRole } from '@permit0/domain'

/**
 * The store port: domain objects in and out (camelCase), never Kysely rows. One Kysely
 * implementation (`kysely-store.ts`) serves both backends.
 */

// ---------------------------------------------------------------------------------------------
// Configuration

export interface AuditOptions {
  /** The 32-byte ed25519 seed that signs entries. Absent → an ephemeral key (tests). */
  readonly signingKey?: Uint8Array
  /** Public keys (64 hex) besides the store's own that `verify()` accepts (other replicas). */
  readonly trustedPublicKeys?: readonly string[]
  /**
   * Parameter keys (case-insensitive, at any depth of parameters/metadata) whose values are
   * replaced by `"[REDACTED]"` before hashing and storing.
   */
  readonly redactKeys?: readonly string[]
  /**
   * Group commit: concurrent `append()` calls queue and are written together, in one transaction,
   * up to this many entries per transaction (default 128, minimum 1).
   */
  readonly maxAppendBatch?: number
}

interface CommonStoreConfig {
  readonly audit?: AuditOptions
  /** Wall clock for audit timestamps when the caller passes none. Default `Date.now`. */
  readonly clock?: () => number
}

export type StoreConfig =
  | (CommonStoreConfig & {
      readonly kind: 'embedded'
      /** Directory holding the PGlite data, the lock file and (by default) the audit key. Absent → in-memory. */
      readonly dataDir?: string
    })
  | (CommonStoreConfig & {
      readonly kind: 'postgres'
      readonly url: string
      /** Put the audit log in another database (`PERMIT0_AUDIT_DATABASE_URL`). */
      readonly auditUrl?: string
      /** Pool size per database. Default 10. */
      readonly poolSize?: number
    })

// ---------------------------------------------------------------------------------------------
// Policy cache and lists

export const PolicyListKind = { Allow: 'allow', Deny: 'deny' } as const
export type PolicyListKind = (typeof PolicyListKind)[keyof typeof PolicyListKind]

export interface PolicyListEntry {
  readonly list: PolicyListKind
  readonly normHash: string
  readonly reason: string
  /** Who added it (token name, reviewer, `cli`). */
  readonly createdBy: string
  readonly createdAtMs: number
  /** Optional display hint, e.g. `email.send`. */
  readonly actionType?: string
}

export interface ReconcileResult {
  /** True when the stored fingerprint differed (or was absent) and the cache was cleared. */
  readonly changed: boolean
  readonly cleared: number
}

/** A policy lookup plus when the cached verdict (if any) stops being fresh. */
export interface StoredPolicyLookup extends PolicyLookup {
  readonly cachedExpiresAtMs?: number
}

/**
 * A cached verdict as stored: for every call with the hash, or (`sessionKey`, a hash of the session
 * id) for identical calls in one session only — a human's "this exact call, this session only".
 */
export interface StoredPolicyCacheEntry extends PolicyCacheEntry {
  readonly sessionKey?: string
}

export interface PolicyRepository {
  /**
   * Denylist, allowlist and fresh cached verdict for one hash, in one round trip. With `sessionKey`
   * a row of that session answers too (a deny wins over an allow, then the session's own row).
   */
  lookup(normHash: string, nowMs: number, sessionKey?: string): Promise<StoredPolicyLookup>
  cacheSet(entry: StoredPolicyCacheEntry): Promise<void>
  /** At startup: drops every cached verdict unless the stored fingerprint equals `fingerprint`. */
  reconcileCache(fingerprint: string): Promise<ReconcileResult>
  /** Adds or replaces a list entry. */
  listUpsert(entry: PolicyListEntry): Promise<PolicyListEntry>
  /** Returns false when there was no such entry. */
  listDelete(list: PolicyListKind, normHash: string): Promise<boolean>
  /** Entries of one list (or both), newest first. */
  listEntries(list?: PolicyListKind): Promise<PolicyListEntry[]>
}

// ---------------------------------------------------------------------------------------------
// Approvals — structurally the `ApprovalRepository` of `@permit0/approvals` (the store may not
// import it; `apps/cli` checks assignability at compile time).

export type { ApprovalRecord, ApprovalResolution, ApprovalStatus, NewApproval, ResolveResult }

export interface ApprovalStore {
  create(approval: NewApproval): Promise<void>
  get(id: string): Promise<ApprovalRecord | undefined>
  listPending(): Promise<ApprovalRecord[]>
  resolve(id: string, resolution: ApprovalResolution): Promise<ResolveResult>
  onResolved(listener: (id: string) => void): Promise<() => Promise<void>>
  /** New pending approvals (any process), by id. */
  onCreated(listener: (id: string) => void): Promise<() => Promise<void>>
  expirePending(options: { nowMs: number; replicaId?: string }): Promise<ApprovalRecord[]>
  countPending(): Promise<number>
}

// ---------------------------------------------------------------------------------------------
// Audit log

/**
 * What an entry records, and its decision source (a verdict source, or `FailedOpen` for replayed
 * events): the shared vocabulary of `@permit0/domain`.
 */
export { AuditEventKind, AuditSource } from '@permit0/domain'

export interface HumanReview {
  readonly reviewer: string
  readonly decision: Permission
  readonly reason?: string
  readonly reviewedAtMs: number
}

export interface FailedOpenContext {
  readonly eventId: string
  readonly failReasonCode: string
  readonly failReason: string
  readonly clientWindowStart: string
  readonly clientWindowEnd: string
  readonly clientVersion: string
  readonly failOpenSource: string
  /** When the client says the call happened (RFC 3339, as sent). */
  readonly occurredAt?: string
}

/** What a caller appends; the store assigns the chain fields. */
export interface NewAuditEntry {
  readonly kind: AuditEventKind
  /** Defaults to the store clock. */
  readonly timestampMs?: number
  readonly decision: Permission
  readonly decisionSource: AuditSource
  readonly action: NormAction
  readonly rawToolCall: RawToolCall
  readonly risk?: RiskScore
  readonly trace?: readonly TraceStage[]
  /** What the call does, in one sentence (hashed; absent on entries written before it existed). */
  readonly explanation?: string
  readonly agentId?: string
  readonly sessionId?: string
  readonly taskGoal?: string
  readonly orgId?: string
  readonly environment?: string
  readonly engineVersion?: string
  readonly packId?: string
  readonly packVersion?: string
  readonly humanReview?: HumanReview
  /** The engine's verdict before a human answered (calibration, HITL). */
  readonly engineDecision?: Permission
  readonly engineSource?: DecisionSource
  readonly approvalId?: string
  readonly tokenId?: string
  readonly correctionOf?: string
  readonly failedOpen?: FailedOpenContext
  /** For failed-open replays: what the policy says now. */
  readonly retroactiveDecision?: Permission
  /**
   * Why the entry's decision is what it is when neither the engine nor a human gave it at that
   * moment: an abandoned approval (`ABANDONED_AUDIT_REASON`), a replayed fail-open event.
   */
  readonly reason?: string
  /** `serve --shadow`: what the candidate policy would have answered for the same call. */
  readonly shadow?: AuditShadow
}

/**
 * A candidate policy's answer beside the live decision (`serve --shadow`; never enforced). An
 * evaluation that failed carries `error` and no permission.
 */
export interface AuditShadow {
  readonly permission?: Permission
  readonly source?: DecisionSource
  readonly tier?: RiskScore['tier']
  readonly score?: number
  readonly error?: string
}

export interface AuditEntry extends NewAuditEntry {
  /** ULID. */
  readonly entryId: string
  readonly timestampMs: number
  /** 1, 2, 3, … with no gaps. */
  readonly sequence: number
  readonly trace: readonly TraceStage[]
  /** `entryHash` of the previous entry; 64 zeros for sequence 1. */
  readonly prevHash: string
  /** SHA-256 hex of the canonical form (docs/audit.md). */
  readonly entryHash: string
  /**
   * ed25519 over the ASCII of `entryHash`, 128 hex: on the last entry of each group-committed batch
   * (it covers the whole batch through the hash chain), and on every entry of chains written before
   * batch signatures. Absent on the other entries of a batch.
   */
  readonly signature?: string
  /** Identifies the signing key: first 16 hex of SHA-256(public key). */
  readonly keyId: string
  /** This entry closes its batch (hashed), so it carries the batch's signature. */
  readonly batchEnd?: true
}

export interface AuditQuery {
  /** Prefix of `domain.verb`. */
  readonly actionType?: string
  /** `human` = HITL not from UnknownFallback; `bypass` = HITL from UnknownFallback. */
  readonly decision?: Permission | 'bypass'
  readonly decisionSource?: AuditSource
  readonly kind?: AuditEventKind
  readonly sessionId?: string
  readonly approvalId?: string
  /** Inclusive bounds on the entry timestamp. */
  readonly sinceMs?: number
  readonly untilMs?: number
  /** Default 100, max 1000. */
  readonly limit?: number
  /** `nextCursor` of the previous page. */
  readonly cursor?: string
}

export interface AuditPage {
  /** Newest first. */
  readonly entries: AuditEntry[]
  /** Present when older entries remain. */
  readonly nextCursor?: string
}

export interface AuditVerifyFailure {
  /** 0-based position in the checked sequence (file order). */
  readonly index: number
  readonly sequence?: number
  readonly entryId?: string
  readonly reason: string
}

export type AuditVerifyResult =
  | { readonly ok: true; readonly checked: number; readonly firstSequence?: number; readonly lastSequence?: number }
  | { readonly ok: false; readonly checked: number; readonly failure: AuditVerifyFailure }

export interface AuditLog {
  /** Public key (64 hex) and key id this store signs with. */
  readonly publicKey: string
  readonly keyId: string
  /** Assigns sequence/prevHash, hashes, signs and stores in one serialized DB transaction. */
  append(entry: NewAuditEntry): Promise<AuditEntry>
  /** Newest first, filtered, cursor-paginated (never repeats a row). */
  list(query?: AuditQuery): Promise<AuditPage>
  get(entryId: string): Promise<AuditEntry | undefined>
  /** Every entry oldest first, in batches. */
  export(options?: { fromSequence?: number; batchSize?: number }): AsyncIterable<AuditEntry>
  /** The stored JSON text of every entry (one JSONL line each, no newline), oldest first. */
  exportLines(options?: { fromSequence?: number; batchSize?: number }): AsyncIterable<string>
  /** Re-verifies the stored chain (hashes, signatures against known keys, links). */
  verify(options?: { publicKeys?: readonly string[] }): Promise<AuditVerifyResult>
  /** The chain head: last sequence (0 when empty) and its hash. */
  head(): Promise<{ sequence: number; entryHash: string }>
}

// ---------------------------------------------------------------------------------------------
// API tokens

/** API token roles: the shared vocabulary of `@permit0/domain`. */
export { TokenRole } from '@permit0/domain'

export interface ApiToken {
  readonly name: string
  readonly role: TokenRole
  readonly createdAtMs: number
  readonly revokedAtMs?: number
}

export interface TokenRepository {
  /** Returns the secret once; only its SHA-256 is stored. Name taken → StoreError Conflict. */
  create(input: { name: string; role: TokenRole; nowMs: number }): Promise<{ token: ApiToken; secret: string }>
  list(): Promise<ApiToken[]>
  /** Returns false when no active token has that name. */
  revoke(name: string, nowMs: number): Promise<boolean>
  verify(secret: string): Promise<{ name: string; role: TokenRole } | undefined>
}

// ---------------------------------------------------------------------------------------------
// Signed approval links (remote approvals)

/** Used nonces of signed approval links: each link decides at most once, across replicas. */
export interface LinkNonceRepository {
  /** Marks the nonce used; false when it already was (by this or any other replica). */
  consume(input: { nonce: string; approvalId: string; usedAtMs: number; expiresAtMs: number }): Promise<boolean>
  isUsed(nonce: string): Promise<boolean>
  /** Forgets nonces whose link expired before `nowMs` (an expired link is refused anyway). */
  prune(nowMs: number): Promise<number>
}

// ---------------------------------------------------------------------------------------------
// Dashboard statistics (over the audit log)

export interface StatsQuery {
  readonly sinceMs?: number
  readonly untilMs?: number
}

export interface AuditStats {
  readonly total: number
  readonly byPermission: Readonly<Record<Permission, number>>
  /**
   * Calls sent to a person: parked calls that ended (reviewed, timed out, abandoned; a parked call
   * is audited only at its end) and `human` verdicts not from UnknownFallback (the host prompts).
   */
  readonly humanCount: number
  /** HITL from UnknownFallback. */
  readonly fallbackCount: number
  readonly bySource: Readonly<Record<string, number>>
  /** Tier → count, only entries with a risk score. */
  readonly byTier: Readonly<Record<string, number>>
  /** Oldest first; only minutes with entries. */
  readonly perMinute: ReadonlyArray<{
    readonly minuteMs: number
    readonly count: number
    readonly allow: number
    readonly human: number
    readonly deny: number
  }>
}

export interface StatsRepository {
  summary(query?: StatsQuery): Promise<AuditStats>
}

// ---------------------------------------------------------------------------------------------
// Change feed (cross-process cache invalidation, new approvals)

/**
 * What another process (or this one) changed, delivered after COMMIT through PostgreSQL
 * NOTIFY (PGlite: in-process). `policy`: a list entry or cached verdict of that hash was written
 * or removed; `token`: that token was revoked; `approval_created`: a new pending approval.
 */
export type StoreChange =
  | { readonly kind: 'policy'; readonly normHash: string }
  | { readonly kind: 'token'; readonly name: string }
  | { readonly kind: 'approval_created'; readonly id: string }

/**
 * `lost`: the notification connection dropped, changes may be missed until `restored` (the
 * store reconnects by itself). Caches must flush on both.
 */
export type ChangeFeedStatus = 'lost' | 'restored'

export interface ChangeFeed {
  subscribe(
    listener: (change: StoreChange) => void,
    onStatus?: (status: ChangeFeedStatus) => void,
  ): Promise<() => Promise<void>>
}

// ---------------------------------------------------------------------------------------------
// The store

export interface MigrationStatus {
  readonly applied: string[]
  readonly pending: string[]
}

export interface StoreHealth {
  readonly ok: boolean
  readonly kind: 'embedded' | 'postgres'
  readonly error?: string
}

export interface Store {
  readonly kind: 'embedded' | 'postgres'
  /** Where the data lives, for messages (data dir, `memory`, or the redacted URL). */
  readonly location: string
  readonly policy: PolicyRepository
  readonly approvals: ApprovalStore
  readonly audit: AuditLog
  readonly tokens: TokenRepository
  readonly linkNonces: LinkNonceRepository
  /** Session history (the engine's `SessionStore` port), shared by replicas on one database. */
  readonly sessions: SessionStore
  readonly stats: StatsRepository
  readonly changes: ChangeFeed
  readonly capabilities: { readonly concurrentConnections: boolean }
  /** Applies pending migrations in one transaction per database; throws StoreError. */
  migrate(): Promise<MigrationStatus>
  migrationStatus(): Promise<MigrationStatus>
  health(): Promise<StoreHealth>
  close(): Promise<void>
}
