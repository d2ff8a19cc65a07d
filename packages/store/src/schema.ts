import type { ColumnType, Generated } from 'kysely'

/**
 * Row types of the SQL schema (snake_case). Private to the store: nothing outside
 * `kysely-store.ts` sees them. BIGINT columns come back as strings from `pg` and as numbers from
 * PGlite, hence `Int8`.
 */
type Int8 = ColumnType<string | number, number, number>

export interface PolicyCacheTable {
  norm_hash: string
  /** '' = every call with the hash; else the hash of the one session it holds for. */
  session_key: ColumnType<string, string | undefined, string>
  permission: string
  source: string
  risk_json: string | null
  fingerprint: string
  created_at_ms: Int8
  expires_at_ms: Int8
  /** A cached human decision's reviewer, reason, decision time and approval (null otherwise). */
  reviewer: string | null
  reason: string | null
  decided_at_ms: Int8 | null
  approval_id: string | null
}

export interface PolicyMetaTable {
  key: string
  value: string
}

export interface PolicyListTable {
  list: string
  norm_hash: string
  reason: string
  created_by: string
  created_at_ms: Int8
  action_type: string | null
}

export interface ApprovalsTable {
  id: string
  kind: string
  status: string
  norm_hash: string
  action_type: string
  action_json: string
  tool_name: string
  risk_json: string | null
  engine_permission: string
  engine_source: string
  session_id: string | null
  task_goal: string | null
  context_json: string | null
  created_at_ms: Int8
  expires_at_ms: Int8
  replica_id: string
  decided_permission: string | null
  reviewer: string | null
  reason: string | null
  resolved_at_ms: Int8 | null
  remember_scope: ColumnType<string | null, string | null | undefined, string | null>
  remember_until_ms: ColumnType<string | number | null, number | null | undefined, number | null>
}

export interface AuditEntriesTable {
  sequence: Int8
  entry_id: string
  timestamp_ms: Int8
  kind: string
  action_type: string
  channel: string
  decision: string
  decision_source: string
  tier: string | null
  session_id: string | null
  approval_id: string | null
  norm_hash: string
  prev_hash: string
  entry_hash: string
  key_id: string
  /** The full entry as exported (snake_case JSON text, including hash and signature). */
  entry_json: string
}

export interface AuditHeadTable {
  id: number
  sequence: Int8
  entry_hash: string
}

export interface AuditKeysTable {
  key_id: string
  public_key: string
  created_at_ms: Int8
}

export interface ApiTokensTable {
  name: string
  role: string
  secret_hash: string
  created_at_ms: Int8
  revoked_at_ms: Int8 | null
  id: Generated<number>
}

export interface UsedLinkNoncesTable {
  nonce: string
  approval_id: string
  used_at_ms: Int8
  expires_at_ms: Int8
}

export interface SessionRecordsTable {
  id: Generated<Int8>
  session_id: string
  at_ms: Int8
  /** The record as JSON (`SessionRecord`, camelCase). */
  record_json: string
}

export interface Database {
  policy_cache: PolicyCacheTable
  policy_meta: PolicyMetaTable
  policy_list: PolicyListTable
  approvals: ApprovalsTable
  audit_entries: AuditEntriesTable
  audit_head: AuditHeadTable
  audit_keys: AuditKeysTable
  api_tokens: ApiTokensTable
  used_link_nonces: UsedLinkNoncesTable
  session_records: SessionRecordsTable
}
