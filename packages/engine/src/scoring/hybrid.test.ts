import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Tier } from '../types.ts'
import { AMP_CEILINGS, AMP_DIMS, RISK_FLAGS, tierRank } from './constants.ts'
import { DEFAULT_SCORING_CONFIG } from './config.ts'
import { createHybridScorer, routeTier } from './hybrid.ts'
import { createTemplate, FlagRole, gateTemplate, type RiskTemplate } from './template.ts'

const scorer = createHybridScorer(DEFAULT_SCORING_CONFIG)

function tpl(flags: string[], amps: Record<string, number>, fixed?: Tier): RiskTemplate {
  return createTemplate(
    flags.map((f) => [f, FlagRole.Primary] as const),
    Object.entries(amps),
    fixed,
  )
}

describe('hybrid scorer — worked examples', () => {
  it.each([
    {
      name: 'internal send',
      flags: ['OUTBOUND', 'MUTATION', 'EXPOSURE'],
      amps: { scope: 18, irreversibility: 18, sensitivity: 14, destination: 28, boundary: 14 },
      raw: 0.1675,
      score: 17,
      tier: Tier.Low,
    },
    {
      name: 'external send',
      flags: ['OUTBOUND', 'MUTATION', 'EXPOSURE', 'GOVERNANCE', 'PRIVILEGE'],
      amps: { scope: 30, irreversibility: 18, sensitivity: 20, destination: 36, boundary: 14 },
      raw: 0.426,
      score: 43,
      tier: Tier.Medium,
    },
    {
      name: 'mark spam knife edge (unrounded 0.14899 stays MINIMAL)',
      flags: ['MUTATION', 'GOVERNANCE', 'EXPOSURE'],
      amps: { scope: 18, irreversibility: 14, boundary: 8 },
      raw: 0.149,
      score: 15,
      tier: Tier.Minimal,
    },
    {
      name: 'credentials to internal recipient',
      flags: ['OUTBOUND', 'MUTATION', 'EXPOSURE', 'GOVERNANCE', 'PRIVILEGE'],
      amps: { scope: 32, irreversibility: 18, sensitivity: 28, destination: 28, boundary: 17 },
      raw: 0.4377,
      score: 44,
      tier: Tier.Medium,
    },
    { name: 'no flags', flags: [], amps: { scope: 35, amount: 30 }, raw: 0, score: 0, tier: Tier.Minimal },
  ] as { name: string; flags: string[]; amps: Record<string, number>; raw: number; score: number; tier: Tier }[])(
    '$name',
    ({ flags, amps, raw, score, tier }) => {
    const r = scorer.score(tpl(flags, amps), 'email.send')
    expect(r).toMatchObject({ raw, score, tier, blocked: false })
    expect(r.flags).toEqual(flags)
    },
  )

  it('blocks classified external sends with the built-in reason', () => {
    const r = scorer.score(
      tpl(['OUTBOUND', 'MUTATION', 'EXPOSURE', 'GOVERNANCE', 'PRIVILEGE'], {
        scope: 35,
        irreversibility: 18,
        sensitivity: 34,
        destination: 36,
        boundary: 17,
      }),
    )
    expect(r).toEqual({
      raw: 1,
      score: 100,
      tier: Tier.Critical,
      flags: ['OUTBOUND', 'MUTATION', 'EXPOSURE', 'GOVERNANCE', 'PRIVILEGE'],
      blocked: true,
      blockReason: 'Highly sensitive data sent to untrusted external destination',
    })
    expect(routeTier(r)).toBe('deny')
  })

  it('a template gate beats block rules and fixed tiers', () => {
    const t = tpl(['GOVERNANCE'], {}, Tier.High)
    gateTemplate(t, 'first')
    gateTemplate(t, 'second')
    expect(scorer.score(t)).toMatchObject({ blocked: true, blockReason: 'second', tier: 'CRITICAL' })
  })

  it('fixed tier reports its midpoint and ignores splits', () => {
    const t = tpl(['MUTATION', 'GOVERNANCE'], {}, Tier.High)
    t.children.push(tpl(['DESTRUCTION'], { irreversibility: 20 }))
    expect(scorer.score(t)).toMatchObject({ raw: 0.65, score: 65, tier: 'HIGH', blocked: false })
  })

  it('a riskier split child replaces the parent, a weaker one does not', () => {
    const t = tpl(['MUTATION'], { scope: 3 })
    t.children.push(tpl(['MUTATION'], {}))
    expect(scorer.score(t).raw).toBeCloseTo(0.0233, 4)
    t.children.push(tpl(['DESTRUCTION'], { irreversibility: 20 }))
    expect(scorer.score(t)).toMatchObject({ blocked: true, flags: ['DESTRUCTION'] })
  })

  it('applies action-type floors without changing raw or score', () => {
    const s = createHybridScorer({ ...DEFAULT_SCORING_CONFIG, actionTypeFloors: { 'email.read': Tier.High } })
    const r = s.score(tpl(['EXPOSURE'], { sensitivity: 4, scope: 2 }), 'email.read')
    expect(r).toMatchObject({ raw: 0.0385, score: 4, tier: 'HIGH' })
    expect(s.score(tpl(['EXPOSURE'], { sensitivity: 4, scope: 2 }), 'email.search').tier).toBe('MINIMAL')
  })
})

const flagsArb = fc.subarray([...RISK_FLAGS, 'velocity_alert'])
const ampsArb = fc.record(
  Object.fromEntries(AMP_DIMS.map((d) => [d, fc.integer({ min: -5, max: AMP_CEILINGS[d] + 5 })])),
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, number>>

describe('hybrid scorer — properties', () => {
  it('score ∈ [0,100], raw ∈ [0,1], tier consistent with raw', () => {
    fc.assert(
      fc.property(flagsArb, ampsArb, (flags, amps) => {
        const r = scorer.score(tpl(flags, amps))
        expect(r.score).toBeGreaterThanOrEqual(0)
        expect(r.score).toBeLessThanOrEqual(100)
        expect(r.raw).toBeGreaterThanOrEqual(0)
        expect(r.raw).toBeLessThanOrEqual(1)
        if (r.blocked) {
          expect(r.tier).toBe(Tier.Critical)
          expect(routeTier(r)).toBe('deny')
        } else {
          // Tier is computed on the unrounded raw; the stored raw is within 5e-5 of it.
          expect(scorer.tierOf(r.raw + 5e-5) === r.tier || scorer.tierOf(r.raw - 5e-5) === r.tier).toBe(true)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('is monotone non-decreasing in every amplifier while unblocked', () => {
    fc.assert(
      fc.property(
        flagsArb,
        ampsArb,
        fc.constantFrom(...AMP_DIMS),
        fc.integer({ min: 1, max: 40 }),
        (flags, amps, dim, delta) => {
          const lo = scorer.score(tpl(flags, amps))
          const hi = scorer.score(tpl(flags, { ...amps, [dim]: (amps[dim] ?? 0) + delta }))
          if (!lo.blocked && !hi.blocked) {
            expect(hi.raw).toBeGreaterThanOrEqual(lo.raw)
            expect(tierRank(hi.tier)).toBeGreaterThanOrEqual(tierRank(lo.tier))
          }
          if (lo.blocked) expect(hi.blocked).toBe(true)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('identical input gives an identical result', () => {
    fc.assert(
      fc.property(flagsArb, ampsArb, (flags, amps) => {
        expect(scorer.score(tpl(flags, amps))).toEqual(scorer.score(tpl(flags, amps)))
      }),
    )
  })
})
