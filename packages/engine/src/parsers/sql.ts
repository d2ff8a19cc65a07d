/**
 * The PostgreSQL parser: libpg-query, the server's own grammar (PostgreSQL 18) compiled to WASM.
 * `initSqlParser()` (awaited once through `initParsers()`) instantiates the module; afterwards every
 * parse is synchronous. Before that, and whenever the parser throws, callers get a failed result and
 * must fail closed. Why libpg-query rather than @pgsql/parser: docs/packs.md.
 */
import { loadModule, parsePlPgSQLSync, parseSync, scanSync } from 'libpg-query'

/** A parsed statement list as libpg-query's JSON: `{ stmts: [{ stmt: { SelectStmt: {…} } }] }`. */
export type PgJson = Readonly<Record<string, unknown>>

export type PgParseResult =
  | { readonly ok: true; readonly tree: PgJson }
  | { readonly ok: false; readonly error: string }

/** A lexical token: UTF-8 byte offsets into the text, its text and the grammar's token name (`SCONST`, …). */
export interface PgToken {
  readonly start: number
  readonly end: number
  readonly text: string
  readonly tokenName: string
}

let loaded = false

export async function initSqlParser(): Promise<void> {
  await loadModule()
  loaded = true
}

/** Whether `initSqlParser()` has completed (parsing before that fails closed). */
export function sqlParserLoaded(): boolean {
  return loaded
}

const NOT_LOADED: PgParseResult = { ok: false, error: 'the PostgreSQL parser is not loaded (initParsers() was not awaited)' }

function failure(err: unknown): PgParseResult {
  const message = err instanceof Error ? err.message : String(err)
  return { ok: false, error: message === '' ? 'the PostgreSQL parser failed' : message }
}

/** Parses SQL text into its statement list. Never throws. */
export function parsePostgres(sql: string): PgParseResult {
  if (!loaded) return NOT_LOADED
  try {
    return { ok: true, tree: parseSync(sql) as unknown as PgJson }
  } catch (err) {
    return failure(err)
  }
}

/** Parses a PL/pgSQL body given as a `DO` or `CREATE FUNCTION … LANGUAGE plpgsql` statement. */
export function parsePlpgsql(sql: string): PgParseResult {
  if (!loaded) return NOT_LOADED
  try {
    return { ok: true, tree: parsePlPgSQLSync(sql) as unknown as PgJson }
  } catch (err) {
    return failure(err)
  }
}

/** The lexer's tokens, or `undefined` when the text does not lex (or the parser is not loaded). */
export function scanPostgres(sql: string): readonly PgToken[] | undefined {
  if (!loaded) return undefined
  try {
    return scanSync(sql).tokens
  } catch {
    return undefined
  }
}
