/**
 * The PostgreSQL parser (WASM), loaded once by `initParsers()`. Placeholder until the parser
 * lands: SQL analysis does not depend on it yet.
 */
export async function initSqlParser(): Promise<void> {}
