/**
 * Canonical form and hash of a normalized action (see docs/norm-hash.md):
 * SHA-256 over the RFC 8785 (JCS) serialization of
 * `{action_type, channel, domain, parameters, verb}` with top-level `null` parameters dropped.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import canonicalize from 'canonicalize'
import type { JsonObject, JsonValue } from '../types.ts'

/** The fields of a NormAction that make up its identity. */
export interface NormHashInput {
  readonly actionType: string
  readonly domain: string
  readonly verb: string
  readonly channel: string
  readonly parameters: JsonObject
}

/**
 * Whether `JSON.stringify(value)` already is its RFC 8785 form: every object's keys in ascending
 * UTF-16 order, only finite numbers, strings, booleans and null. (JCS formats numbers and strings
 * exactly as `JSON.stringify` does; it differs only in key order and in refusing NaN/Infinity.)
 */
function inCanonicalOrder(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object': {
      if (value === null) return true
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!inCanonicalOrder(value[i])) return false
        return true
      }
      let prev: string | undefined
      for (const key in value) {
        if (prev !== undefined && !(prev < key)) return false
        prev = key
        if (!inCanonicalOrder((value as Record<string, unknown>)[key])) return false
      }
      return true
    }
    default:
      return false
  }
}

/**
 * RFC 8785 canonical JSON of any JSON value. Throws on non-JSON input (NaN, Infinity, …).
 * Values whose keys are already sorted (normalized parameters are) take the native
 * `JSON.stringify`; the rest go through `canonicalize`.
 */
export function canonicalJson(value: JsonValue): string {
  if (inCanonicalOrder(value)) return JSON.stringify(value)
  const out = canonicalize(value)
  if (out === undefined) throw new TypeError('value has no canonical JSON form')
  return out
}

/**
 * A SHA-256 implementation: UTF-8 bytes of `text` → 64 lowercase hex digits. The engine's default
 * is `sha256Hex` (pure JS, @noble/hashes); Node callers can inject a native one, e.g.
 * `(text) => hash('sha256', text, 'hex')` from `node:crypto` (several times faster).
 */
export type Sha256Hex = (text: string) => string

/**
 * The exact document that is hashed. The five top-level keys are created in their RFC 8785 order
 * (`action_type` < `channel` < `domain` < `parameters` < `verb`), so when the parameters are in
 * canonical order (normalizers emit sorted keys) one native `JSON.stringify` writes the document.
 */
export function normHashDocument(input: NormHashInput): string {
  const source = input.parameters
  let parameters: JsonObject = source
  for (const key in source) {
    const v = source[key]
    if (v === null || v === undefined) {
      parameters = Object.fromEntries(Object.entries(source).filter(([, kept]) => kept !== null && kept !== undefined))
      break
    }
  }
  const doc = {
    action_type: input.actionType,
    channel: input.channel,
    domain: input.domain,
    parameters,
    verb: input.verb,
  }
  return inCanonicalOrder(parameters) ? JSON.stringify(doc) : canonicalJson(doc)
}

/** SHA-256 in pure JS (@noble/hashes): the engine's default `Sha256Hex`. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)))
}

/** Full 64-hex SHA-256 norm_hash (with `sha256`, default the pure-JS `sha256Hex`). */
export function normHash(input: NormHashInput, sha256: Sha256Hex = sha256Hex): string {
  return sha256(normHashDocument(input))
}
