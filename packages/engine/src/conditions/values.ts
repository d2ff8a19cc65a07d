/** JSON value semantics shared by conditions, coercion and helpers. */
import type { JsonObject, JsonValue } from '../types.ts'

const F64_GRAMMAR = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const F64_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i

/**
 * Parses a string with Rust's `f64::from_str` grammar: optional sign, digits with optional `.`,
 * optional exponent, or `inf`/`infinity`/`nan` in any case. No whitespace, hex or `_`.
 * Returns `undefined` when the string is not a number.
 */
export function parseF64(s: string): number | undefined {
  if (F64_GRAMMAR.test(s)) return Number(s)
  if (F64_SPECIAL.test(s)) {
    const neg = s.startsWith('-')
    if (/nan/i.test(s)) return Number.NaN
    return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  }
  return undefined
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Text form of a scalar for string operators; arrays, objects and null have none. */
export function asString(v: JsonValue | undefined): string | undefined {
  switch (typeof v) {
    case 'string':
      return v
    case 'number':
      return String(v)
    case 'boolean':
      return v ? 'true' : 'false'
    default:
      return undefined
  }
}

/** Numeric view for `gt`/`gte`/`lt`/`lte`: numbers, or strings in the f64 grammar. */
export function asNumber(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string') return parseF64(v)
  return undefined
}

/**
 * JSON-aware equality: string vs number compares numerically (|Δ| < f64 epsilon), everything
 * else structurally. JS numbers cannot tell `5` from `5.0`, so they are equal here (documented
 * divergence from the reference's strict int/float rule).
 */
export function valuesEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  const ta = typeof a
  const tb = typeof b
  if (ta === 'string' && tb === 'number') return looseNumEq(a as string, b as number)
  if (ta === 'number' && tb === 'string') return looseNumEq(b as string, a as number)
  if (a === null || b === null || ta !== 'object' || tb !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!strictEqual(a[i] as JsonValue, b[i] as JsonValue)) return false
    return true
  }
  if (Array.isArray(b)) return false
  return objectsEqual(a as JsonObject, b as JsonObject)
}

/** Structural equality without string/number looseness (used inside arrays and objects). */
export function strictEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!strictEqual(a[i] as JsonValue, b[i] as JsonValue)) return false
    return true
  }
  if (Array.isArray(b)) return false
  return objectsEqual(a as JsonObject, b as JsonObject)
}

function objectsEqual(a: JsonObject, b: JsonObject): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false
    if (!strictEqual(a[k] as JsonValue, b[k] as JsonValue)) return false
  }
  return true
}

function looseNumEq(s: string, n: number): boolean {
  const parsed = parseF64(s)
  return parsed !== undefined && Math.abs(parsed - n) < Number.EPSILON
}
