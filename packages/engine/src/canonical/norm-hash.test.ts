import { hash } from 'node:crypto'
import canonicalize from 'canonicalize'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JsonObject, JsonValue } from '../types.ts'
import { canonicalJson, normHash, normHashDocument, sha256Hex, type NormHashInput } from './norm-hash.ts'

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
  // fromEntries keeps an own `__proto__` key (as JSON.parse does); assignment would drop it.
  return Object.fromEntries(rotated.map((k) => [k, shuffleKeys(v[k] as JsonValue, seed + 1)]))
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

  it('writes the same document as canonicalJson of the whole object (nulls dropped)', () => {
    const name = fc.string({ unit: 'binary' })
    fc.assert(
      fc.property(name, name, name, name, params, (actionType, domain, verb, channel, p) => {
        const kept = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null))
        const whole = canonicalize({ action_type: actionType, channel, domain, parameters: kept, verb })
        expect(normHashDocument({ actionType, domain, verb, channel, parameters: p })).toBe(whole)
      }),
    )
  })

  it('an injected node:crypto SHA-256 gives the same hashes as the pure-JS default', () => {
    const native = (text: string): string => hash('sha256', text, 'hex')
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(native(text)).toBe(sha256Hex(text))
      }),
    )
    fc.assert(
      fc.property(params, (p) => {
        expect(normHash(base(p), native)).toBe(normHash(base(p)))
      }),
    )
    // A wrong implementation is visible (the injected function is really used).
    expect(normHash(base({}), () => 'x')).toBe('x')
  })

  it('canonicalJson equals the canonicalize library, with keys in any order or already sorted', () => {
    const sortDeep = (v: JsonValue): JsonValue => {
      if (Array.isArray(v)) return v.map(sortDeep)
      if (v === null || typeof v !== 'object') return v
      // fromEntries keeps an own `__proto__` key; `out[k] = …` would call the prototype setter.
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k] as JsonValue)]))
    }
    const anyJson = fc.jsonValue({ noUnicodeString: false, maxDepth: 4 }) as fc.Arbitrary<JsonValue>
    fc.assert(
      fc.property(anyJson, (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v))
        expect(canonicalJson(sortDeep(v))).toBe(canonicalize(v))
      }),
      { numRuns: 500 },
    )
    // Integer-like keys: Object.keys puts them first in numeric order; JCS wants UTF-16 order.
    expect(canonicalJson({ 10: 'a', 9: 'b', a: 1 })).toBe('{"10":"a","9":"b","a":1}')
    expect(() => canonicalJson({ a: Number.NaN })).toThrow()
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow()
  })

  it('uses RFC 8785 number and string forms', () => {
    expect(canonicalJson({ b: 1e21, a: 0.1, c: -0, d: 'é\u0001' })).toBe('{"a":0.1,"b":1e+21,"c":0,"d":"é\\u0001"}')
  })
})
