/**
 * WASM parsers the pure analysis helpers use (bash, PostgreSQL). Loading WASM is asynchronous, so
 * every entry point awaits `initParsers()` once before building an engine; afterwards every parse
 * is synchronous. Idempotent: later calls return the same promise.
 */
import { initBashParser } from './bash.ts'
import { initSqlParser } from './sql.ts'

let ready: Promise<void> | undefined

export function initParsers(): Promise<void> {
  ready ??= Promise.all([initBashParser(), initSqlParser()]).then(() => undefined)
  return ready
}
