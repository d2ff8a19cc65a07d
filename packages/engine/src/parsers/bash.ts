/**
 * The bash grammar parser (WASM), loaded once by `initParsers()`. Placeholder until the parser
 * lands: shell analysis does not depend on it yet.
 */
export async function initBashParser(): Promise<void> {}
