import { Tier } from '../types.ts'

/** Version of the scoring model; part of the policy-cache fingerprint. */
export const SCORING_MODEL_VERSION = '2026-05-22.1'

/** The nine built-in risk flags, in canonical order (also the guardrail check order). */
export const RISK_FLAGS = [
  'DESTRUCTION',
  'PHYSICAL',
  'EXECUTION',
  'PRIVILEGE',
  'FINANCIAL',
  'EXPOSURE',
  'GOVERNANCE',
  'OUTBOUND',
  'MUTATION',
] as const
export type RiskFlag = (typeof RISK_FLAGS)[number]

export const BASE_FLAG_WEIGHTS: Readonly<Record<RiskFlag, number>> = {
  DESTRUCTION: 0.28,
  PHYSICAL: 0.26,
  EXECUTION: 0.22,
  PRIVILEGE: 0.2,
  FINANCIAL: 0.2,
  EXPOSURE: 0.16,
  GOVERNANCE: 0.14,
  OUTBOUND: 0.1,
  MUTATION: 0.1,
}

/** The ten amplifier dimensions, in canonical order. */
export const AMP_DIMS = [
  'destination',
  'sensitivity',
  'scope',
  'amount',
  'session',
  'irreversibility',
  'volume',
  'boundary',
  'actor',
  'environment',
] as const
export type AmpDim = (typeof AMP_DIMS)[number]

export const BASE_AMP_WEIGHTS: Readonly<Record<AmpDim, number>> = {
  destination: 0.155,
  sensitivity: 0.136,
  scope: 0.136,
  amount: 0.117,
  session: 0.097,
  irreversibility: 0.097,
  volume: 0.078,
  boundary: 0.078,
  actor: 0.058,
  environment: 0.048,
}

/** Raw ceiling of every dimension; a raw value is normalized as `clamp(raw / ceiling, 0, 1)`. */
export const AMP_CEILINGS: Readonly<Record<AmpDim, number>> = {
  destination: 40,
  sensitivity: 35,
  scope: 35,
  amount: 30,
  session: 30,
  irreversibility: 20,
  volume: 25,
  boundary: 20,
  actor: 20,
  environment: 15,
}

/** Ceiling used for mutations of dimensions the scorer does not know. */
export const UNKNOWN_DIM_CEILING = 100

/** Dimensions that compound multiplicatively (step 4); every other weighted dim is additive. */
export const MULTIPLICATIVE_DIMS = ['irreversibility', 'boundary', 'destination'] as const

export interface CategoryDef {
  readonly name: string
  readonly flags: readonly RiskFlag[]
  readonly dims: readonly AmpDim[]
  readonly weight: number
}

/** Risk categories in summation order: data, power, control. */
export const CATEGORIES: readonly CategoryDef[] = [
  {
    name: 'data',
    flags: ['OUTBOUND', 'EXPOSURE', 'MUTATION'],
    dims: ['sensitivity', 'scope', 'destination', 'volume'],
    weight: 0.25,
  },
  {
    name: 'power',
    flags: ['DESTRUCTION', 'PRIVILEGE', 'FINANCIAL'],
    dims: ['amount', 'irreversibility', 'boundary', 'environment'],
    weight: 0.35,
  },
  {
    name: 'control',
    flags: ['EXECUTION', 'PHYSICAL', 'GOVERNANCE'],
    dims: ['actor', 'session', 'scope', 'environment'],
    weight: 0.4,
  },
]

export const DEFAULT_TANH_K = 1.8

/** A block rule: all `flags` present and every normalized amplifier `>=` its threshold. */
export interface BlockRule {
  readonly name: string
  readonly flags: readonly string[]
  readonly thresholds: Readonly<Record<string, number>>
  readonly reason: string
}

/** The five immutable built-in block rules, checked in this order (first match wins). */
export const BUILTIN_BLOCK_RULES: readonly BlockRule[] = [
  {
    name: 'irreversible_destruction',
    flags: ['DESTRUCTION'],
    thresholds: { irreversibility: 0.9 },
    reason: 'Irreversible destruction exceeds tolerable threshold',
  },
  {
    name: 'financial_exfiltration',
    flags: ['FINANCIAL', 'OUTBOUND'],
    thresholds: { amount: 0.83, destination: 0.75 },
    reason: 'High-value outbound financial movement to untrusted destination',
  },
  {
    name: 'privileged_prod_execution',
    flags: ['EXECUTION', 'PRIVILEGE'],
    thresholds: { environment: 0.8, scope: 0.8 },
    reason: 'Arbitrary execution with elevated privilege in production scope',
  },
  {
    name: 'governance_trust_boundary',
    flags: ['GOVERNANCE'],
    thresholds: { boundary: 0.9 },
    reason: 'Rule-change crossing a high trust boundary',
  },
  {
    name: 'classified_external_send',
    flags: ['OUTBOUND', 'EXPOSURE'],
    thresholds: { sensitivity: 0.94, destination: 0.75 },
    reason: 'Highly sensitive data sent to untrusted external destination',
  },
]

/** Tiers in ascending order; index = rank. */
export const TIER_ORDER: readonly Tier[] = [
  Tier.Minimal,
  Tier.Low,
  Tier.Medium,
  Tier.High,
  Tier.Critical,
]

export function tierRank(tier: Tier): number {
  return TIER_ORDER.indexOf(tier)
}

/**
 * Inclusive upper bounds of the unrounded raw value for Minimal, Low, Medium and High; anything
 * above the last is Critical.
 */
export const DEFAULT_TIER_CEILINGS: readonly [number, number, number, number] = [
  0.15, 0.35, 0.55, 0.75,
]

/** Raw value reported for a pack-declared fixed tier. */
export const FIXED_TIER_MIDPOINTS: Readonly<Record<Tier, number>> = {
  MINIMAL: 0.075,
  LOW: 0.25,
  MEDIUM: 0.45,
  HIGH: 0.65,
  CRITICAL: 0.875,
}

/** Default named sets available to `in_set` / `not_in_set`. */
export const DEFAULT_NAMED_SETS: Readonly<Record<string, readonly string[]>> = {
  'org.trusted_domains': [
    'github.com',
    'githubusercontent.com',
    'stripe.com',
    'anthropic.com',
    'openai.com',
    'googleapis.com',
  ],
}

/** Guardrails a profile must respect. */
export const GUARDRAILS = {
  tanhKMin: 1.0,
  tanhKMax: 2.5,
  flagRatioMin: 0.5,
  flagRatioMax: 2.0,
  immutableFlags: ['DESTRUCTION', 'PHYSICAL', 'EXECUTION'] as readonly RiskFlag[],
  immutableBlockRules: BUILTIN_BLOCK_RULES.map((r) => r.name),
  /** Largest magnitude of a tier-threshold shift; shifts may only make tiers stricter. */
  maxThresholdShift: 0.1,
  /** Amplifier-weight factors must lie in this range. */
  ampRatioMin: 0.5,
  ampRatioMax: 2.0,
} as const
