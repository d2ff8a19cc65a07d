import { Tier, type RiskScore } from '../types.ts'
import {
  AMP_CEILINGS,
  CATEGORIES,
  FIXED_TIER_MIDPOINTS,
  MULTIPLICATIVE_DIMS,
  tierRank,
  type BlockRule,
} from './constants.ts'
import { ADDITIVE_DIMS, type ScoringConfig } from './config.ts'
import type { RiskTemplate } from './template.ts'

/** A scorer compiled from one `ScoringConfig`: weight tables flattened once, reused per call. */
export interface HybridScorer {
  readonly config: ScoringConfig
  /** Scores a finished template (the reference's `compute_hybrid`). */
  score(template: RiskTemplate, actionType?: string): RiskScore
  /** The tier of an unrounded raw value under this config's ceilings (unblocked). */
  tierOf(raw: number): Tier
}

interface DimTerm {
  readonly dim: string
  readonly ceiling: number
  readonly weight: number
}

interface CompiledCategory {
  readonly weight: number
  readonly flags: readonly { readonly flag: string; readonly weight: number }[]
  readonly dims: readonly DimTerm[]
  readonly dimWeightSum: number
}

const TEMPLATE_GATE_REASON = 'blocked by template gate'

function normalized(amps: ReadonlyMap<string, number>, dim: string, ceiling: number): number {
  const v = amps.get(dim)
  if (v === undefined) return 0
  const n = v / ceiling
  return n <= 0 ? 0 : n >= 1 ? 1 : n
}

function ceilingOf(dim: string): number {
  return (AMP_CEILINGS as Readonly<Record<string, number>>)[dim] ?? 0
}

function blockRuleMatches(rule: BlockRule, t: RiskTemplate): boolean {
  for (const f of rule.flags) if (!t.flags.has(f)) return false
  for (const dim in rule.thresholds) {
    const ceiling = ceilingOf(dim)
    const n = ceiling === 0 ? 0 : normalized(t.amps, dim, ceiling)
    if (!(n >= (rule.thresholds[dim] as number))) return false
  }
  return true
}

/** Round half away from zero to 4 decimals (values here are never negative). */
function round4(raw: number): number {
  return Math.round(raw * 10_000) / 10_000
}

export function createHybridScorer(config: ScoringConfig): HybridScorer {
  const categories: CompiledCategory[] = CATEGORIES.map((c) => {
    const dims = c.dims.map((dim) => ({
      dim,
      ceiling: ceilingOf(dim),
      weight: config.ampWeights[dim] ?? 0,
    }))
    return {
      weight: c.weight,
      flags: c.flags.map((flag) => ({ flag, weight: config.flagWeights[flag] ?? 0 })),
      dims,
      dimWeightSum: dims.reduce((s, d) => s + d.weight, 0),
    }
  })
  const compoundTerms: DimTerm[] = MULTIPLICATIVE_DIMS.map((dim) => ({
    dim,
    ceiling: ceilingOf(dim),
    weight: config.ampWeights[dim] ?? 0,
  }))
  const boostTerms: DimTerm[] = Object.keys(config.ampWeights)
    .filter((d) => !(MULTIPLICATIVE_DIMS as readonly string[]).includes(d) && ceilingOf(d) > 0)
    .sort((a, b) => ADDITIVE_DIMS.indexOf(a as never) - ADDITIVE_DIMS.indexOf(b as never))
    .map((dim) => ({ dim, ceiling: ceilingOf(dim), weight: config.ampWeights[dim] ?? 0 }))
  const [cMinimal, cLow, cMedium, cHigh] = config.tierCeilings
  const { tanhK, blockRules, actionTypeFloors } = config

  function tierOf(raw: number): Tier {
    if (raw <= cMinimal) return Tier.Minimal
    if (raw <= cLow) return Tier.Low
    if (raw <= cMedium) return Tier.Medium
    if (raw <= cHigh) return Tier.High
    return Tier.Critical
  }

  function finalize(
    rawIn: number,
    flags: readonly string[],
    blocked: boolean,
    blockReason: string | undefined,
    forcedTier?: Tier,
  ): RiskScore {
    const raw = rawIn <= 0 ? 0 : rawIn >= 1 ? 1 : rawIn
    const tier = blocked ? Tier.Critical : (forcedTier ?? tierOf(raw))
    const score = Math.round(raw * 100)
    return blockReason === undefined
      ? { raw: round4(raw), score, tier, flags, blocked }
      : { raw: round4(raw), score, tier, flags, blocked, blockReason }
  }

  function applyFloor(result: RiskScore, actionType: string | undefined): RiskScore {
    if (actionType === undefined) return result
    const floor = actionTypeFloors[actionType]
    if (floor === undefined || tierRank(result.tier) >= tierRank(floor)) return result
    return { ...result, tier: floor }
  }

  /** A rule's `floor:` lifts an unblocked score's tier (never lowers it). */
  function score(t: RiskTemplate, actionType?: string): RiskScore {
    const result = scoreTemplate(t, actionType)
    const floor = t.floorTier
    if (floor === undefined || result.blocked || tierRank(result.tier) >= tierRank(floor)) return result
    return { ...result, tier: floor }
  }

  function scoreTemplate(t: RiskTemplate, actionType?: string): RiskScore {
    const flags = [...t.flags.keys()]
    // Step 1: a gate set by a rule wins over everything.
    if (t.blocked) return finalize(1, flags, true, t.blockReason ?? TEMPLATE_GATE_REASON)
    // Step 2: block rules, first match wins.
    for (const rule of blockRules) {
      if (blockRuleMatches(rule, t)) return finalize(1, flags, true, rule.reason)
    }
    // Fixed tier bypasses the formula and the splits.
    if (t.fixedTier !== undefined) {
      const fixed = finalize(FIXED_TIER_MIDPOINTS[t.fixedTier], flags, false, undefined, t.fixedTier)
      return applyFloor(fixed, actionType)
    }
    // Step 3: category-weighted base.
    const amps = t.amps
    let base = 0
    for (const c of categories) {
      let fb = 0
      for (const f of c.flags) if (t.flags.has(f.flag)) fb += f.weight
      if (fb === 0 || c.dimWeightSum === 0) continue
      let ampSum = 0
      for (const d of c.dims) ampSum += d.weight * normalized(amps, d.dim, d.ceiling)
      base += (c.weight * fb * (1 + ampSum / c.dimWeightSum)) / 2
    }
    // Step 4: multiplicative compound; step 5: additive boost.
    let compound = 1
    for (const d of compoundTerms) compound *= 1 + d.weight * normalized(amps, d.dim, d.ceiling)
    let boost = 0
    for (const d of boostTerms) boost += d.weight * normalized(amps, d.dim, d.ceiling)
    // Step 6: squeeze.
    const raw = Math.tanh(base * compound * (1 + boost) * tanhK)
    let result = applyFloor(finalize(raw, flags, false, undefined), actionType)
    for (const child of t.children) {
      const childScore = score(child, actionType)
      if (childScore.raw > result.raw) result = childScore
    }
    return result
  }

  return { config, score, tierOf }
}

/** Permission routing of a score: blocked/Critical → deny, Medium/High → human, else allow. */
export function routeTier(risk: RiskScore): 'allow' | 'human' | 'deny' {
  if (risk.blocked) return 'deny'
  switch (risk.tier) {
    case Tier.Minimal:
    case Tier.Low:
      return 'allow'
    case Tier.Medium:
    case Tier.High:
      return 'human'
    default:
      return 'deny'
  }
}

