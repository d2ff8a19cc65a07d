/**
 * Scoring profiles (`profiles/<id>.profile.yaml`): weight factors, tanh steepness, tier threshold
 * shifts, extra block rules, action-type floors and named sets. Unlike the reference, every key
 * is honoured or rejected with an error — nothing is parsed and dropped.
 */
import { LineCounter, parseDocument } from 'yaml'
import { z } from 'zod'
import { issue, type IssuePath, type ValidationIssue } from '../errors.ts'
import { collectionKeyIssues } from '../packs/yaml-source.ts'
import {
  AMP_CEILINGS,
  AMP_DIMS,
  BASE_AMP_WEIGHTS,
  BASE_FLAG_WEIGHTS,
  BUILTIN_BLOCK_RULES,
  GUARDRAILS,
  RISK_FLAGS,
  type BlockRule,
} from '../scoring/constants.ts'
import { defaultScoringConfig, type ScoringConfig } from '../scoring/config.ts'
import { isActionType } from '../taxonomy/index.ts'
import { Tier } from '../types.ts'

/** Tiers whose lower boundary a profile may move (the key names the tier being entered). */
export const SHIFTABLE_TIERS = [Tier.Low, Tier.Medium, Tier.High, Tier.Critical] as const
export type ShiftableTier = (typeof SHIFTABLE_TIERS)[number]

export interface Profile {
  readonly id: string
  readonly name?: string
  readonly description?: string
  readonly version?: string
  readonly riskWeightAdjustments: Readonly<Record<string, number>>
  readonly ampWeightAdjustments: Readonly<Record<string, number>>
  readonly tanhK?: number
  /** Shift of the raw boundary where each tier starts (negative = stricter). */
  readonly tierThresholdShifts: Readonly<Partial<Record<ShiftableTier, number>>>
  readonly additionalBlockRules: readonly BlockRule[]
  readonly actionTypeFloors: Readonly<Record<string, Tier>>
  readonly namedSets: Readonly<Record<string, readonly string[]>>
}

export type ParseProfileResult =
  | { readonly ok: true; readonly profile: Profile }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] }

const TIER_NAMES: Readonly<Record<string, Tier>> = {
  minimal: Tier.Minimal,
  low: Tier.Low,
  medium: Tier.Medium,
  high: Tier.High,
  critical: Tier.Critical,
}

const factor = z.number().finite().positive()
const thresholdExpr = z.union([
  z.number(),
  z.string().regex(/^\s*>=\s*-?\d+(\.\d+)?\s*$/, 'must be ">= <number>" or a number'),
])
const BlockRuleSchema = z.strictObject({
  name: z.string().min(1),
  condition: z.strictObject({
    flags: z.array(z.string().min(1)).min(1),
    amplifiers: z.record(z.string(), thresholdExpr).default({}),
  }),
  reason: z.string().min(1),
})
const ProfileSchema = z.strictObject({
  permit0_profile: z.string().optional(),
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  tanh_k: z.number().finite().optional(),
  risk_weight_adjustments: z.record(z.string(), factor).default({}),
  amp_weight_adjustments: z.record(z.string(), factor).default({}),
  tier_threshold_shifts: z.record(z.string(), z.number().finite()).default({}),
  additional_block_rules: z.array(BlockRuleSchema).default([]),
  action_type_floors: z.record(z.string(), z.string()).default({}),
  named_sets: z.record(z.string(), z.array(z.string())).default({}),
})

function parseThreshold(v: number | string): number {
  return typeof v === 'number' ? v : Number(v.replace('>=', '').trim())
}

/**
 * Parses and validates a profile. `fallbackId` (e.g. the file stem) is used when the document has
 * no `id`. Guardrails are checked separately by `buildScoringConfig`.
 */
export function parseProfile(text: string, fallbackId = 'profile'): ParseProfileResult {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0])
        return { ...issue('yaml_syntax', [], e.message.split('\n')[0] ?? e.message), line, column: col }
      }),
    }
  }
  const keyIssues = collectionKeyIssues(doc, lineCounter)
  if (keyIssues.length > 0) return { ok: false, issues: keyIssues }
  const locate = (path: IssuePath): { line?: number; column?: number } => {
    let node: unknown = doc.getIn(path, true)
    for (let p = [...path]; node === undefined && p.length > 0; p = p.slice(0, -1)) {
      node = doc.getIn(p.slice(0, -1), true)
    }
    const range = (node as { range?: [number, number] } | undefined)?.range
    if (!range) return {}
    const { line, col } = lineCounter.linePos(range[0])
    return { line, column: col }
  }
  const parsed = ProfileSchema.safeParse(doc.toJS() ?? {})
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => {
        const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
        return { ...issue('invalid_profile', path, i.message), ...locate(path) }
      }),
    }
  }
  const p = parsed.data
  const issues: ValidationIssue[] = []
  const at = (path: IssuePath, code: string, message: string): void => {
    issues.push({ ...issue(code, path, message), ...locate(path) })
  }
  for (const flag of Object.keys(p.risk_weight_adjustments)) {
    if (!(RISK_FLAGS as readonly string[]).includes(flag)) {
      at(['risk_weight_adjustments', flag], 'unknown_flag', `unknown risk flag '${flag}' (expected one of ${RISK_FLAGS.join(', ')})`)
    }
  }
  for (const dim of Object.keys(p.amp_weight_adjustments)) {
    if (!(AMP_DIMS as readonly string[]).includes(dim)) {
      at(['amp_weight_adjustments', dim], 'unknown_amplifier', `unknown amplifier '${dim}' (expected one of ${AMP_DIMS.join(', ')})`)
    }
  }
  const shifts: Partial<Record<ShiftableTier, number>> = {}
  for (const [key, delta] of Object.entries(p.tier_threshold_shifts)) {
    const tier = TIER_NAMES[key.toLowerCase()]
    if (tier === undefined || tier === Tier.Minimal) {
      at(['tier_threshold_shifts', key], 'invalid_tier', `cannot shift '${key}' (expected LOW, MEDIUM, HIGH or CRITICAL)`)
      continue
    }
    shifts[tier as ShiftableTier] = delta
  }
  const blockRules: BlockRule[] = p.additional_block_rules.map((r, i) => {
    const thresholds: Record<string, number> = {}
    for (const [dim, expr] of Object.entries(r.condition.amplifiers)) {
      if (!Object.hasOwn(AMP_CEILINGS, dim)) {
        at(['additional_block_rules', i, 'condition', 'amplifiers', dim], 'unknown_amplifier', `unknown amplifier '${dim}'`)
      }
      thresholds[dim] = parseThreshold(expr)
    }
    return { name: r.name, flags: r.condition.flags, thresholds, reason: r.reason }
  })
  const floors: Record<string, Tier> = {}
  for (const [actionType, tierName] of Object.entries(p.action_type_floors)) {
    const tier = TIER_NAMES[tierName.toLowerCase()]
    if (!isActionType(actionType)) {
      at(['action_type_floors', actionType], 'invalid_action_type', `invalid action type '${actionType}'`)
    } else if (tier === undefined) {
      at(['action_type_floors', actionType], 'invalid_tier', `invalid tier '${tierName}'`)
    } else floors[actionType] = tier
  }
  if (issues.length > 0) return { ok: false, issues }
  const profile: Profile = {
    id: p.id ?? fallbackId,
    ...(p.name === undefined ? {} : { name: p.name }),
    ...(p.description === undefined ? {} : { description: p.description }),
    ...(p.version === undefined ? {} : { version: String(p.version) }),
    riskWeightAdjustments: p.risk_weight_adjustments,
    ampWeightAdjustments: p.amp_weight_adjustments,
    ...(p.tanh_k === undefined ? {} : { tanhK: p.tanh_k }),
    tierThresholdShifts: shifts,
    additionalBlockRules: blockRules,
    actionTypeFloors: floors,
    namedSets: p.named_sets,
  }
  return { ok: true, profile }
}

export type BuildScoringConfigResult =
  | { readonly ok: true; readonly config: ScoringConfig }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] }

const SHIFT_INDEX: Readonly<Record<ShiftableTier, number>> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 }

/** Layers a profile over the defaults and enforces the guardrails (first the reference's, then ours). */
export function buildScoringConfig(profile?: Profile): BuildScoringConfigResult {
  const base = defaultScoringConfig()
  if (profile === undefined) return { ok: true, config: base }
  const issues: ValidationIssue[] = []
  const flagWeights: Record<string, number> = { ...base.flagWeights }
  for (const [flag, f] of Object.entries(profile.riskWeightAdjustments)) {
    if (flag in flagWeights) flagWeights[flag] = (flagWeights[flag] as number) * f
  }
  const ampWeights: Record<string, number> = { ...base.ampWeights }
  for (const [dim, f] of Object.entries(profile.ampWeightAdjustments)) {
    if (dim in ampWeights) ampWeights[dim] = (ampWeights[dim] as number) * f
  }
  const tanhK = profile.tanhK ?? base.tanhK
  if (tanhK < GUARDRAILS.tanhKMin || tanhK > GUARDRAILS.tanhKMax) {
    issues.push(issue('guardrail', ['tanh_k'], `tanh_k ${tanhK} is outside the guardrail [${GUARDRAILS.tanhKMin}, ${GUARDRAILS.tanhKMax}]`))
  }
  for (const flag of RISK_FLAGS) {
    const ratio = (flagWeights[flag] ?? 0) / BASE_FLAG_WEIGHTS[flag]
    if (ratio < GUARDRAILS.flagRatioMin || ratio > GUARDRAILS.flagRatioMax) {
      issues.push(
        issue('guardrail', ['risk_weight_adjustments', flag], `${flag} weight factor ${ratio} is outside the guardrail [${GUARDRAILS.flagRatioMin}, ${GUARDRAILS.flagRatioMax}]`),
      )
    }
  }
  for (const dim of AMP_DIMS) {
    const ratio = (ampWeights[dim] ?? 0) / BASE_AMP_WEIGHTS[dim]
    if (ratio < GUARDRAILS.ampRatioMin || ratio > GUARDRAILS.ampRatioMax) {
      issues.push(
        issue('guardrail', ['amp_weight_adjustments', dim], `${dim} weight factor ${ratio} is outside the guardrail [${GUARDRAILS.ampRatioMin}, ${GUARDRAILS.ampRatioMax}]`),
      )
    }
  }
  const ceilings = [...base.tierCeilings] as [number, number, number, number]
  for (const [tier, delta] of Object.entries(profile.tierThresholdShifts) as [ShiftableTier, number][]) {
    if (delta > 0 || delta < -GUARDRAILS.maxThresholdShift) {
      issues.push(
        issue('guardrail', ['tier_threshold_shifts', tier], `shift ${delta} for ${tier} is outside the guardrail [-${GUARDRAILS.maxThresholdShift}, 0] (profiles may only make tiers stricter)`),
      )
      continue
    }
    const idx = SHIFT_INDEX[tier]
    ceilings[idx] = (ceilings[idx] as number) + delta
  }
  if (!ceilings.every((c, i) => c > (i === 0 ? 0 : (ceilings[i - 1] as number)))) {
    issues.push(issue('guardrail', ['tier_threshold_shifts'], `shifted tier boundaries ${ceilings.join(', ')} are not strictly increasing`))
  }
  const names = new Set(BUILTIN_BLOCK_RULES.map((r) => r.name))
  profile.additionalBlockRules.forEach((rule, i) => {
    const path = ['additional_block_rules', i]
    if (names.has(rule.name)) {
      issues.push(issue('guardrail', [...path, 'name'], `block rule name '${rule.name}' is already taken (built-in rules are immutable)`))
    }
    names.add(rule.name)
    for (const [dim, v] of Object.entries(rule.thresholds)) {
      if (!(v >= 0 && v <= 1)) {
        issues.push(issue('guardrail', [...path, 'condition', 'amplifiers', dim], `threshold ${v} must be a normalized value in [0, 1]`))
      }
    }
  })
  if (issues.length > 0) return { ok: false, issues }
  return {
    ok: true,
    config: {
      flagWeights,
      ampWeights,
      tanhK,
      blockRules: [...base.blockRules, ...profile.additionalBlockRules],
      actionTypeFloors: { ...base.actionTypeFloors, ...profile.actionTypeFloors },
      namedSets: { ...base.namedSets, ...profile.namedSets },
      tierCeilings: ceilings,
    },
  }
}

/** Human-readable differences between two configs (for `calibrate diff`). */
export function diffScoringConfig(from: ScoringConfig, to: ScoringConfig): string[] {
  const out: string[] = []
  const num = (label: string, a: number | undefined, b: number | undefined): void => {
    if (Math.abs((a ?? 0) - (b ?? 0)) > 1e-6) out.push(`${label}: ${round(a)} → ${round(b)}`)
  }
  for (const flag of RISK_FLAGS) num(`flag weight ${flag}`, from.flagWeights[flag], to.flagWeights[flag])
  for (const dim of AMP_DIMS) num(`amplifier weight ${dim}`, from.ampWeights[dim], to.ampWeights[dim])
  num('tanh_k', from.tanhK, to.tanhK)
  const tierNames = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH']
  from.tierCeilings.forEach((c, i) => num(`tier ceiling ${tierNames[i]}`, c, to.tierCeilings[i]))
  const floorKeys = [...new Set([...Object.keys(from.actionTypeFloors), ...Object.keys(to.actionTypeFloors)])].sort()
  for (const k of floorKeys) {
    const a = from.actionTypeFloors[k]
    const b = to.actionTypeFloors[k]
    if (a !== b) out.push(`floor ${k}: ${a ?? '—'} → ${b ?? '—'}`)
  }
  const fromRules = new Set(from.blockRules.map((r) => r.name))
  for (const r of to.blockRules) if (!fromRules.has(r.name)) out.push(`block rule added: ${r.name} — ${r.reason}`)
  const setKeys = [...new Set([...Object.keys(from.namedSets), ...Object.keys(to.namedSets)])].sort()
  for (const k of setKeys) {
    const a = JSON.stringify(from.namedSets[k] ?? [])
    const b = JSON.stringify(to.namedSets[k] ?? [])
    if (a !== b) out.push(`named set ${k}: ${a} → ${b}`)
  }
  return out
}

function round(v: number | undefined): string {
  return String(Math.round((v ?? 0) * 1e6) / 1e6)
}
