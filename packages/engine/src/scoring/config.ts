import type { Tier } from '../types.ts'
import {
  AMP_DIMS,
  BASE_AMP_WEIGHTS,
  BASE_FLAG_WEIGHTS,
  BUILTIN_BLOCK_RULES,
  DEFAULT_NAMED_SETS,
  DEFAULT_TANH_K,
  DEFAULT_TIER_CEILINGS,
  type BlockRule,
} from './constants.ts'

/** Everything the hybrid scorer needs; built from defaults plus an optional profile. */
export interface ScoringConfig {
  readonly flagWeights: Readonly<Record<string, number>>
  readonly ampWeights: Readonly<Record<string, number>>
  readonly tanhK: number
  /** Built-in block rules first, then profile additions. */
  readonly blockRules: readonly BlockRule[]
  /** Minimum tier per action type (`email.send` → `HIGH`). */
  readonly actionTypeFloors: Readonly<Record<string, Tier>>
  readonly namedSets: Readonly<Record<string, readonly string[]>>
  /** Inclusive raw ceilings for Minimal, Low, Medium, High. */
  readonly tierCeilings: readonly [number, number, number, number]
}

export function defaultScoringConfig(): ScoringConfig {
  return {
    flagWeights: { ...BASE_FLAG_WEIGHTS },
    ampWeights: { ...BASE_AMP_WEIGHTS },
    tanhK: DEFAULT_TANH_K,
    blockRules: [...BUILTIN_BLOCK_RULES],
    actionTypeFloors: {},
    namedSets: { ...DEFAULT_NAMED_SETS },
    tierCeilings: [...DEFAULT_TIER_CEILINGS],
  }
}

export const DEFAULT_SCORING_CONFIG: ScoringConfig = Object.freeze(defaultScoringConfig())

/** Additive dims in canonical order (those not compounded multiplicatively). */
export const ADDITIVE_DIMS = AMP_DIMS.filter(
  (d) => d !== 'irreversibility' && d !== 'boundary' && d !== 'destination',
)
