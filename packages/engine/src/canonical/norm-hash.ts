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

/** RFC 8785 canonical JSON of any JSON value. Throws on non-JSON input (NaN, Infinity, …). */
export function canonicalJson(value: JsonValue): string {
  const out = canonicalize(value)
  if (out === undefined) throw new TypeError('value has no canonical JSON form')
  return out
}

/** The exact document that is hashed. */
export function normHashDocument(input: NormHashInput): string {
  const parameters: JsonObject = {}
  for (const key of Object.keys(input.parameters)) {
    const v = input.parameters[key]
    if (v !== null && v !== undefined) parameters[key] = v
  }
  return canonicalJson({
    action_type: input.actionType,
    channel: input.channel,
    domain: input.domain,
    parameters,
    verb: input.verb,
  })
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)))
}

/** Full 64-hex SHA-256 norm_hash. */
export function normHash(input: NormHashInput): string {
  return sha256Hex(normHashDocument(input))
}
