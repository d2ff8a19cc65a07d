import { auditKeyId, GENESIS_HASH, verifyAuditSignature } from './audit-crypto.ts'
import { AuditChainFieldsSchema, type AuditEntryJson, computeEntryHash } from './audit-json.ts'
import type { AuditVerifyFailure, AuditVerifyResult } from './store.ts'

/**
 * Incremental verifier of an audit chain, in the order entries are fed (oldest first). Checks per
 * entry: shape of the chain fields, the recomputed hash, and the link to the previous entry
 * (`sequence` + 1, `prev_hash` = its hash; the entry with sequence 1 must link to 64 zeros).
 *
 * Signatures (docs/audit.md §3): a signed entry's ed25519 signature over its `entry_hash` covers it
 * and, through the chain, every unsigned entry since the previous signed one — its batch. Every
 * entry of a batch must name the key that signs it; an entry marked `batch_end` must be signed;
 * entries still unsigned when the input ends are reported by `finish()`. Chains written before
 * batch signatures (every entry signed, no `batch_end`) are batches of one.
 */
export interface AuditChainVerifier {
  /** Returns a failure reason, or undefined when the entry is fine so far. */
  push(value: unknown): string | undefined
  /**
   * After the last entry: the failure when trailing entries are not covered by a signature
   * (`index` is the 0-based position of the first of them among the pushed entries).
   */
  finish(): AuditVerifyFailure | undefined
  /** Entries verified, signature included (entries awaiting their batch signature excluded). */
  readonly checked: number
  /** Entries pushed and linked but still awaiting the signature of their batch. */
  readonly uncovered: number
}

interface Pending {
  readonly index: number
  readonly sequence: number
  readonly entryId: string
  readonly keyId: string
  count: number
}

const range = (from: number, to: number): string => (from === to ? `entry ${to}` : `entries ${from}–${to}`)

export function createAuditChainVerifier(publicKeys: readonly string[]): AuditChainVerifier {
  const keys = new Map(publicKeys.map((key) => [auditKeyId(key), key]))
  let previous: { sequence: number; entryHash: string } | undefined
  let pending: Pending | undefined
  let checked = 0
  let index = -1
  return {
    get checked() {
      return checked
    },
    get uncovered() {
      return pending?.count ?? 0
    },
    push(value) {
      index += 1
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object'
      const chain = AuditChainFieldsSchema.safeParse(value)
      if (!chain.success) {
        const issue = chain.error.issues[0]
        return `missing or malformed ${issue?.path.join('.') || 'field'}: ${issue?.message ?? 'invalid'}`
      }
      const c = chain.data
      if (computeEntryHash(value as AuditEntryJson) !== c.entry_hash) return 'entry_hash does not match its content'
      if (previous === undefined) {
        if (c.sequence === 1 && c.prev_hash !== GENESIS_HASH) return 'first entry does not link to the genesis hash'
      } else {
        if (c.sequence !== previous.sequence + 1) {
          return `sequence ${c.sequence} does not follow ${previous.sequence}`
        }
        if (c.prev_hash !== previous.entryHash) return `prev_hash does not match entry ${previous.sequence}`
      }
      if (!keys.has(c.key_id)) return `signed by unknown key id ${c.key_id}`
      if (pending !== undefined && pending.keyId !== c.key_id) {
        return `key id ${c.key_id} differs from key id ${pending.keyId} of the unsigned ${range(pending.sequence, c.sequence - 1)} before it in its batch`
      }
      previous = { sequence: c.sequence, entryHash: c.entry_hash }
      if (c.signature === undefined) {
        if (c.batch_end === true) return 'ends a batch but carries no signature (batch signature removed)'
        if (pending === undefined) {
          pending = { index, sequence: c.sequence, entryId: c.entry_id, keyId: c.key_id, count: 1 }
        } else {
          pending.count += 1
        }
        return undefined
      }
      const covered = pending === undefined ? range(c.sequence, c.sequence) : range(pending.sequence, c.sequence)
      if (!verifyAuditSignature(c.entry_hash, c.signature, keys.get(c.key_id) as string)) {
        return pending === undefined && c.batch_end === undefined
          ? 'invalid signature'
          : `invalid batch signature (it covers ${covered})`
      }
      checked += 1 + (pending?.count ?? 0)
      pending = undefined
      return undefined
    },
    finish() {
      if (pending === undefined) return undefined
      return {
        index: pending.index,
        sequence: pending.sequence,
        entryId: pending.entryId,
        reason: `${range(pending.sequence, pending.sequence + pending.count - 1)} are not covered by any batch signature (the input ends inside a batch, or its signed last entry was removed)`,
      }
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
  const failure = verifier.finish()
  if (failure !== undefined) return { ok: false, checked: verifier.checked, failure }
  return {
    ok: true,
    checked: verifier.checked,
    ...(first === undefined ? {} : { firstSequence: first }),
    ...(last === undefined ? {} : { lastSequence: last }),
  }
}
