/** RawToolCall → NormAction: alias rewrite, priority dispatch, extraction, fallback, hash. */
import { canonicalJson, normHash, sha256Hex, type Sha256Hex } from '../canonical/norm-hash.ts'
import type { ConditionEnv } from '../conditions/compile-condition.ts'
import { walkPath } from '../conditions/path.ts'
import { isJsonObject } from '../conditions/values.ts'
import { EngineError, EngineErrorCode } from '../errors.ts'
import { UNKNOWN_ACTION_TYPE } from '../taxonomy/taxonomy.ts'
import type { JsonObject, JsonValue, NormAction, NormalizeContext, RawToolCall } from '../types.ts'
import { resolveAlias } from './aliases.ts'
import type { CompiledNormalizer, ExtractionInput, PathResolver } from './compile-normalizer.ts'
import type { NormalizerRegistry } from './registry.ts'

export type NormalizeResult =
  | { readonly ok: true; readonly action: NormAction; readonly normalizer?: CompiledNormalizer }
  | { readonly ok: false; readonly error: EngineError }

/**
 * Normalizes one call. A matched normalizer that fails (missing required field) is final: it
 * never falls through to lower priorities or the fallback (fail closed). `sha256` computes the
 * norm_hash (default: the pure-JS `sha256Hex`).
 */
export function normalize(
  registry: NormalizerRegistry,
  call: RawToolCall,
  ctx: NormalizeContext = {},
  sha256: Sha256Hex = sha256Hex,
): NormalizeResult {
  let toolName = call.toolName
  const alias = registry.aliases.get(toolName)
  if (alias) toolName = resolveAlias(alias, call.parameters) ?? toolName
  const env: ConditionEnv = { toolName, metadata: call.metadata }
  for (const n of registry.candidates(toolName)) {
    if (n.match(call.parameters, env)) return applyNormalizer(n, call, toolName, ctx, sha256)
  }
  return { ok: true, action: fallbackAction(call, sha256) }
}

/** Like `normalize` but throws the `EngineError` on failure. */
export function normalizeOrThrow(
  registry: NormalizerRegistry,
  call: RawToolCall,
  ctx: NormalizeContext = {},
  sha256: Sha256Hex = sha256Hex,
): NormAction {
  const r = normalize(registry, call, ctx, sha256)
  if (!r.ok) throw r.error
  return r.action
}

function applyNormalizer(
  n: CompiledNormalizer,
  call: RawToolCall,
  toolName: string,
  ctx: NormalizeContext,
  sha256: Sha256Hex,
): NormalizeResult {
  const input: ExtractionInput = { parameters: call.parameters, metadata: call.metadata, ctx }
  const parameters: JsonObject = {}
  for (const p of n.parameters) {
    if (p.kind === 'compute') {
      const args: JsonValue[] = new Array<JsonValue>(p.args.length)
      for (let i = 0; i < args.length; i++) args[i] = (p.args[i] as PathResolver)(input) ?? null
      parameters[p.name] = p.helper.fn(args)
      continue
    }
    let found: JsonValue | undefined
    for (const resolve of p.sources) {
      const v = resolve(input)
      if (v !== undefined && v !== null) {
        found = v
        break
      }
    }
    if (found === undefined) {
      if (p.required) {
        return {
          ok: false,
          error: new EngineError(
            EngineErrorCode.MissingRequiredField,
            `missing required field '${p.name}' in tool call '${toolName}'`,
            { field: p.name, toolName, normalizer: n.id, file: n.file },
          ),
        }
      }
      if (p.default !== undefined) parameters[p.name] = p.default
      continue
    }
    let value = p.coerce ? p.coerce(found) : found
    if (p.transform) value = p.transform(value)
    parameters[p.name] = value
  }
  let resolvedType = n.actionType
  if (n.derivedActionType) {
    const d = n.derivedActionType
    const v = walkPath(parameters, d.segments)
    const t = typeof v === 'string' ? d.allowed.get(v) : undefined
    if (t === undefined) {
      return {
        ok: false,
        error: new EngineError(
          EngineErrorCode.InvalidActionType,
          `normalizer '${n.id}' derived action type ${JSON.stringify(v ?? null)} from '${d.source}', which is not in its allowed list`,
          { normalizer: n.id, file: n.file, toolName, derived: v ?? null },
        ),
      }
    }
    resolvedType = t
  }
  const { domain, verb, name: actionType } = resolvedType
  const channel = n.channel
  return {
    ok: true,
    normalizer: n,
    action: {
      actionType,
      domain,
      verb,
      channel,
      parameters,
      execution: { surfaceTool: toolName, surfaceCommand: surfaceCommand(call.parameters, toolName) },
      normHash: normHash({ actionType, domain, verb, channel, parameters }, sha256),
    },
  }
}

function surfaceCommand(parameters: JsonValue, toolName: string): string {
  if (isJsonObject(parameters)) {
    const { method, url, command } = parameters
    if (typeof method === 'string' && typeof url === 'string') return `${method} ${url}`
    if (typeof command === 'string') return command
  }
  return toolName
}

/**
 * The `unknown.unclassified` action for a call no normalizer claims (original tool name). Its
 * norm_hash covers the tool name AND every parameter (`raw_parameters_sha256`, the SHA-256 of their
 * canonical JSON), so a verdict on one call of an unknown tool can never answer another call of it.
 */
export function fallbackAction(call: RawToolCall, sha256: Sha256Hex = sha256Hex): NormAction {
  let command: string
  let digest: string
  try {
    command = canonicalJson(call.parameters)
    digest = sha256(command)
  } catch {
    // Not canonicalisable: no two such calls may share a hash-keyed verdict; the tool name and the
    // failure marker still differ from every hashable call.
    command = ''
    digest = 'unhashable'
  }
  const parameters: JsonObject = { raw_tool_name: call.toolName, raw_parameters_sha256: digest }
  const [domain, verb] = UNKNOWN_ACTION_TYPE.split('.') as [string, string]
  return {
    actionType: UNKNOWN_ACTION_TYPE,
    domain,
    verb,
    channel: call.toolName,
    parameters,
    execution: { surfaceTool: call.toolName, surfaceCommand: command },
    normHash: normHash({ actionType: UNKNOWN_ACTION_TYPE, domain, verb, channel: call.toolName, parameters }, sha256),
  }
}
