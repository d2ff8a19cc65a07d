/** Vitest setup: the WASM parsers load once per worker before any test builds an engine. */
import { initParsers } from './parsers/index.ts'

await initParsers()
