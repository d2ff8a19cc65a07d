/**
 * SQL statement classification for database MCP servers and `psql -c`-style shell commands.
 * A small lexer (strings, quoted identifiers, dollar quotes and comments are skipped) splits the
 * text into statements and reads their leading keywords; it does not need a full grammar to tell
 * reads from writes, DDL and privilege changes, or to notice a DELETE/UPDATE without WHERE.
 * Unrecognised statements classify as writes (`db.update`), never as reads.
 */
import type { JsonObject, JsonValue } from '../types.ts'
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

export interface SqlStatement {
  readonly action: SqlAction
  /** First keyword, uppercase (`SELECT`, `DROP`, …). */
  readonly keyword: string
  readonly unbounded: boolean
  readonly cascade: boolean
}

export interface SqlFacts {
  /** The most dangerous statement's action type; `db.select` for empty input. */
  readonly action: SqlAction
  readonly statements: number
  readonly keywords: readonly string[]
  readonly readOnly: boolean
  readonly ddl: boolean
  readonly drop: boolean
  readonly truncate: boolean
  /** DELETE without WHERE (or with an always-true WHERE). */
  readonly unboundedDelete: boolean
  /** UPDATE without WHERE (or with an always-true WHERE). */
  readonly unboundedUpdate: boolean
  readonly cascade: boolean
  readonly privilege: boolean
}

/** Splits into statements of uppercase words and symbols, dropping literals and comments. */
export function tokenizeSql(sql: string): string[][] {
  const statements: string[][] = []
  let current: string[] = []
  let i = 0
  const n = sql.length
  const push = (tok: string): void => {
    current.push(tok)
  }
  while (i < n) {
    const c = sql[i] as string
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i)
      i = nl < 0 ? n : nl + 1
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? n : end + 2
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < n) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2
          else break
        } else if (sql[j] === '\\' && c === "'") j += 2
        else j += 1
      }
      push(c === "'" ? "'literal'" : 'IDENT')
      i = j + 1
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))
      if (tag === null) {
        i += 1
        continue
      }
      const end = sql.indexOf(tag[0], i + tag[0].length)
      push("'literal'")
      i = end < 0 ? n : end + tag[0].length
    } else if (c === ';') {
      if (current.length > 0) statements.push(current)
      current = []
      i += 1
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 128)) as RegExpExecArray
      push(m[0].toUpperCase())
      i += m[0].length
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9.]+/.exec(sql.slice(i, i + 64)) as RegExpExecArray
      push(m[0])
      i += m[0].length
    } else if (/\s/.test(c)) {
      i += 1
    } else {
      push(c)
      i += 1
    }
  }
  if (current.length > 0) statements.push(current)
  return statements
}

const READ_KEYWORDS = new Set(['SELECT', 'SHOW', 'DESCRIBE', 'DESC', 'VALUES', 'TABLE', 'PRAGMA'])
const NEUTRAL_KEYWORDS = new Set(['BEGIN', 'COMMIT', 'ROLLBACK', 'START', 'END', 'SAVEPOINT',
  'RELEASE', 'SET', 'RESET', 'USE', 'LISTEN', 'UNLISTEN', 'DECLARE', 'FETCH', 'CLOSE', 'ABORT'])
const WRITE_WORDS = ['INSERT', 'UPDATE', 'DELETE', 'MERGE']

/** `WHERE` absent or trivially true (`WHERE 1=1`, `WHERE TRUE`). */
function unboundedWhere(tokens: readonly string[]): boolean {
  const w = tokens.indexOf('WHERE')
  if (w < 0) return true
  const a = tokens[w + 1]
  const b = tokens[w + 2]
  const c = tokens[w + 3]
  const end = tokens[w + 4]
  const trivialEnd = end === undefined || end === 'RETURNING' || end === ')'
  if (a === 'TRUE' && (b === undefined || b === 'RETURNING')) return true
  return a !== undefined && a === c && b === '=' && /^[0-9]+$/.test(a) && trivialEnd
}

function classifyTokens(tokens: readonly string[], depth = 0): SqlStatement | undefined {
  let k = 0
  while (tokens[k] === '(') k += 1
  const keyword = tokens[k]
  if (keyword === undefined || NEUTRAL_KEYWORDS.has(keyword)) return undefined
  const rest = tokens.slice(k + 1)
  const has = (w: string): boolean => rest.includes(w)
  const cascade = has('CASCADE')
  const mk = (action: SqlAction, unbounded = false): SqlStatement => ({ action, keyword, unbounded, cascade })
  switch (keyword) {
    case 'WITH': {
      // A CTE may wrap a data-modifying statement.
      const inner = WRITE_WORDS.find((w) => has(w))
      if (inner === undefined) return mk(SqlAction.Select)
      const at = rest.lastIndexOf(inner)
      return classifyTokens(rest.slice(at), depth + 1) ?? mk(SqlAction.Update)
    }
    case 'EXPLAIN': {
      if (!has('ANALYZE') || depth > 0) return mk(SqlAction.Select)
      const inner = WRITE_WORDS.find((w) => has(w))
      return inner === undefined ? mk(SqlAction.Select) : classifyTokens(rest.slice(rest.indexOf(inner)), depth + 1)
    }
    case 'SELECT':
      if (!has('INTO')) return mk(SqlAction.Select)
      return has('OUTFILE') || has('DUMPFILE') ? mk(SqlAction.Export) : mk(SqlAction.Create)
    case 'INSERT':
    case 'REPLACE':
    case 'UPSERT':
      return mk(SqlAction.Insert)
    case 'UPDATE':
      return mk(SqlAction.Update, unboundedWhere(rest))
    case 'MERGE':
    case 'DO':
    case 'CALL':
    case 'EXEC':
    case 'EXECUTE':
      return mk(SqlAction.Update)
    case 'DELETE':
      return mk(SqlAction.Delete, unboundedWhere(rest))
    case 'COPY':
      return has('TO') && !has('FROM') ? mk(SqlAction.Export) : mk(SqlAction.Insert)
    case 'CREATE':
      return has('ROLE') || has('USER') ? mk(SqlAction.GrantAccess) : mk(SqlAction.Create)
    case 'ALTER':
      if (rest[0] === 'ROLE' || rest[0] === 'USER') return mk(SqlAction.GrantAccess)
      return mk(SqlAction.Alter)
    case 'RENAME':
    case 'COMMENT':
    case 'VACUUM':
    case 'ANALYZE':
    case 'REINDEX':
    case 'CLUSTER':
    case 'LOCK':
    case 'REFRESH':
      return mk(SqlAction.Alter)
    case 'DROP':
      return mk(SqlAction.Drop)
    case 'TRUNCATE':
      return mk(SqlAction.Truncate)
    case 'GRANT':
      return mk(SqlAction.GrantAccess)
    case 'REVOKE':
      return mk(SqlAction.RevokeAccess)
    default:
      return READ_KEYWORDS.has(keyword) ? mk(SqlAction.Select) : mk(SqlAction.Update)
  }
}

export function classifySql(sql: string): SqlFacts {
  const statements = tokenizeSql(sql)
    .map((t) => classifyTokens(t))
    .filter((s): s is SqlStatement => s !== undefined)
  let action: SqlAction = SqlAction.Select
  for (const s of statements) if (ACTION_RANK[s.action] > ACTION_RANK[action]) action = s.action
  const actions = new Set(statements.map((s) => s.action))
  return {
    action,
    statements: statements.length,
    keywords: statements.map((s) => s.keyword),
    readOnly: statements.every((s) => s.action === SqlAction.Select),
    ddl: statements.some((s) => s.action === SqlAction.Create || s.action === SqlAction.Alter ||
      s.action === SqlAction.Drop || s.action === SqlAction.Truncate),
    drop: actions.has(SqlAction.Drop),
    truncate: actions.has(SqlAction.Truncate),
    unboundedDelete: statements.some((s) => s.action === SqlAction.Delete && s.unbounded),
    unboundedUpdate: statements.some((s) => s.action === SqlAction.Update && s.keyword === 'UPDATE' && s.unbounded),
    cascade: statements.some((s) => s.cascade),
    privilege: actions.has(SqlAction.GrantAccess) || actions.has(SqlAction.RevokeAccess),
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
  }
}

function sqlText(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : ''
}

export const SQL_HELPERS: readonly HelperDef[] = [
  {
    name: 'sql_facts',
    arity: 1,
    description:
      'sql_facts(sql) → {action, statements, keywords, read_only, ddl, drop, truncate, ' +
      'unbounded_delete, unbounded_update, cascade, privilege}; action is the most dangerous ' +
      'statement as a db.* action type.',
    fn: (args) => sqlFactsToJson(classifySql(sqlText(args[0]))),
  },
  {
    name: 'sql_action_type',
    arity: 1,
    description: 'sql_action_type(sql) → the db.* action type of the most dangerous statement.',
    fn: (args) => classifySql(sqlText(args[0])).action,
  },
]
