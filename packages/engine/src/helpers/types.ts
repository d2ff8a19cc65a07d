import type { JsonValue } from '../types.ts'

/**
 * A closed helper usable from a normalizer parameter (`compute: <name>`, `args: [paths]`).
 * Arguments arrive as the raw values their paths resolve to (`null` when missing); the result is
 * always inserted. Helpers must be pure and total: never throw, never return `undefined`.
 */
export interface HelperDef {
  readonly name: string
  readonly arity: number
  /** `arity` is a minimum: the helper takes any number of further arguments (`secret_facts`). */
  readonly variadic?: boolean
  readonly description: string
  readonly fn: (args: readonly JsonValue[]) => JsonValue
}

/** `str(i)`: the argument if it is a string, else `""`. */
export function str(args: readonly JsonValue[], i: number): string {
  const v = args[i]
  return typeof v === 'string' ? v : ''
}

const EDGE_WHITESPACE = /^\p{White_Space}+|\p{White_Space}+$/gu

/** Trims Unicode White_Space (unlike `String#trim`, keeps U+FEFF, as Rust does). */
export function trimUnicode(s: string): string {
  return s.replace(EDGE_WHITESPACE, '')
}
