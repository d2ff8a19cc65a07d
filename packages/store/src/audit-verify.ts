import { auditKeyId, GENESIS_HASH, verifyAuditSignature } from './audit-crypto.ts'
import { AuditChainFieldsSchema, type AuditEntryJson, computeEntryHash } from './audit-json.ts'
import type { AuditVerifyResult } from './store.ts'

/**
 * Incremental verifier of an audit chain, in the order entries are fed (oldest first). Checks per
 * entry: shape of the chain fields, the recomputed hash, the signature under the key named by
 * `key_id`, and the link to the previous entry (`sequence` + 1, `prev_hash` = its hash; the entry
 * with sequence 1 must link to 64 zeros).
 */
export interface AuditChainVerifier {
  /** Returns a failure reason, or undefined when the entry is fine. */
  push(value: unknown): string | undefined
  readonly checked: number
}

export function createAuditChainVerifier(publicKeys: readonly string[]): AuditChainVerifier {
  const keys = new Map(publicKeys.map((key) => [auditKeyId(key), key]))
  let previous: { sequence: number; entryHash: string } | undefined
  let checked = 0
  return {
    get checked() {
      return checked
    },
    push(value) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object'
      const chain = AuditChainFieldsSchema.safeParse(value)
      if (!chain.success) {
        const issue = chain.error.issues[0]
        return `missing or malformed ${issue?.path.join('.') || 'field'}: ${issue?.message ?? 'invalid'}`
      }
      const c = chain.data
      if (computeEntryHash(value as AuditEntryJson) !== c.entry_hash) return 'entry_hash does not match its content'
      const key = keys.get(c.key_id)
      if (key === undefined) return `signed by unknown key id ${c.key_id}`
      if (!verifyAuditSignature(c.entry_hash, c.signature, key)) return 'invalid signature'
      if (previous === undefined) {
        if (c.sequence === 1 && c.prev_hash !== GENESIS_HASH) return 'first entry does not link to the genesis hash'
      } else {
        if (c.sequence !== previous.sequence + 1) {
          return `sequence ${c.sequence} does not follow ${previous.sequence}`
        }
        if (c.prev_hash !== previous.entryHash) return `prev_hash does not match entry ${previous.sequence}`
      }
      previous = { sequence: c.sequence, entryHash: c.entry_hash }
      checked += 1
      return undefined
    },
  }
}

/** Verifies parsed entries (oldest first), from a list or a stream. */
export async function verifyAuditChain(
  entries: Iterable<unknown> | AsyncIterable<unknown>,
  publicKeys: readonly string[],
): Promise<AuditVerifyResult> {
  const verifier = createAuditChainVerifier(publicKeys)
  let index = 0
  let first: number | undefined
  let last: number | undefined
  for await (const value of entries) {
    const reason = verifier.push(value)
    const fields = value as { sequence?: unknown; entry_id?: unknown }
    const sequence = typeof fields?.sequence === 'number' ? fields.sequence : undefined
    if (reason !== undefined) {
      return {
        ok: false,
        checked: verifier.checked,
        failure: {
          index,
          reason,
          ...(sequence === undefined ? {} : { sequence }),
          ...(typeof fields?.entry_id === 'string' ? { entryId: fields.entry_id } : {}),
        },
      }
    }
    first ??= sequence
    last = sequence
    index += 1
  }
  return {
    ok: true,
    checked: verifier.checked,
    ...(first === undefined ? {} : { firstSequence: first }),
    ...(last === undefined ? {} : { lastSequence: last }),
  }
}
