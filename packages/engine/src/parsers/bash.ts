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
import { Language, Parser, type Node, type ParseOptions, type Tree } from 'web-tree-sitter'

export type { Node as BashNode, Tree as BashTree }

let parser: Parser | undefined
let loading: Promise<void> | undefined

export function initBashParser(): Promise<void> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url)
    // Its runtime's WASM found by package name, not beside web-tree-sitter's own module, so a
    // bundle that inlines web-tree-sitter (the CLI's hook) still loads it.
    const runtime = require.resolve('web-tree-sitter/tree-sitter.wasm')
    await Parser.init({ locateFile: (file: string, prefix: string) => (file === 'tree-sitter.wasm' ? runtime : prefix + file) })
    const wasm = require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')
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
 * Parser progress ticks (tree-sitter calls back roughly every 0.5–1 ms of work on this machine)
 * after which a parse is abandoned. Ordinary commands, even 16 KB here-documents, take none;
 * pathological inputs (tens of thousands of tokens, hundreds of nesting levels) are cut off in
 * bounded time without reading a clock.
 */
export const MAX_PARSE_TICKS = 100

export type BashParse =
  | { readonly ok: true; readonly tree: Tree }
  | { readonly ok: false; readonly reason: 'not_loaded' | 'too_costly' | 'failed' }

/** Parses bash text. The caller must `delete()` the tree when done (WASM memory). */
export function parseBash(text: string, maxTicks: number = MAX_PARSE_TICKS): BashParse {
  if (parser === undefined) return { ok: false, reason: 'not_loaded' }
  let ticks = 0
  try {
    const tree = parser.parse(text, null, {
      progressCallback: () => {
        ticks += 1
        return ticks > maxTicks
      },
    } as ParseOptions)
    if (tree === null) return { ok: false, reason: ticks > maxTicks ? 'too_costly' : 'failed' }
    return { ok: true, tree }
  } catch {
    return { ok: false, reason: 'failed' }
  }
}
