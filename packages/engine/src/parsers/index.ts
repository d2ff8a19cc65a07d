/**
 * WASM parsers the pure analysis helpers use (bash, PostgreSQL). Loading WASM is asynchronous, so
 * every entry point awaits `initParsers()` once before building an engine; afterwards every parse
 * is synchronous. Idempotent: later calls return the same promise.
 */
import { initBashParser } from './bash.ts'
import { initSqlParser } from './sql.ts'

let ready: Promise<void> | undefined
let loaded = false

export function initParsers(): Promise<void> {
  ready ??= Promise.all([initBashParser(), initSqlParser()]).then(() => {
    loaded = true
  })
  return ready
}

/** Whether `initParsers()` has completed; `createEngine` refuses to build an engine before. */
export function parsersReady(): boolean {
  return loaded
}
