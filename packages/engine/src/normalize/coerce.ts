/** Parameter type coercion and string transforms (reference semantics; docs/packs-format.md). */
import { parseF64 } from '../conditions/values.ts'
import { trimUnicode } from '../helpers/types.ts'
import type { JsonValue } from '../types.ts'

export const PARAMETER_TYPES = [
  'string', 'number', 'int', 'integer', 'float', 'bool', 'boolean', 'list',
] as const
export type ParameterType = (typeof PARAMETER_TYPES)[number]

export type Coercion = (v: JsonValue) => JsonValue

const toStringValue: Coercion = (v) => {
  switch (typeof v) {
    case 'number':
      return String(v)
    case 'boolean':
      return v ? 'true' : 'false'
    default:
      return v
  }
}

const toNumber: Coercion = (v) => {
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string') {
    const n = parseF64(v)
    return n === undefined || !Number.isFinite(n) ? null : n
  }
  return null
}

const toBool: Coercion = (v) => {
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string') {
    if (v === 'true' || v === '1' || v === 'yes') return true
    if (v === 'false' || v === '0' || v === 'no' || v === '') return false
    return null
  }
  return null
}

/** The coercion for a declared `type`; `undefined` means "leave the value as is". */
export function coercionFor(type: ParameterType | undefined): Coercion | undefined {
  switch (type) {
    case 'string':
      return toStringValue
    case 'number':
    case 'int':
    case 'integer':
    case 'float':
      return toNumber
    case 'bool':
    case 'boolean':
      return toBool
    default:
      return undefined
  }
}

export interface Transforms {
  readonly trim?: boolean
  readonly lowercase?: boolean
  readonly uppercase?: boolean
}

/** trim, then lowercase, then uppercase; only on strings. `undefined` when none are set. */
export function transformFor(t: Transforms): Coercion | undefined {
  if (!t.trim && !t.lowercase && !t.uppercase) return undefined
  return (v) => {
    if (typeof v !== 'string') return v
    let s = v
    if (t.trim) s = trimUnicode(s)
    if (t.lowercase) s = s.toLowerCase()
    if (t.uppercase) s = s.toUpperCase()
    return s
  }
}
