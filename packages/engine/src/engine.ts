/**
 * The public engine: normalize → decide (denylist, allowlist, policy cache, unknown fallback,
 * scorer, optional agent reviewer) → cache write. Pure apart from the injected `PolicyStore`;
 * time and the session history are inputs.
 */
import { normHash, sha256Hex, type Sha256Hex } from './canonical/index.ts'
import { createNamedSets } from './conditions/index.ts'
import { parseActionType } from './taxonomy/index.ts'
import { EngineError, EngineErrorCode, formatIssue, IssueSeverity, type ValidationIssue } from './errors.ts'
import { normalize as runNormalize } from './normalize/index.ts'
import { loadPackSet, type PackFile, type PackSet, type RiskRuleDocument } from './packs/index.ts'
import { parsersReady } from './parsers/index.ts'
import { buildScoringConfig, type Profile } from './profiles/profile.ts'
import { compileRiskRule, type CompiledRiskRule } from './risk/compile-risk-rule.ts'
import { createHybridScorer } from './scoring/hybrid.ts'
import type { ScoringConfig } from './scoring/config.ts'
import { SCORING_MODEL_VERSION } from './scoring/constants.ts'
import type { SessionContext } from './session/session.ts'
import {
  decide as decidePipeline,
  isCacheable,
  normalizeStage,
  scoreAction,
  TraceStageName,
  type Decision,
  type NormalizerRef,
  type ScoringModel,
} from './verdict/pipeline.ts'
import { runReviewer, type AgentReviewer } from './verdict/reviewer.ts'
import {
  DecisionSource,
  Permission,
  type JsonObject,
  type JsonValue,
  type NormAction,
  type NormalizeContext,
  type PolicyLookup,
  type PolicyStore,
  type RawToolCall,
  type RiskScore,
  type Verdict,
} from './types.ts'

export interface EngineOptions {
  /** Pack file texts (a packs root); loaded with `loadPackSet`. Give this or `packSet`. */
  readonly packs?: readonly PackFile[]
  /** An already loaded pack set. */
  readonly packSet?: Pick<PackSet, 'registry' | 'riskRules'>
  readonly profile?: Profile
  /** Default org domain for normalization (a per-call `orgDomain` wins). */
  readonly orgDomain?: string
  /** Policy-cache TTL for engine verdicts; default one hour. */
  readonly cacheTtlMs?: number
  /** Config fingerprint stored with every cache entry (computed by the caller). */
  readonly fingerprint?: string
  /** Optional agent reviewer; off by default. */
  readonly reviewer?: AgentReviewer
  /**
   * SHA-256 for norm_hash (text → 64 hex). Default: pure-JS `sha256Hex`. Node callers should pass
   * `(text) => hash('sha256', text, 'hex')` from `node:crypto`: same hashes, several times faster.
   */
  readonly sha256?: Sha256Hex
}

export interface CheckOptions {
  readonly store: PolicyStore
  readonly nowMs: number
  /**
   * The session's history, or a function that loads it: called only when the call is scored (a
   * list or policy-cache hit answers without session rules, so its history is never read).
   */
  readonly session?: SessionContext | (() => Promise<SessionContext>)
  readonly orgDomain?: string
  readonly taskGoal?: string
}

export interface AssessOptions {
  readonly session?: SessionContext
  readonly nowMs?: number
  /** Raw parameters for bare-field rule conditions; defaults to the normalized parameters. */
  readonly rawParameters?: JsonValue
}

export interface Engine {
  readonly config: ScoringConfig
  readonly fingerprint: string
  readonly profileId?: string
  /** Action types with an installed risk rule. */
  readonly actionTypes: readonly string[]
  /** Warnings collected while compiling risk rules. */
  readonly warnings: readonly ValidationIssue[]
  normalize(call: RawToolCall, ctx?: NormalizeContext): NormAction
  /** Pure scoring of a normalized action; `undefined` when no risk rule exists for it. */
  assess(action: NormAction, options?: AssessOptions): RiskScore | undefined
  /**
   * The synchronous pipeline core over an already-fetched `PolicyLookup` (no review, no cache
   * write); `cacheable` says whether the caller may cache the verdict.
   */
  decide(
    action: NormAction,
    lookup: PolicyLookup,
    ctx: { rawParameters: JsonValue; nowMs: number; session?: SessionContext; orgDomain?: string },
  ): Decision
  /** `toNormAction` with this engine's SHA-256. */
  toNormAction(input: ActionInput): NormAction
  check(call: RawToolCall, options: CheckOptions): Promise<Verdict>
  /** Pipeline for a pre-normalized action (raw parameters = normalized parameters). */
  checkAction(action: NormAction, options: CheckOptions): Promise<Verdict>
}

export const DEFAULT_CACHE_TTL_MS = 3_600_000

/** A pre-normalized action as clients send it (`/check_action`). */
export interface ActionInput {
  readonly actionType: string
  readonly channel: string
  readonly parameters: JsonObject
}

/** Builds a `NormAction` (with its `normHash`) from a pre-normalized input; validates the type. */
export function toNormAction(input: ActionInput, sha256: Sha256Hex = sha256Hex): NormAction {
  const parsed = parseActionType(input.actionType)
  if (!parsed.ok) {
    throw new EngineError(EngineErrorCode.InvalidActionType, `invalid action type '${input.actionType}'`, {
      actionType: input.actionType,
    })
  }
  const [domain, verb] = input.actionType.split('.') as [string, string]
  const base = { actionType: input.actionType, domain, verb, channel: input.channel, parameters: input.parameters }
  return {
    ...base,
    execution: { surfaceTool: `__action:${input.actionType}`, surfaceCommand: input.actionType },
    normHash: normHash(base, sha256),
  }
}

/** Compiles risk rules; error issues abort with `EngineError(InvalidPack)`. */
export function compileRiskRules(sources: readonly RiskRuleDocument[]): {
  rules: Map<string, CompiledRiskRule>
  warnings: ValidationIssue[]
} {
  const rules = new Map<string, CompiledRiskRule>()
  const errors: ValidationIssue[] = []
  const warnings: ValidationIssue[] = []
  for (const { doc, path: file, locate, compiled } of sources) {
    // Compiled (and its issues reported) by loadPackSet; only hand-made documents compile here.
    const result = compiled ? { rule: compiled, issues: [] } : compileRiskRule(doc, file)
    for (const found of result.issues) {
      const pos = found.line === undefined ? locate(found.path) : undefined
      const i = pos ? { ...found, line: pos.line, column: pos.column } : found
      ;(i.severity === IssueSeverity.Error ? errors : warnings).push(i)
    }
    if (!result.rule) continue
    const existing = rules.get(result.rule.actionType)
    if (existing) {
      warnings.push({
        severity: IssueSeverity.Warning,
        code: 'duplicate_risk_rule',
        message: `risk rule for ${result.rule.actionType} replaces the one in ${existing.file ?? '?'}`,
        path: ['action_type'],
        file,
      })
    }
    rules.set(result.rule.actionType, result.rule)
  }
  if (errors.length > 0) {
    throw new EngineError(
      EngineErrorCode.InvalidPack,
      `risk rule validation failed: ${errors.map(formatIssue).join('; ')}`,
      { issues: errors },
    )
  }
  return { rules, warnings }
}

function loadPacks(files: readonly PackFile[] | undefined): PackSet {
  if (files === undefined) {
    throw new EngineError(EngineErrorCode.InvalidPack, 'createEngine needs `packs` (file texts) or `packSet`')
  }
  const loaded = loadPackSet(files)
  if (!loaded.ok) {
    const errors = loaded.issues.filter((i) => i.severity === IssueSeverity.Error)
    throw new EngineError(EngineErrorCode.InvalidPack, `pack loading failed: ${errors.map(formatIssue).join('; ')}`, {
      issues: errors,
    })
  }
  return loaded.packSet
}

export function createEngine(options: EngineOptions): Engine {
  if (!parsersReady()) {
    throw new EngineError(
      EngineErrorCode.ParsersNotReady,
      'the WASM parsers are not loaded: `await initParsers()` (from @permit0/engine) once before createEngine()',
    )
  }
  const built = buildScoringConfig(options.profile)
  if (!built.ok) {
    throw new EngineError(
      EngineErrorCode.InvalidProfile,
      `profile ${options.profile?.id ?? ''} rejected: ${built.issues.map(formatIssue).join('; ')}`,
      { issues: built.issues },
    )
  }
  const config = built.config
  const packSet = options.packSet ?? loadPacks(options.packs)
  const { rules, warnings } = compileRiskRules(packSet.riskRules)
  const model: ScoringModel = {
    rules,
    scorer: createHybridScorer(config),
    namedSets: createNamedSets(config.namedSets),
  }
  const registry = packSet.registry
  const ttl = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS
  const fingerprint = options.fingerprint ?? `${SCORING_MODEL_VERSION}/${options.profile?.id ?? '<none>'}`
  const reviewer = options.reviewer
  const sha256 = options.sha256 ?? sha256Hex

  function normalizeWith(call: RawToolCall, ctx?: NormalizeContext): { action: NormAction; normalizer?: NormalizerRef } {
    const orgDomain = ctx?.orgDomain ?? options.orgDomain
    const r = runNormalize(registry, call, orgDomain === undefined ? {} : { orgDomain }, sha256)
    if (!r.ok) throw r.error
    return r.normalizer === undefined ? { action: r.action } : { action: r.action, normalizer: r.normalizer }
  }

  const normalize = (call: RawToolCall, ctx?: NormalizeContext): NormAction => normalizeWith(call, ctx).action

  async function finish(
    action: NormAction,
    rawParameters: JsonValue,
    opts: CheckOptions,
    normalizer?: NormalizerRef,
  ): Promise<Verdict> {
    const lookup = await opts.store.lookup(action.normHash, opts.nowMs)
    const orgDomain = opts.orgDomain ?? options.orgDomain
    const answeredByLookup = lookup.denylisted || lookup.allowlisted || lookup.cached !== undefined
    const session = typeof opts.session === 'function' ? (answeredByLookup ? undefined : await opts.session()) : opts.session
    const decision = decidePipeline(
      model,
      action,
      lookup,
      {
        rawParameters,
        nowMs: opts.nowMs,
        ...(session ? { session } : {}),
        ...(orgDomain === undefined ? {} : { orgDomain }),
      },
      [normalizeStage(action, normalizer)],
    )
    let verdict = decision.verdict
    if (reviewer && verdict.source === DecisionSource.Scorer && verdict.permission === Permission.Human && verdict.risk) {
      const outcome = await runReviewer(reviewer, {
        action,
        risk: verdict.risk,
        rawParameters,
        ...(opts.taskGoal === undefined ? {} : { taskGoal: opts.taskGoal }),
        ...(session === undefined ? {} : { session }),
      })
      verdict = {
        ...verdict,
        permission: outcome.permission,
        source: DecisionSource.AgentReviewer,
        trace: [
          ...verdict.trace,
          {
            stage: TraceStageName.AgentReview,
            outcome: outcome.consulted ? 'evaluated' : 'skipped',
            detail: { verdict: outcome.permission, permission: outcome.permission, reason: outcome.reason },
          },
        ],
      }
    }
    if (!decision.sessionDependent && isCacheable(verdict)) {
      await opts.store.cacheSet({
        normHash: action.normHash,
        permission: verdict.permission,
        source: verdict.source,
        ...(verdict.risk ? { risk: verdict.risk } : {}),
        createdAtMs: opts.nowMs,
        expiresAtMs: opts.nowMs + ttl,
        fingerprint,
      })
    }
    return verdict
  }

  return {
    config,
    fingerprint,
    ...(options.profile ? { profileId: options.profile.id } : {}),
    actionTypes: [...rules.keys()].sort(),
    warnings,
    normalize,
    toNormAction: (input) => toNormAction(input, sha256),
    assess: (action, o = {}) =>
      scoreAction(model, action, {
        rawParameters: o.rawParameters ?? action.parameters,
        ...(o.session ? { session: o.session } : {}),
        ...(o.nowMs === undefined ? {} : { nowMs: o.nowMs }),
      }),
    decide: (action, lookup, ctx) =>
      decidePipeline(
        model,
        action,
        lookup,
        { ...ctx, ...(ctx.orgDomain === undefined && options.orgDomain !== undefined ? { orgDomain: options.orgDomain } : {}) },
        [normalizeStage(action)],
      ),
    check: (call, opts) => {
      const orgDomain = opts.orgDomain
      const { action, normalizer } = normalizeWith(call, orgDomain === undefined ? undefined : { orgDomain })
      return finish(action, call.parameters, opts, normalizer)
    },
    checkAction: (action, opts) => finish(action, action.parameters, opts),
  }
}
