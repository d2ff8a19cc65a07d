import { describe, expect, it } from 'vitest'
import { DEFAULT_SCORING_CONFIG } from '../scoring/config.ts'
import { createHybridScorer } from '../scoring/hybrid.ts'
import { createTemplate, FlagRole } from '../scoring/template.ts'
import { buildScoringConfig, diffScoringConfig, parseProfile } from './profile.ts'

const PROFILE = `
permit0_profile: v1
id: payments
risk_weight_adjustments: { FINANCIAL: 1.5, MUTATION: 0.8 }
amp_weight_adjustments: { amount: 1.4 }
tier_threshold_shifts: { MEDIUM: -0.05, HIGH: -0.05 }
additional_block_rules:
  - name: large_external_transfer
    condition:
      flags: [FINANCIAL, OUTBOUND]
      amplifiers: { amount: ">= 0.70", destination: 0.6 }
    reason: Large transfer to an external destination
action_type_floors: { payment.transfer: medium }
named_sets: { org.trusted_domains: [example.com] }
`

function build(text: string) {
  const parsed = parseProfile(text)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return buildScoringConfig(parsed.profile)
}

describe('profiles', () => {
  it('honours weights, threshold shifts, extra block rules, floors and named sets', () => {
    const built = build(PROFILE)
    if (!built.ok) throw new Error(JSON.stringify(built.issues))
    const { config } = built
    expect(config.flagWeights['FINANCIAL']).toBeCloseTo(0.3, 10)
    expect(config.ampWeights['amount']).toBeCloseTo(0.1638, 10)
    expect(config.tierCeilings).toEqual([0.15, 0.3, 0.5, 0.75])
    expect(config.blockRules.map((r) => r.name).at(-1)).toBe('large_external_transfer')
    expect(config.actionTypeFloors).toEqual({ 'payment.transfer': 'MEDIUM' })
    expect(config.namedSets['org.trusted_domains']).toEqual(['example.com'])

    const scorer = createHybridScorer(config)
    const t = createTemplate(
      [['FINANCIAL', FlagRole.Primary], ['OUTBOUND', FlagRole.Primary]],
      [['amount', 21], ['destination', 24]],
    )
    expect(scorer.score(t)).toMatchObject({ blocked: true, blockReason: 'Large transfer to an external destination' })
    expect(createHybridScorer(DEFAULT_SCORING_CONFIG).score(t).blocked).toBe(false)
    // A raw of 0.32 is LOW by default but MEDIUM once the MEDIUM boundary moves to 0.30.
    expect(scorer.tierOf(0.32)).toBe('MEDIUM')
    expect(diffScoringConfig(DEFAULT_SCORING_CONFIG, config)).toContain('tier ceiling LOW: 0.35 → 0.3')
  })

  it.each([
    ['loosening threshold shift', 'tier_threshold_shifts: { HIGH: 0.05 }', /only make tiers stricter/],
    ['oversized threshold shift', 'tier_threshold_shifts: { HIGH: -0.2 }', /outside the guardrail/],
    ['flag factor beyond 2×', 'risk_weight_adjustments: { DESTRUCTION: 3 }', /DESTRUCTION weight factor 3/],
    ['amp factor below 0.5×', 'amp_weight_adjustments: { amount: 0.1 }', /amount weight factor/],
    ['tanh_k out of range', 'tanh_k: 3', /tanh_k 3/],
    [
      'block rule shadowing a built-in',
      'additional_block_rules: [{ name: irreversible_destruction, condition: { flags: [MUTATION] }, reason: x }]',
      /already taken/,
    ],
  ])('rejects a %s by guardrail', (_name, body, message) => {
    const built = build(`id: x\n${body}\n`)
    expect(built.ok).toBe(false)
    if (!built.ok) expect(built.issues.map((i) => i.message).join('\n')).toMatch(message)
  })

  it.each([
    ['duplicate keys', 'action_type_floors:\n  email.send: MEDIUM\n  email.send: HIGH\n', /unique/i, 3],
    ['unknown flag', 'risk_weight_adjustments: { SPEED: 1.2 }\n', /unknown risk flag 'SPEED'/, 1],
    ['unknown top-level key', 'tier_thresholds: { HIGH: -0.05 }\n', /tier_thresholds/, 1],
    ['bad floor tier', 'action_type_floors: { email.send: SEVERE }\n', /invalid tier 'SEVERE'/, 1],
    ['bad action type', 'action_type_floors: { email.sned: HIGH }\n', /invalid action type/, 1],
    ['bad threshold expression', 'additional_block_rules: [{ name: a, condition: { flags: [X], amplifiers: { amount: "> 1" } }, reason: r }]\n', />= <number>/, 1],
  ])('rejects %s with a located error', (_name, text, message, line) => {
    const parsed = parseProfile(text)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) {
      expect(parsed.issues.map((i) => i.message).join('\n')).toMatch(message)
      expect(parsed.issues[0]?.line).toBe(line)
    }
  })
})
