/**
 * WASM parsers the pure analysis helpers use (bash, PostgreSQL). Loading WASM is asynchronous, so
 * every entry point awaits `initParsers()` once before building an engine; afterwards every parse
 * is synchronous. Idempotent: later calls return the same promise.
 *
 * `{ sql: false }` skips the PostgreSQL parser (two thirds of the load time) for a process that
 * decides one call which carries no SQL (the local hook). That is safe because SQL analysis fails
 * closed without its parser: any SQL met anyway needs a person, never allow.
 */
import { initBashParser } from './bash.ts'
import { initSqlParser } from './sql.ts'

export interface InitParsersOptions {
  /** Load the PostgreSQL parser too (default true). */
  readonly sql?: boolean
}

let bash: Promise<void> | undefined
let sql: Promise<void> | undefined
let loaded = false

export function initParsers(options: InitParsersOptions = {}): Promise<void> {
  bash ??= initBashParser()
  if (options.sql !== false) sql ??= initSqlParser()
  return Promise.all([bash, sql]).then(() => {
    loaded = true
  })
}

/** Whether `initParsers()` has completed; `createEngine` refuses to build an engine before. */
export function parsersReady(): boolean {
  return loaded
}
