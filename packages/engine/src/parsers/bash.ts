/**
 * The bash grammar parser: tree-sitter-bash (its prebuilt `tree-sitter-bash.wasm`) run by
 * web-tree-sitter. Loading WASM is asynchronous IO, so it happens once in `initBashParser()`
 * (awaited by `initParsers()` before an engine is built); afterwards `parseBash()` is synchronous
 * and pure. Before the parser is loaded `parseBash()` returns `undefined`, and shell analysis then
 * fails closed (parse_error → a person decides), never allow.
 *
 * Why tree-sitter-bash over mvdan/sh (sh-syntax): both read the whole bash grammar (here-documents,
 * arithmetic, `case`, process substitution, comments) correctly on our corpus, but sh-syntax's
 * parse is asynchronous (a Go WASM round trip through JSON, ≈ 8.6 ms per command measured here)
 * while tree-sitter parses synchronously in ≈ 20–30 µs — the engine is synchronous and the hook
 * pays for every call. tree-sitter marks text it cannot read with ERROR/MISSING nodes instead of
 * throwing, which we turn into `parse_error`.
 */
import { createRequire } from 'node:module'
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter'

export type { Node as BashNode, Tree as BashTree }

let parser: Parser | undefined
let loading: Promise<void> | undefined

export function initBashParser(): Promise<void> {
  loading ??= (async () => {
    await Parser.init()
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm')
    const language = await Language.load(wasm)
    const p = new Parser()
    p.setLanguage(language)
    parser = p
  })()
  return loading
}

/** Whether `initBashParser()` has finished. */
export function bashParserReady(): boolean {
  return parser !== undefined
}

/**
 * Parses bash text. Returns `undefined` when the parser is not loaded or parsing was abandoned.
 * The caller must `delete()` the tree when done (WASM memory).
 */
export function parseBash(text: string): Tree | undefined {
  if (parser === undefined) return undefined
  try {
    return parser.parse(text) ?? undefined
  } catch {
    return undefined
  }
}
