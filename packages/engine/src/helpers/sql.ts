/**
 * SQL classification for database MCP servers, SQL-bearing tool parameters and `psql -c`-style
 * shell commands, over the real PostgreSQL parse tree (libpg-query, see `parsers/sql.ts`).
 *
 * Every statement node anywhere in the tree is classified (stacked statements, CTEs carrying DML,
 * `EXPLAIN ANALYZE`, `PREPARE`, `COPY (query)`, `CREATE TABLE AS`, cursors, PL/pgSQL bodies of `DO`
 * blocks and functions) and the most dangerous one gives the action type. Every function call,
 * relation and setting anywhere (select lists, sub-queries, CTEs, function arguments, defaults) is
 * checked against what reaches outside the database. Findings come in two severities:
 * - `deny`: commands, files, network or native code on the database host, server configuration,
 *   credential catalogs (`COPY … PROGRAM`, `pg_read_file`, `lo_export`, `dblink_exec`,
 *   `LANGUAGE c`/`plpython3u`, `ALTER SYSTEM`, `LOAD`, `pg_authid`, …);
 * - `review`: a person decides (unparsable or oversized SQL, code blocks, dynamic SQL, `EXECUTE`
 *   of a statement not in the text, role switches, extensions, unknown statements).
 * Text that does not parse is never guessed at: it is `review` with the parser's message.
 */
import { parsePlpgsql, parsePostgres, scanPostgres, type PgJson } from '../parsers/sql.ts'
import type { JsonObject, JsonValue } from '../types.ts'
import { foreignRead, splitClientCommands, type ClientCommand } from './sql-client.ts'
import { broadFilter, constOf, isObj, unwrap, type Node, type Target } from './sql-where.ts'
import type { HelperDef } from './types.ts'

export const SqlAction = {
  Select: 'db.select',
  Export: 'db.export',
  Insert: 'db.insert',
  Create: 'db.create',
  Update: 'db.update',
  Alter: 'db.alter',
  Delete: 'db.delete',
  RevokeAccess: 'db.revoke_access',
  GrantAccess: 'db.grant_access',
  Truncate: 'db.truncate',
  Drop: 'db.drop',
} as const
export type SqlAction = (typeof SqlAction)[keyof typeof SqlAction]

const ACTION_RANK: Readonly<Record<SqlAction, number>> = {
  'db.select': 0,
  'db.export': 1,
  'db.insert': 2,
  'db.create': 3,
  'db.update': 4,
  'db.alter': 5,
  'db.delete': 6,
  'db.revoke_access': 7,
  'db.grant_access': 8,
  'db.truncate': 9,
  'db.drop': 10,
}

/** Longest SQL text analysed (characters); longer text is `review` (parsing cost, hook latency). */
export const SQL_MAX_LENGTH = 65_536
/** Nested SQL (PL/pgSQL bodies, SQL in string arguments) analysed this deep; deeper is `review`. */
const MAX_NESTING = 4

export const SqlSeverity = { None: 'none', Review: 'review', Deny: 'deny' } as const
export type SqlSeverity = (typeof SqlSeverity)[keyof typeof SqlSeverity]

/** What a finding is about; stable codes for risk rules and tests. */
export const SqlRisk = {
  ParseError: 'parse_error',
  Oversized: 'oversized',
  CommandExec: 'command_exec',
  HostFile: 'host_file',
  ServerFile: 'server_file',
  Network: 'network',
  NativeCode: 'native_code',
  Code: 'code',
  DynamicSql: 'dynamic_sql',
  ServerConfig: 'server_config',
  SessionConfig: 'session_config',
  CredentialRead: 'credential_read',
  RoleSwitch: 'role_switch',
  Extension: 'extension',
  Admin: 'admin',
  Unknown: 'unknown_statement',
} as const
export type SqlRisk = (typeof SqlRisk)[keyof typeof SqlRisk]

export interface SqlFinding {
  readonly risk: SqlRisk
  readonly severity: typeof SqlSeverity.Review | typeof SqlSeverity.Deny
  readonly reason: string
}

export interface SqlFacts {
  /** The most dangerous statement's action type; `db.select` for empty input, `db.update` when unparsed. */
  readonly action: SqlAction
  /** Top-level statements that do something (transaction control and plain SETs are not counted). */
  readonly statements: number
  /** Their keywords, uppercase (`SELECT`, `DROP`, `CREATE FUNCTION`, …). */
  readonly keywords: readonly string[]
  readonly readOnly: boolean
  readonly ddl: boolean
  readonly drop: boolean
  readonly truncate: boolean
  /** DELETE (or MERGE … DELETE) without WHERE or with a filter every row passes. */
  readonly unboundedDelete: boolean
  /** UPDATE (or MERGE … UPDATE) without WHERE or with a filter every row passes. */
  readonly unboundedUpdate: boolean
  readonly cascade: boolean
  readonly privilege: boolean
  /** The text parsed as PostgreSQL. */
  readonly parsed: boolean
  /** The parser's message when it did not. */
  readonly parseError?: string
  /** The worst finding's severity. */
  readonly severity: SqlSeverity
  /** Risk codes of every finding, deduplicated, worst first. */
  readonly risks: readonly SqlRisk[]
  /** The worst finding's reason ('' without findings). */
  readonly reason: string
  readonly findings: readonly SqlFinding[]
}

// ---------------------------------------------------------------- tables

/** Functions that reach the database host's files, programs or network, or run SQL elsewhere. */
const DENY_FUNCTIONS: ReadonlyMap<string, [SqlRisk, string]> = new Map([
  ...['pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file', 'pg_ls_logdir', 'pg_ls_waldir',
    'pg_ls_tmpdir', 'pg_ls_archive_statusdir', 'pg_ls_logicalsnapdir', 'pg_ls_logicalmapdir',
    'pg_ls_replslotdir', 'pg_ls_summariesdir', 'pg_file_write', 'pg_file_rename', 'pg_file_unlink',
    'pg_file_sync', 'pg_file_read', 'pg_file_length', 'pg_logdir_ls', 'lo_import', 'lo_export',
    'pg_current_logfile', 'load_file', 'readfile', 'writefile', 'edit', 'sys_exec', 'sys_eval', 'load_extension'].map((f): [string, [SqlRisk, string]] => [f, [SqlRisk.HostFile, `${f}() reads or writes files on the database host`]]),
  ...['dblink', 'dblink_exec', 'dblink_connect', 'dblink_connect_u', 'dblink_send_query', 'dblink_open',
    'dblink_fetch', 'dblink_get_result', 'http', 'http_get', 'http_post', 'http_put', 'http_patch',
    'http_delete', 'http_head', 'http_request', 'http_collect_response'].map((f): [string, [SqlRisk, string]] =>
    [f, [SqlRisk.Network, `${f}() opens a connection from the database host`]]),
  ...['pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_promote',
    'pg_switch_wal', 'pg_drop_replication_slot', 'pg_create_logical_replication_slot',
    'pg_create_physical_replication_slot', 'pg_replication_origin_create', 'pg_logical_emit_message',
    'pg_backup_start', 'pg_backup_stop', 'pg_wal_replay_pause', 'pg_log_backend_memory_contexts']
    .map((f): [string, [SqlRisk, string]] => [f, [SqlRisk.Admin, `${f}() acts on the server or other sessions`]]),
])

/** Functions that run the SQL text they are given. */
const SQL_EXECUTING_FUNCTIONS = new Set(['query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema', 'ts_stat', 'ts_stat2'])
/** Functions that dump whole schemas or databases. */
const EXPORT_FUNCTIONS = new Set(['database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema',
  'schema_to_xml', 'schema_to_xml_and_xmlschema', 'table_to_xml', 'table_to_xml_and_xmlschema', 'cursor_to_xml'])

/** Catalogs holding password hashes or connection secrets. */
const CREDENTIAL_RELATIONS = new Set(['user_mapping_options', 'pg_file_settings', 'pg_authid', 'pg_shadow', 'pg_user_mapping', 'pg_user_mappings', 'pg_hba_file_rules', 'pg_ident_file_mappings'])

/** Procedural languages that run native or unrestricted code on the host. */
const TRUSTED_LANGUAGES = new Set(['sql', 'plpgsql', 'plv8', 'pltcl', 'plperl', 'pllua', 'plr'])

/**
 * Settings that change who you are, load code, turn off auditing/safety, or reach the host.
 * `true`: deny (code or host); `false`: review.
 */
const SENSITIVE_SETTINGS: ReadonlyMap<string, boolean> = new Map([
  ['session_preload_libraries', true], ['local_preload_libraries', true], ['shared_preload_libraries', true],
  ['dynamic_library_path', true], ['archive_command', true], ['restore_command', true],
  ['archive_cleanup_command', true], ['recovery_end_command', true], ['ssl_passphrase_command', true],
  ['log_directory', true], ['data_directory', true], ['config_file', true], ['hba_file', true],
  ['role', false], ['session_authorization', false], ['session_replication_role', false],
  ['row_security', false], ['default_transaction_read_only', false], ['transaction_read_only', false],
  ['log_statement', false], ['log_min_duration_statement', false], ['log_min_messages', false],
  ['log_connections', false], ['log_disconnections', false], ['logging_collector', false],
  ['allow_system_table_mods', false], ['ignore_system_indexes', false], ['zero_damaged_pages', false],
  ['lo_compat_privileges', false], ['password_encryption', false], ['check_function_bodies', false],
  ['event_triggers', false], ['jit_provider', true],
])

/** Extensions that reach the host or the network, or run untrusted code. */
const DANGEROUS_EXTENSIONS = new Set(['adminpack', 'dblink', 'postgres_fdw', 'file_fdw', 'plpython3u',
  'plpythonu', 'plpython2u', 'plperlu', 'pltclu', 'plsh', 'http', 'pg_net', 'pgsql_http', 'lo', 'mysql_fdw',
  'oracle_fdw', 'multicorn', 'pg_cron', 'pg_background', 'system_stats', 'pg_execute_server_program'])

/** Predefined roles whose grant gives host access. */
const HOST_ROLES = new Set(['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files', 'pg_signal_backend'])

type Kind = 'select' | 'neutral'

interface StatementInfo {
  readonly keyword: string
  readonly action?: SqlAction
  readonly ddl?: boolean
  readonly cascade?: boolean
  readonly privilege?: boolean
}

// ---------------------------------------------------------------- analysis state

function sval(v: unknown): string | undefined {
  const u = unwrap(v)
  if (u !== undefined && u[0] === 'String' && typeof u[1]['sval'] === 'string') return u[1]['sval']
  return undefined
}

function nameList(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => sval(x) ?? '') : []
}

/** `DefElem` options as `name → value node`. */
function defElems(v: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>()
  if (!Array.isArray(v)) return out
  for (const x of v) {
    const u = unwrap(x)
    if (u !== undefined && u[0] === 'DefElem' && typeof u[1]['defname'] === 'string') out.set(u[1]['defname'], u[1]['arg'])
  }
  return out
}

class Analysis {
  action: SqlAction | undefined
  readonly keywords: string[] = []
  statements = 0
  ddl = false
  drop = false
  truncate = false
  unboundedDelete = false
  unboundedUpdate = false
  cascade = false
  privilege = false
  readonly findings: SqlFinding[] = []
  readonly prepared = new Set<string>()

  note(action: SqlAction): void {
    if (this.action === undefined || ACTION_RANK[action] > ACTION_RANK[this.action]) this.action = action
  }

  find(risk: SqlRisk, severity: SqlFinding['severity'], reason: string): void {
    if (!this.findings.some((f) => f.risk === risk && f.reason === reason)) this.findings.push({ risk, severity, reason })
  }

  /** Takes in another analysis of text that also runs (the worst of both). */
  merge(b: Analysis, note = ''): void {
    if (b.action !== undefined) this.note(b.action)
    for (const f of b.findings) this.find(f.risk, f.severity, `${f.reason}${note}`)
    this.unboundedDelete ||= b.unboundedDelete
    this.unboundedUpdate ||= b.unboundedUpdate
    this.drop ||= b.drop
    this.truncate ||= b.truncate
    this.privilege ||= b.privilege
    this.cascade ||= b.cascade
    this.ddl ||= b.ddl
    if (note === '') this.statements += b.statements
    for (const k of b.keywords) if (note === '' || !this.keywords.includes(k)) this.keywords.push(k)
  }
}

// ---------------------------------------------------------------- statements

function keywordOf(type: string): string {
  return type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()
}

function relationTarget(n: Node): Target {
  const names = new Set<string>()
  const rel = isObj(n['relation']) ? n['relation'] : undefined
  if (rel !== undefined) {
    if (typeof rel['relname'] === 'string') names.add(rel['relname'].toLowerCase())
    const alias = isObj(rel['alias']) ? rel['alias'] : undefined
    if (alias !== undefined && typeof alias['aliasname'] === 'string') names.add(alias['aliasname'].toLowerCase())
  }
  return { names }
}

function unbounded(n: Node): boolean {
  const where = n['whereClause']
  if (where === undefined) return true
  return broadFilter(where, relationTarget(n))
}

function dropAction(n: Node): StatementInfo {
  const type = String(n['removeType'] ?? '')
  const cascade = n['behavior'] === 'DROP_CASCADE'
  if (type === 'OBJECT_ROLE') return { keyword: 'DROP ROLE', action: SqlAction.RevokeAccess, privilege: true }
  return { keyword: `DROP ${type.replace(/^OBJECT_/, '').replace(/_/g, ' ')}`.trim(), action: SqlAction.Drop, ddl: true, cascade }
}

/** Classifies one statement node; nested statements are reached by the tree walk. */
function classifyStatement(type: string, n: Node, a: Analysis, depth: number, executes: boolean): StatementInfo | Kind {
  switch (type) {
    case 'SelectStmt':
      if (isObj(n['intoClause'])) return { keyword: 'SELECT INTO', action: SqlAction.Create, ddl: true }
      return 'select'
    case 'VariableShowStmt':
      return 'select'
    case 'InsertStmt':
      return { keyword: 'INSERT', action: SqlAction.Insert }
    case 'UpdateStmt':
      if (executes && unbounded(n)) a.unboundedUpdate = true
      return { keyword: 'UPDATE', action: SqlAction.Update }
    case 'DeleteStmt':
      if (executes && unbounded(n)) a.unboundedDelete = true
      return { keyword: 'DELETE', action: SqlAction.Delete }
    case 'MergeStmt': {
      const clauses = Array.isArray(n['mergeWhenClauses']) ? n['mergeWhenClauses'].map(unwrap) : []
      const everyRow = broadFilter(n['joinCondition'], { names: new Set() })
      let action: SqlAction = SqlAction.Insert
      for (const c of clauses) {
        if (c === undefined) continue
        const cmd = c[1]['commandType']
        const unconditional = c[1]['condition'] === undefined
        if (cmd === 'CMD_DELETE') {
          action = SqlAction.Delete
          if (executes && (c[1]['matchKind'] === 'MERGE_WHEN_NOT_MATCHED_BY_SOURCE' || everyRow) && unconditional) a.unboundedDelete = true
        } else if (cmd === 'CMD_UPDATE') {
          if (action !== SqlAction.Delete) action = SqlAction.Update
          if (executes && (c[1]['matchKind'] === 'MERGE_WHEN_NOT_MATCHED_BY_SOURCE' || everyRow) && unconditional) a.unboundedUpdate = true
        }
      }
      return { keyword: 'MERGE', action }
    }
    case 'CopyStmt': {
      const from = n['is_from'] === true
      const file = typeof n['filename'] === 'string' ? n['filename'] : undefined
      if (n['is_program'] === true) {
        a.find(SqlRisk.CommandExec, SqlSeverity.Deny, `COPY ${from ? 'FROM' : 'TO'} PROGRAM runs a shell command on the database host${file !== undefined ? `: ${file.slice(0, 120)}` : ''}`)
      } else if (file !== undefined) {
        // reading any server file, or writing outside a temp directory (the data directory's
        // postgresql.auto.conf, web roots, ~/.ssh) is host access; a dump into /tmp is an export
        const scratch = /^\/(var\/)?tmp\//.test(file) && !file.includes('..')
        if (from || !scratch) a.find(SqlRisk.HostFile, SqlSeverity.Deny, `COPY ${from ? 'FROM' : 'TO'} '${file.slice(0, 120)}' ${from ? 'reads' : 'writes'} a file on the database host`)
        else a.find(SqlRisk.ServerFile, SqlSeverity.Review, `COPY TO '${file.slice(0, 120)}' writes a file on the database host`)
      }
      return { keyword: from ? 'COPY FROM' : 'COPY TO', action: from ? SqlAction.Insert : SqlAction.Export }
    }
    case 'ExplainStmt':
      return 'select'
    case 'TransactionStmt': case 'DeallocateStmt': case 'ListenStmt': case 'UnlistenStmt': case 'NotifyStmt':
    case 'DiscardStmt': case 'ConstraintsSetStmt': case 'ClosePortalStmt': case 'FetchStmt':
      return 'neutral'
    case 'DeclareCursorStmt':
      return 'select'
    case 'PrepareStmt':
      if (typeof n['name'] === 'string') a.prepared.add(n['name'].toLowerCase())
      return 'neutral'
    case 'ExecuteStmt': {
      const name = typeof n['name'] === 'string' ? n['name'].toLowerCase() : ''
      if (!a.prepared.has(name)) a.find(SqlRisk.DynamicSql, SqlSeverity.Review, `EXECUTE ${name} runs a prepared statement whose text is not in this call`)
      return { keyword: 'EXECUTE', action: SqlAction.Select }
    }
    case 'VariableSetStmt':
      return setStatement(n, a, false)
    case 'AlterSystemStmt': {
      const set = isObj(n['setstmt']) ? n['setstmt'] : {}
      a.find(SqlRisk.ServerConfig, SqlSeverity.Deny, `ALTER SYSTEM changes the server's configuration (${String(set['name'] ?? 'all settings')})`)
      return { keyword: 'ALTER SYSTEM', action: SqlAction.Alter, ddl: true }
    }
    case 'AlterDatabaseSetStmt': case 'AlterRoleSetStmt': {
      const set = isObj(n['setstmt']) ? n['setstmt'] : {}
      setStatement(set, a, true)
      return { keyword: type === 'AlterRoleSetStmt' ? 'ALTER ROLE SET' : 'ALTER DATABASE SET', action: SqlAction.Alter, ddl: true }
    }
    case 'LoadStmt':
      a.find(SqlRisk.NativeCode, SqlSeverity.Deny, `LOAD loads a shared library into the server: ${String(n['filename'] ?? '')}`)
      return { keyword: 'LOAD', action: SqlAction.Alter }
    case 'DoStmt': {
      const opts = defElems(n['args'])
      const lang = (sval(opts.get('language')) ?? 'plpgsql').toLowerCase()
      codeBody('DO block', lang, sval(opts.get('as')) ?? '', a, depth, (body) => `DO $permit0$${body}$permit0$`)
      return { keyword: 'DO', action: SqlAction.Update }
    }
    case 'CreateFunctionStmt': {
      const opts = defElems(n['options'])
      const lang = (sval(opts.get('language')) ?? 'sql').toLowerCase()
      const as = opts.get('as')
      const parts = isObj(as) && unwrap(as)?.[0] === 'List' ? nameList((unwrap(as) as [string, Node])[1]['items']) : [sval(as) ?? '']
      const what = n['is_procedure'] === true ? 'procedure' : 'function'
      if (lang === 'plpgsql') {
        codeBody(`CREATE ${what.toUpperCase()}`, lang, parts[0] ?? '', a, depth,
          (body) => `CREATE FUNCTION permit0_probe() RETURNS void LANGUAGE plpgsql AS $permit0$${body}$permit0$`)
      } else if (lang === 'sql') {
        a.find(SqlRisk.Code, SqlSeverity.Review, `CREATE ${what.toUpperCase()} stores code that runs later`)
        if (n['sql_body'] === undefined) nestedSql(parts[0] ?? '', a, depth + 1, `body of the SQL ${what}`)
      } else codeBody(`CREATE ${what.toUpperCase()}`, lang, parts.join(', '), a, depth, () => '')
      return { keyword: n['is_procedure'] === true ? 'CREATE PROCEDURE' : 'CREATE FUNCTION', action: SqlAction.Create, ddl: true }
    }
    case 'CreatePLangStmt': {
      const lang = String(n['plname'] ?? '').toLowerCase()
      if (!TRUSTED_LANGUAGES.has(lang)) a.find(SqlRisk.NativeCode, SqlSeverity.Deny, `CREATE LANGUAGE ${lang} enables untrusted code on the database host`)
      else a.find(SqlRisk.Code, SqlSeverity.Review, `CREATE LANGUAGE ${lang}`)
      return { keyword: 'CREATE LANGUAGE', action: SqlAction.Create, ddl: true }
    }
    case 'CreateExtensionStmt': case 'AlterExtensionStmt': case 'AlterExtensionContentsStmt': {
      const ext = String(n['extname'] ?? '').toLowerCase()
      if (DANGEROUS_EXTENSIONS.has(ext)) a.find(SqlRisk.NativeCode, SqlSeverity.Deny, `extension ${ext} reaches the database host, the network or untrusted code`)
      else a.find(SqlRisk.Extension, SqlSeverity.Review, `extension ${ext} installs code into the database`)
      return { keyword: type === 'CreateExtensionStmt' ? 'CREATE EXTENSION' : 'ALTER EXTENSION', action: SqlAction.Create, ddl: true }
    }
    case 'CallStmt':
      a.find(SqlRisk.Code, SqlSeverity.Review, 'CALL runs a stored procedure whose body is not in this call')
      return { keyword: 'CALL', action: SqlAction.Update }
    case 'CreateTrigStmt': case 'CreateEventTrigStmt': case 'RuleStmt':
      a.find(SqlRisk.Code, SqlSeverity.Review, `${keywordOf(type)} attaches code that runs on later statements`)
      return { keyword: keywordOf(type), action: SqlAction.Create, ddl: true }
    case 'CreateTableSpaceStmt':
      a.find(SqlRisk.HostFile, SqlSeverity.Deny, `CREATE TABLESPACE writes to a directory on the database host: ${String(n['location'] ?? '')}`)
      return { keyword: 'CREATE TABLESPACE', action: SqlAction.Create, ddl: true }
    case 'CreateForeignServerStmt': case 'CreateFdwStmt': case 'CreateUserMappingStmt': case 'AlterUserMappingStmt':
    case 'CreateForeignTableStmt': case 'ImportForeignSchemaStmt': case 'CreateSubscriptionStmt': case 'AlterSubscriptionStmt':
    case 'AlterForeignServerStmt': case 'AlterFdwStmt':
      a.find(SqlRisk.Network, SqlSeverity.Review, `${keywordOf(type)} connects the database to another server`)
      return { keyword: keywordOf(type), action: SqlAction.Create, ddl: true }
    case 'CreateRoleStmt': case 'AlterRoleStmt': case 'AlterDefaultPrivilegesStmt': case 'ReassignOwnedStmt':
    case 'CreatePolicyStmt': case 'AlterPolicyStmt':
      return { keyword: keywordOf(type), action: SqlAction.GrantAccess, privilege: true }
    case 'AlterOwnerStmt':
      return { keyword: 'ALTER OWNER', action: SqlAction.GrantAccess, privilege: true }
    case 'DropRoleStmt':
      return { keyword: 'DROP ROLE', action: SqlAction.RevokeAccess, privilege: true }
    case 'DropOwnedStmt':
      return { keyword: 'DROP OWNED', action: SqlAction.Drop, ddl: true, cascade: n['behavior'] === 'DROP_CASCADE' }
    case 'GrantStmt':
      return { keyword: n['is_grant'] === true ? 'GRANT' : 'REVOKE', action: n['is_grant'] === true ? SqlAction.GrantAccess : SqlAction.RevokeAccess, privilege: true }
    case 'GrantRoleStmt': {
      const roles = Array.isArray(n['granted_roles']) ? n['granted_roles'].map((r) => String(unwrap(r)?.[1]['priv_name'] ?? '').toLowerCase()) : []
      const host = roles.find((r) => HOST_ROLES.has(r))
      if (n['is_grant'] === true && host !== undefined) a.find(SqlRisk.HostFile, SqlSeverity.Deny, `GRANT ${host} gives access to the database host's files or programs`)
      return { keyword: n['is_grant'] === true ? 'GRANT' : 'REVOKE', action: n['is_grant'] === true ? SqlAction.GrantAccess : SqlAction.RevokeAccess, privilege: true }
    }
    case 'DropStmt':
      return dropAction(n)
    case 'DropdbStmt': case 'DropTableSpaceStmt': case 'DropSubscriptionStmt': case 'DropUserMappingStmt':
      return { keyword: keywordOf(type), action: SqlAction.Drop, ddl: true }
    case 'TruncateStmt':
      return { keyword: 'TRUNCATE', action: SqlAction.Truncate, ddl: true, cascade: n['behavior'] === 'DROP_CASCADE' }
    case 'CreateStmt': case 'CreateTableAsStmt': case 'IndexStmt': case 'ViewStmt': case 'CreateSeqStmt':
    case 'CreateSchemaStmt': case 'CompositeTypeStmt': case 'CreateEnumStmt': case 'CreateRangeStmt': case 'DefineStmt':
    case 'CreateDomainStmt': case 'CreatedbStmt': case 'CreateConversionStmt': case 'CreateCastStmt':
    case 'CreateOpClassStmt': case 'CreateOpFamilyStmt': case 'CreateStatsStmt': case 'CreateTransformStmt':
    case 'CreateAmStmt': case 'CreatePublicationStmt': case 'CommentStmt': case 'SecLabelStmt':
      return { keyword: keywordOf(type), action: SqlAction.Create, ddl: true }
    case 'AlterTableStmt': case 'RenameStmt': case 'AlterDomainStmt': case 'AlterSeqStmt': case 'AlterFunctionStmt':
    case 'AlterObjectSchemaStmt': case 'AlterEnumStmt': case 'AlterDatabaseStmt': case 'AlterDatabaseRefreshCollStmt':
    case 'AlterTableSpaceOptionsStmt': case 'AlterTableMoveAllStmt': case 'AlterTSConfigurationStmt': case 'AlterTSDictionaryStmt':
    case 'AlterOperatorStmt': case 'AlterTypeStmt': case 'AlterCollationStmt': case 'AlterStatsStmt': case 'AlterPublicationStmt':
    case 'AlterEventTrigStmt': case 'AlterObjectDependsStmt': case 'AlterOpFamilyStmt':
    case 'ClusterStmt': case 'VacuumStmt': case 'ReindexStmt': case 'RefreshMatViewStmt': case 'LockStmt': case 'CheckPointStmt':
      return { keyword: keywordOf(type), action: SqlAction.Alter, ddl: true }
    default:
      a.find(SqlRisk.Unknown, SqlSeverity.Review, `${keywordOf(type)} is a statement permit0 does not classify`)
      return { keyword: keywordOf(type), action: SqlAction.Update }
  }
}

function setStatement(n: Node, a: Analysis, persistent: boolean): StatementInfo | Kind {
  const name = String(n['name'] ?? '').toLowerCase()
  const kind = String(n['kind'] ?? '')
  if (kind === 'VAR_RESET' || kind === 'VAR_RESET_ALL' || kind === 'VAR_SET_DEFAULT') return 'neutral'
  const sensitive = SENSITIVE_SETTINGS.get(name)
  if (sensitive === true) a.find(SqlRisk.ServerConfig, SqlSeverity.Deny, `setting ${name} loads code or runs commands on the database host`)
  else if (name === 'role' || name === 'session_authorization') {
    a.find(SqlRisk.RoleSwitch, SqlSeverity.Review, `SET ${name === 'role' ? 'ROLE' : 'SESSION AUTHORIZATION'} switches to another database identity`)
    a.privilege = true
    return { keyword: name === 'role' ? 'SET ROLE' : 'SET SESSION AUTHORIZATION', action: SqlAction.GrantAccess, privilege: true }
  } else if (sensitive === false || persistent) a.find(SqlRisk.SessionConfig, SqlSeverity.Review, `setting ${name} changes security or audit behaviour`)
  return persistent ? { keyword: 'SET', action: SqlAction.Alter } : 'neutral'
}

/** Code bodies: untrusted languages are denied, PL/pgSQL bodies are parsed and their SQL classified. */
function codeBody(what: string, lang: string, body: string, a: Analysis, depth: number, wrap: (body: string) => string): void {
  if (!TRUSTED_LANGUAGES.has(lang)) {
    a.find(SqlRisk.NativeCode, SqlSeverity.Deny, `${what} in LANGUAGE ${lang} runs native or untrusted code on the database host`)
    return
  }
  a.find(SqlRisk.Code, SqlSeverity.Review, `${what} runs procedural code (LANGUAGE ${lang})`)
  if (lang !== 'plpgsql') return
  if (depth >= MAX_NESTING) {
    a.find(SqlRisk.DynamicSql, SqlSeverity.Review, `${what} nested deeper than ${MAX_NESTING} levels is not analysed`)
    return
  }
  const parsed = parsePlpgsql(wrap(body))
  if (!parsed.ok) {
    a.find(SqlRisk.ParseError, SqlSeverity.Review, `${what} body does not parse: ${parsed.error}`)
    return
  }
  walkPlpgsql(parsed.tree, a, depth + 1)
}

/** Every SQL expression and statement inside a PL/pgSQL parse tree; dynamic EXECUTE is review. */
function walkPlpgsql(tree: unknown, a: Analysis, depth: number): void {
  const stack: unknown[] = [tree]
  while (stack.length > 0) {
    const node = stack.pop()
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x)
      continue
    }
    if (!isObj(node)) continue
    for (const [k, v] of Object.entries(node)) {
      if (k === 'PLpgSQL_stmt_dynexecute' || k === 'PLpgSQL_stmt_dynfors' || (k === 'PLpgSQL_stmt_open' && isObj(v) && v['dynquery'] !== undefined)) {
        const q = isObj(v) ? (v['query'] ?? v['dynquery']) : undefined
        const text = isObj(q) && isObj(q['PLpgSQL_expr']) ? String(q['PLpgSQL_expr']['query'] ?? '') : ''
        const literal = literalString(text)
        if (literal !== undefined) nestedSql(literal, a, depth, 'EXECUTE in a code block')
        else a.find(SqlRisk.DynamicSql, SqlSeverity.Review, `a code block builds SQL at run time (EXECUTE ${text.slice(0, 80)})`)
      }
      if (k === 'PLpgSQL_expr' && isObj(v) && typeof v['query'] === 'string') {
        const mode = typeof v['parseMode'] === 'number' ? v['parseMode'] : 0
        nestedSql(mode === 0 ? v['query'] : `SELECT ${v['query']}`, a, depth, 'a code block')
        continue
      }
      stack.push(v)
    }
  }
}

/** The text of a single SQL string literal (`'DROP TABLE t'`, `$q$…$q$`), else undefined. */
function literalString(expr: string): string | undefined {
  const parsed = parsePostgres(`SELECT ${expr}`)
  if (!parsed.ok) return undefined
  const stmts = parsed.tree['stmts']
  if (!Array.isArray(stmts) || stmts.length !== 1) return undefined
  const sel = unwrap((stmts[0] as Node)['stmt'])
  const targets = sel !== undefined && Array.isArray(sel[1]['targetList']) ? sel[1]['targetList'] : []
  if (targets.length !== 1) return undefined
  const rt = unwrap(targets[0])
  const c = rt !== undefined ? constOf(rt[1]['val']) : undefined
  return c !== undefined && c.t === 'str' ? c.v : undefined
}

/** SQL found inside SQL (code bodies, string arguments of SQL-running functions). */
function nestedSql(sql: string, a: Analysis, depth: number, where: string): void {
  if (depth > MAX_NESTING) {
    a.find(SqlRisk.DynamicSql, SqlSeverity.Review, `SQL nested deeper than ${MAX_NESTING} levels in ${where} is not analysed`)
    return
  }
  const parsed = parsePostgres(sql)
  if (!parsed.ok) {
    a.find(SqlRisk.ParseError, SqlSeverity.Review, `SQL in ${where} does not parse: ${parsed.error}`)
    return
  }
  walkTree(parsed.tree, a, depth, false)
}

// ---------------------------------------------------------------- the tree walk

function funcName(n: Node): string {
  const names = nameList(n['funcname'])
  return (names[names.length - 1] ?? '').toLowerCase()
}

function checkFunction(n: Node, a: Analysis, depth: number): void {
  const name = funcName(n)
  const args = Array.isArray(n['args']) ? n['args'] : []
  const deny = DENY_FUNCTIONS.get(name)
  if (deny !== undefined) a.find(deny[0], SqlSeverity.Deny, deny[1])
  else if (name.startsWith('dblink') || name.startsWith('pg_file_') || name.startsWith('pg_ls_')) {
    a.find(SqlRisk.HostFile, SqlSeverity.Deny, `${name}() reaches outside the database`)
  } else if (name === 'set_config') {
    const setting = constOf(args[0])
    if (setting === undefined || setting.t !== 'str') a.find(SqlRisk.SessionConfig, SqlSeverity.Review, 'set_config() with a setting name computed at run time')
    else {
      const info = setStatement({ name: setting.v, kind: 'VAR_SET_VALUE' }, a, false)
      if (typeof info !== 'string' && info.action !== undefined) a.note(info.action)
    }
  } else if (name === 'pg_sleep' || name === 'pg_sleep_for' || name === 'pg_sleep_until') {
    a.find(SqlRisk.Admin, SqlSeverity.Review, `${name}() holds a connection (a timing probe or a denial of service)`)
  } else if (SQL_EXECUTING_FUNCTIONS.has(name)) {
    const q = constOf(args[0])
    if (q !== undefined && q.t === 'str') nestedSql(q.v, a, depth + 1, `${name}()`)
    else a.find(SqlRisk.DynamicSql, SqlSeverity.Review, `${name}() runs SQL computed at run time`)
  } else if (EXPORT_FUNCTIONS.has(name)) a.note(SqlAction.Export)
}

/**
 * Walks a parse tree: classifies every statement node, checks every function call, relation and
 * setting. `executes` is false below a plain EXPLAIN, whose statements are planned but not run.
 */
function walkTree(tree: PgJson, a: Analysis, depth: number, topLevel: boolean): void {
  const stmts = Array.isArray(tree['stmts']) ? tree['stmts'] : []
  for (const raw of stmts) {
    const stmt = isObj(raw) ? raw['stmt'] : undefined
    const info = walkNode(stmt, a, depth, true)
    if (!topLevel || info === undefined || info === 'neutral') continue
    a.statements += 1
    a.keywords.push(info === 'select' ? selectKeyword(stmt) : info.keyword)
  }
}

function selectKeyword(stmt: unknown): string {
  const u = unwrap(stmt)
  if (u === undefined) return 'SELECT'
  if (u[0] === 'ExplainStmt') return 'EXPLAIN'
  if (u[0] === 'VariableShowStmt') return 'SHOW'
  if (u[0] === 'DeclareCursorStmt') return 'DECLARE'
  return isObj(u[1]['withClause']) ? 'WITH' : 'SELECT'
}

/** Walks one statement subtree; returns the classification of its root statement. */
function walkNode(root: unknown, a: Analysis, depth: number, executesRoot: boolean): StatementInfo | Kind | undefined {
  let rootInfo: StatementInfo | Kind | undefined
  const stack: { node: unknown; executes: boolean }[] = [{ node: root, executes: executesRoot }]
  let first = true
  while (stack.length > 0) {
    const { node, executes } = stack.pop() as { node: unknown; executes: boolean }
    if (Array.isArray(node)) {
      for (const x of node) stack.push({ node: x, executes })
      continue
    }
    if (!isObj(node)) continue
    for (const [k, v] of Object.entries(node)) {
      if (!isObj(v) && !Array.isArray(v)) continue
      let childExecutes = executes
      if (isObj(v) && /^[A-Z]/.test(k) && (k.endsWith('Stmt') || k === 'RuleStmt')) {
        const info = classifyStatement(k, v, a, depth, executes)
        if (first) {
          rootInfo = info
          first = false
        }
        if (executes && typeof info !== 'string') {
          if (info.action !== undefined) a.note(info.action)
          if (info.ddl === true) a.ddl = true
          if (info.cascade === true) a.cascade = true
          if (info.privilege === true) a.privilege = true
          if (info.action === SqlAction.Drop) a.drop = true
          if (info.action === SqlAction.Truncate) a.truncate = true
        } else if (executes && info === 'select') a.note(SqlAction.Select)
        if (k === 'ExplainStmt') childExecutes = executes && explainAnalyze(v)
        // a view's query, a rule's actions and a function body are stored, not run now
        if (k === 'ViewStmt' || k === 'RuleStmt' || k === 'CreateFunctionStmt') childExecutes = false
      } else if (k === 'FuncCall' && isObj(v)) {
        checkFunction(v, a, depth)
      } else if (k === 'RangeVar' && isObj(v)) {
        const rel = String(v['relname'] ?? '').toLowerCase()
        if (CREDENTIAL_RELATIONS.has(rel)) a.find(SqlRisk.CredentialRead, SqlSeverity.Deny, `${rel} holds password hashes or connection secrets`)
      }
      first = false
      stack.push({ node: v, executes: childExecutes })
    }
  }
  return rootInfo
}

function explainAnalyze(n: Node): boolean {
  const opts = defElems(n['options'])
  if (!opts.has('analyze')) return false
  const v = opts.get('analyze')
  if (v === undefined) return true
  const s = sval(v)
  const c = constOf(v)
  if (s !== undefined) return !['false', 'off', '0', 'no'].includes(s.toLowerCase())
  if (c !== undefined && c.t === 'num') return c.v !== 0
  if (c !== undefined && c.t === 'bool') return c.v
  return true
}

// ---------------------------------------------------------------- standard_conforming_strings

/** The string index of a UTF-8 byte offset (the lexer reports byte offsets). */
function charIndex(text: string, byteOffset: number): number {
  let bytes = 0
  let i = 0
  while (i < text.length && bytes < byteOffset) {
    const cp = text.codePointAt(i) as number
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    i += cp >= 0x10000 ? 2 : 1
  }
  return i
}

/**
 * With `standard_conforming_strings = off` (a server setting the text cannot see) a backslash
 * escapes the next character in a plain `'…'` literal, so `'\''; DROP TABLE t; --'` hides a
 * statement from a parser that reads it the default way. This rewrites every plain literal that
 * contains a backslash as an `E'…'` literal (the backslash-escaping reading) so both readings can be
 * classified; `undefined` when no literal has a backslash or the other reading does not lex.
 */
export function backslashReading(sql: string): string | undefined {
  if (!sql.includes('\\')) return undefined
  let text = sql
  let from = 0
  let changed = false
  for (let i = 0; i < 256; i += 1) {
    const tokens = scanPostgres(text)
    if (tokens === undefined) return undefined
    const lit = tokens.find((t) => t.start >= from && t.tokenName === 'SCONST' && t.text.startsWith("'") && t.text.includes('\\'))
    if (lit === undefined) return changed ? text : undefined
    const at = charIndex(text, lit.start)
    if (/[A-Za-z0-9_$&]/.test(text[at - 1] ?? ' ')) {
      from = lit.end
      continue
    }
    text = `${text.slice(0, at)}E${text.slice(at)}`
    changed = true
    const e = scanPostgres(text)?.find((t) => t.start === lit.start)
    if (e === undefined) return undefined
    from = e.end
  }
  return undefined
}

// ---------------------------------------------------------------- entry points

const SEVERITY_RANK: Readonly<Record<SqlSeverity, number>> = { none: 0, review: 1, deny: 2 }

const CLIENT_ACTION: Readonly<Record<ClientCommand['effect'], SqlAction | undefined>> = {
  select: SqlAction.Select,
  neutral: undefined,
  export: SqlAction.Export,
  insert: SqlAction.Insert,
}

/**
 * Text that is not PostgreSQL: psql/sqlite3 client commands around SQL, or MySQL/SQLite catalog
 * reads. Every piece must be understood, else the parser's error stands.
 */
function analyseClientText(sql: string, a: Analysis, error: string): { ok: true } | { ok: false; error: string } {
  const client = splitClientCommands(sql)
  if (client !== undefined) {
    for (const c of client.commands) {
      const action = CLIENT_ACTION[c.effect]
      if (action !== undefined) a.note(action)
      a.statements += 1
      a.keywords.push(c.text.split(/\s+/)[0] ?? c.text)
      if (c.severity !== 'none') a.find(c.risk ?? SqlRisk.Unknown, c.severity, c.reason ?? c.text)
    }
    if (client.sql.trim() === '' || client.sql.replace(/;/g, '').trim() === '') return { ok: true }
    const parsed = parsePostgres(client.sql)
    if (parsed.ok) {
      walkTree(parsed.tree, a, 0, true)
      return { ok: true }
    }
    return analyseForeign(client.sql, a, parsed.error)
  }
  return analyseForeign(sql, a, error)
}

function analyseForeign(sql: string, a: Analysis, error: string): { ok: true } | { ok: false; error: string } {
  const chunks = sql.split(';').filter((c) => c.trim() !== '')
  const reads = chunks.filter(foreignRead)
  if (reads.length === 0) return { ok: false, error }
  const b = new Analysis()
  for (const chunk of chunks) {
    if (foreignRead(chunk)) {
      b.statements += 1
      b.keywords.push((chunk.trim().split(/\s+/)[0] ?? '').toUpperCase())
      b.note(SqlAction.Select)
      continue
    }
    const parsed = parsePostgres(chunk)
    if (!parsed.ok) return { ok: false, error }
    walkTree(parsed.tree, b, 0, true)
  }
  a.merge(b)
  return { ok: true }
}

function analyse(sql: string, a: Analysis): { ok: true } | { ok: false; error: string } {
  if (sql.trim() === '') return { ok: true }
  const parsed = parsePostgres(sql)
  if (!parsed.ok) return analyseClientText(sql, a, parsed.error)
  walkTree(parsed.tree, a, 0, true)
  const readings: [string | undefined, string][] = [
    [backslashReading(sql), ' (if standard_conforming_strings is off)'],
    [mysqlReading(sql), ' (as MySQL reads comments)'],
  ]
  for (const [other, note] of readings) {
    if (other === undefined) continue
    const alt = parsePostgres(other)
    if (!alt.ok) continue
    const b = new Analysis()
    walkTree(alt.tree, b, 0, true)
    a.merge(b, note)
  }
  return { ok: true }
}

/**
 * MySQL runs what PostgreSQL skips as comments: `/*! … *\/` (executable comments) and `--` not
 * followed by a space (`--1; DROP TABLE t` is `- -1`, then a DROP). The text with those read the
 * MySQL way, so the worse reading counts; `undefined` when there is no such comment.
 */
export function mysqlReading(sql: string): string | undefined {
  if (!sql.includes('/*!') && !/--[^\s]/.test(sql)) return undefined
  let out = sql.replace(/--(?=[^\s])/g, '- -')
  for (let at = out.indexOf('/*!'); at >= 0; at = out.indexOf('/*!')) {
    const end = out.indexOf('*/', at + 3)
    const body = out.slice(at + 3, end < 0 ? undefined : end).replace(/^\d{5,6}/, '')
    out = `${out.slice(0, at)} ${body} ${end < 0 ? '' : out.slice(end + 2)}`
  }
  return out
}

/** Classifies SQL text (PostgreSQL grammar). Total: never throws. */
export function classifySql(sql: string): SqlFacts {
  return classifySqlTexts([sql])
}

/** Classifies several SQL texts that all run (the worst wins); each is parsed on its own. */
export function classifySqlTexts(texts: readonly string[]): SqlFacts {
  const a = new Analysis()
  let parseError: string | undefined
  const total = texts.reduce((n, t) => n + t.length, 0)
  if (total > SQL_MAX_LENGTH) {
    a.find(SqlRisk.Oversized, SqlSeverity.Review, `SQL of ${total} characters is longer than the ${SQL_MAX_LENGTH} permit0 analyses`)
    a.note(SqlAction.Update)
  } else {
    for (const sql of texts) {
      let result: ReturnType<typeof analyse>
      try {
        result = analyse(sql, a)
      } catch (err) {
        result = { ok: false, error: `analysis failed: ${err instanceof Error ? err.message : String(err)}` }
      }
      if (!result.ok) {
        parseError ??= result.error
        a.find(SqlRisk.ParseError, SqlSeverity.Review, `SQL does not parse as PostgreSQL: ${result.error}`)
        a.note(SqlAction.Update)
      }
    }
  }
  const findings = [...a.findings].sort((x, y) => SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity])
  const worst = findings[0]
  const action = a.action ?? SqlAction.Select
  return {
    action,
    statements: a.statements,
    keywords: a.keywords,
    readOnly: action === SqlAction.Select && worst === undefined,
    ddl: a.ddl,
    drop: a.drop,
    truncate: a.truncate,
    unboundedDelete: a.unboundedDelete,
    unboundedUpdate: a.unboundedUpdate,
    cascade: a.cascade,
    privilege: a.privilege,
    parsed: parseError === undefined && total <= SQL_MAX_LENGTH,
    ...(parseError !== undefined ? { parseError } : {}),
    severity: worst?.severity ?? SqlSeverity.None,
    risks: [...new Set(findings.map((f) => f.risk))],
    reason: worst?.reason ?? '',
    findings,
  }
}

export function sqlFactsToJson(f: SqlFacts): JsonObject {
  return {
    action: f.action,
    statements: f.statements,
    keywords: [...f.keywords],
    read_only: f.readOnly,
    ddl: f.ddl,
    drop: f.drop,
    truncate: f.truncate,
    unbounded_delete: f.unboundedDelete,
    unbounded_update: f.unboundedUpdate,
    cascade: f.cascade,
    privilege: f.privilege,
    parsed: f.parsed,
    ...(f.parseError !== undefined ? { parse_error: f.parseError } : {}),
    severity: f.severity,
    deny: f.severity === SqlSeverity.Deny,
    review: f.severity === SqlSeverity.Review,
    risks: [...f.risks],
    reason: f.reason,
  }
}

const NOT_TEXT = 'not_text'

/** The SQL texts an argument carries: a string, or a list of strings; `NOT_TEXT` for anything else. */
function textsOf(v: JsonValue | undefined): string[] | typeof NOT_TEXT {
  if (v === null || v === undefined) return []
  if (typeof v === 'string') return [v]
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[]
  return NOT_TEXT
}

/**
 * Facts over every SQL argument (all of them may run: the worst wins). An argument that is present
 * but not text (number, object, mixed list) is not SQL permit0 can read: review.
 */
function factsOf(args: readonly (JsonValue | undefined)[]): SqlFacts {
  const texts: string[] = []
  let bad: JsonValue | undefined
  for (const v of args) {
    const t = textsOf(v)
    if (t === NOT_TEXT) bad ??= v
    else texts.push(...t)
  }
  const f = classifySqlTexts(texts)
  if (bad === undefined) return f
  const reason = `the SQL argument is a ${Array.isArray(bad) ? 'list' : typeof bad}, not text`
  const finding: SqlFinding = { risk: SqlRisk.ParseError, severity: SqlSeverity.Review, reason }
  const findings = f.severity === SqlSeverity.Deny ? [...f.findings, finding] : [finding, ...f.findings]
  return {
    ...f,
    action: ACTION_RANK[f.action] > ACTION_RANK[SqlAction.Update] ? f.action : SqlAction.Update,
    readOnly: false,
    parsed: false,
    parseError: reason,
    severity: f.severity === SqlSeverity.Deny ? SqlSeverity.Deny : SqlSeverity.Review,
    risks: [...new Set(findings.map((x) => x.risk))],
    reason: (findings[0] as SqlFinding).reason,
    findings,
  }
}

const FACTS_FIELDS = '{action, statements, keywords, read_only, ddl, drop, truncate, unbounded_delete, ' +
  'unbounded_update, cascade, privilege, parsed, parse_error?, severity, deny, review, risks, reason}'

export const SQL_HELPERS: readonly HelperDef[] = [
  {
    name: 'sql_facts',
    arity: 1,
    description:
      `sql_facts(sql) → ${FACTS_FIELDS} over the PostgreSQL parse tree; action is the most dangerous ` +
      'statement as a db.* action type; a list of strings is read as statements that all run.',
    fn: (args) => sqlFactsToJson(factsOf([args[0]])),
  },
  {
    name: 'sql_facts_either',
    arity: 2,
    description:
      'sql_facts_either(a, b) → sql_facts over both arguments (servers differ in which one they run, ' +
      'so both count: the worst wins).',
    fn: (args) => sqlFactsToJson(factsOf([args[0], args[1]])),
  },
  {
    name: 'sql_action_type',
    arity: 1,
    description: 'sql_action_type(sql) → the db.* action type of the most dangerous statement.',
    fn: (args) => factsOf([args[0]]).action,
  },
]
