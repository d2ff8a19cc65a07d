/** The store port and its domain types */
export type {
  ApiToken,
  ApprovalRecord,
  ApprovalResolution,
  ApprovalStatus,
  ApprovalStore,
  AuditEntry,
  AuditLog,
  AuditOptions,
  AuditPage,
  AuditQuery,
  AuditSource,
  AuditStats,
  AuditVerifyFailure,
  AuditVerifyResult,
  ChangeFeed,
  ChangeFeedStatus,
  FailedOpenContext,
  HumanReview,
  LinkNonceRepository,
  MigrationStatus,
  NewApproval,
  NewAuditEntry,
  AuditShadow,
  PolicyListEntry,
  PolicyRepository,
  ReconcileResult,
  ResolveResult,
  StatsQuery,
  StatsRepository,
  Store,
  StoreConfig,
  StoreChange,
  StoreHealth,
  StoredPolicyCacheEntry,
  StoredPolicyLookup,
  TokenRepository,
} from './store.ts'
export { AuditEventKind, PolicyListKind, TokenRole } from './store.ts'

/** Opening a store */
export { createStore } from './create-store.ts'
export { createEmbeddedStore } from './embedded.ts'
export { PGLITE_SUBDIR } from './pglite-options.ts'
export { createPostgresStore } from './postgres.ts'
export { LOCK_FILE_NAME } from './lock-file.ts'
export { APPROVAL_CHANNEL, CHANGE_CHANNEL } from './kysely-store.ts'
export { MIGRATIONS } from './migrations/index.ts'

/** Audit signing, canonical form and offline verification */
export {
  auditKeyId,
  createAuditSigner,
  GENESIS_HASH,
  generateAuditKey,
  loadOrCreateAuditKey,
  parsePublicKey,
  readAuditKey,
} from './audit-crypto.ts'
export type { AuditSigner } from './audit-crypto.ts'
export { auditEntryFromJson, computeEntryHash } from './audit-json.ts'
export type { AuditEntryJson } from './audit-json.ts'

/** The audit CSV export (one definition for the HTTP and CLI exports) */
export { AUDIT_CSV_COLUMNS, AUDIT_CSV_HEADER, auditCsvLines, auditCsvRow, csvField } from './audit-csv.ts'
export type { AuditCsvColumn } from './audit-csv.ts'
export { createAuditChainVerifier, verifyAuditChain } from './audit-verify.ts'
export type { AuditChainVerifier } from './audit-verify.ts'

/** Errors */
export { describeCause, redactUrl, StoreError, StoreErrorCode } from './errors.ts'
