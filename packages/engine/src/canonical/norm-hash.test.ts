import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JsonObject, JsonValue } from '../types.ts'
import { canonicalJson, normHash, normHashDocument, type NormHashInput } from './norm-hash.ts'

const base = (parameters: JsonObject): NormHashInput => ({
  actionType: 'email.send',
  domain: 'email',
  verb: 'send',
  channel: 'gmail',
  parameters,
})

function shuffleKeys(v: JsonValue, seed: number): JsonValue {
  if (Array.isArray(v)) return v.map((x, i) => shuffleKeys(x, seed + i))
  if (v === null || typeof v !== 'object') return v
  const keys = Object.keys(v)
  const rotated = keys.map((_, i) => keys[(i + seed) % keys.length] as string).reverse()
  const out: JsonObject = {}
  for (const k of rotated) out[k] = shuffleKeys(v[k] as JsonValue, seed + 1)
  return out
}

const jsonValue = fc.jsonValue({ noUnicodeString: false }) as fc.Arbitrary<JsonValue>
const params = fc.dictionary(fc.string(), jsonValue, { maxKeys: 8 })

describe('norm_hash', () => {
  it('documents the canonical form: sorted keys, channel, top-level nulls dropped', () => {
    const doc = normHashDocument(base({ to: 'b@x.com', cc: null, nested: { z: null, a: 1 } }))
    expect(doc).toBe(
      '{"action_type":"email.send","channel":"gmail","domain":"email","parameters":{"nested":{"a":1,"z":null},"to":"b@x.com"},"verb":"send"}',
    )
    expect(normHash(base({}))).toMatch(/^[0-9a-f]{64}$/)
  })

  it('is stable under key reordering at every depth', () => {
    fc.assert(
      fc.property(params, fc.nat(), (p, seed) => {
        expect(normHash(base(shuffleKeys(p, seed) as JsonObject))).toBe(normHash(base(p)))
      }),
    )
  })

  it('changes when any non-null parameter changes', () => {
    fc.assert(
      fc.property(params, fc.string(), jsonValue, jsonValue, (p, key, a, b) => {
        fc.pre(a !== null && b !== null && canonicalJson(a) !== canonicalJson(b))
        expect(normHash(base({ ...p, [key]: a }))).not.toBe(normHash(base({ ...p, [key]: b })))
      }),
    )
  })

  it('changes with action type, channel, or an added parameter', () => {
    const h = normHash(base({ to: 'x' }))
    expect(normHash({ ...base({ to: 'x' }), channel: 'outlook' })).not.toBe(h)
    expect(normHash({ ...base({ to: 'x' }), actionType: 'email.draft', verb: 'draft' })).not.toBe(h)
    expect(normHash(base({ to: 'x', cc: 'y' }))).not.toBe(h)
    expect(normHash(base({ to: 'x', cc: null }))).toBe(h)
  })

  it('uses RFC 8785 number and string forms', () => {
    expect(canonicalJson({ b: 1e21, a: 0.1, c: -0, d: 'é\u0001' })).toBe('{"a":0.1,"b":1e+21,"c":0,"d":"é\\u0001"}')
  })
})
