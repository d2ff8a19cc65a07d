import type { Tier } from '../types.ts'
import { AMP_CEILINGS, UNKNOWN_DIM_CEILING } from './constants.ts'

export const FlagRole = { Primary: 'primary', Secondary: 'secondary' } as const
export type FlagRole = (typeof FlagRole)[keyof typeof FlagRole]

/**
 * The mutable intermediate a risk rule builds for one call. Flags keep insertion order, which is
 * also the order reported in `RiskScore.flags`. Amplifiers are raw (un-normalized) integers.
 */
export interface RiskTemplate {
  readonly flags: Map<string, FlagRole>
  readonly amps: Map<string, number>
  blocked: boolean
  blockReason: string | undefined
  readonly children: RiskTemplate[]
  fixedTier: Tier | undefined
  /** The lowest tier the score may come out at (`floor:` mutation). */
  floorTier?: Tier
}

export function createTemplate(
  flags: Iterable<readonly [string, FlagRole]> = [],
  amps: Iterable<readonly [string, number]> = [],
  fixedTier?: Tier,
): RiskTemplate {
  return {
    flags: new Map(flags),
    amps: new Map(amps),
    blocked: false,
    blockReason: undefined,
    children: [],
    fixedTier,
  }
}

export function dimCeiling(dim: string): number {
  return (AMP_CEILINGS as Readonly<Record<string, number>>)[dim] ?? UNKNOWN_DIM_CEILING
}

/** Inserts the flag only if absent; an existing flag keeps its role. */
export function addFlag(t: RiskTemplate, flag: string, role: FlagRole): void {
  if (!t.flags.has(flag)) t.flags.set(flag, role)
}

export function removeFlag(t: RiskTemplate, flag: string): void {
  t.flags.delete(flag)
}

export function promoteFlag(t: RiskTemplate, flag: string): void {
  if (t.flags.has(flag)) t.flags.set(flag, FlagRole.Primary)
}

/** `v = min(v + delta, ceiling)`; no floor (normalization clamps). */
export function upgradeAmp(t: RiskTemplate, dim: string, delta: number): void {
  t.amps.set(dim, Math.min((t.amps.get(dim) ?? 0) + delta, dimCeiling(dim)))
}

/** `v = max(v - delta, 0)`; no ceiling (normalization clamps). */
export function downgradeAmp(t: RiskTemplate, dim: string, delta: number): void {
  t.amps.set(dim, Math.max((t.amps.get(dim) ?? 0) - delta, 0))
}

/** `v = clamp(value, 0, ceiling)`. */
export function overrideAmp(t: RiskTemplate, dim: string, value: number): void {
  t.amps.set(dim, Math.min(Math.max(value, 0), dimCeiling(dim)))
}

/** Blocks the template; a later gate overwrites an earlier reason. Evaluation continues. */
export function gateTemplate(t: RiskTemplate, reason: string): void {
  t.blocked = true
  t.blockReason = reason
}

/** Raises the lowest tier this call can score (a later, higher floor wins). */
export function floorTemplate(t: RiskTemplate, tier: Tier): void {
  if (t.floorTier === undefined || TIER_ORDER.indexOf(tier) > TIER_ORDER.indexOf(t.floorTier)) t.floorTier = tier
}

const TIER_ORDER: readonly string[] = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']

export function splitTemplate(t: RiskTemplate, child: RiskTemplate): void {
  t.children.push(child)
}
