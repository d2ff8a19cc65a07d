import { decodeTime, isValid, monotonicFactory } from 'ulid'
import { describe, expect, it } from 'vitest'
import { createPooledPrng } from '../src/ulid-prng.ts'

describe('createPooledPrng', () => {
  it('returns bytes / 256 in [0, 1) and refills its pool when used up', () => {
    const prng = createPooledPrng(8)
    const values = Array.from({ length: 40 }, () => prng())
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThan(1)
      expect(Number.isInteger(v * 256)).toBe(true)
    }
    // five pools of 8 bytes: not all the same (a stuck pool would repeat itself)
    expect(new Set(values.map((v) => v * 256)).size).toBeGreaterThan(8)
  })

  it('covers every ULID character about evenly', () => {
    const prng = createPooledPrng()
    const counts = new Array<number>(32).fill(0)
    const draws = 32 * 2_000
    for (let i = 0; i < draws; i++) counts[Math.floor(prng() * 32)]! += 1
    for (const n of counts) expect(Math.abs(n - 2_000)).toBeLessThan(400)
  })

  it('gives monotonic ULIDs of the usual format through monotonicFactory', () => {
    const next = monotonicFactory(createPooledPrng(64))
    const now = Date.now()
    const ids = Array.from({ length: 1_000 }, () => next(now))
    for (const id of ids) {
      expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
      expect(isValid(id)).toBe(true)
      expect(decodeTime(id)).toBe(now)
    }
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    const later = next(now + 1)
    expect(later > ids[ids.length - 1]!).toBe(true)
  })
})
