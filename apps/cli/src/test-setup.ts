/** Vitest setup: the engine's WASM parsers load once per worker before any test builds an engine. */
import { initParsers } from '@permit0/engine'

await initParsers()
