/** Validates one normalizer document and compiles it into matchers and extractors. */
import { compileCondition, type Condition, type ConditionEnv } from '../conditions/compile-condition.ts'
import { parsePath, walkPath, type PathSegment } from '../conditions/path.ts'
import { isJsonObject } from '../conditions/values.ts'
import type { IssuePath, ValidationIssue } from '../errors.ts'
import { getHelper, type HelperDef } from '../helpers/index.ts'
import { DocReader } from '../packs/doc-checks.ts'
import { parseActionType, type ActionType } from '../taxonomy/taxonomy.ts'
import type { JsonObject, JsonValue, NormalizeContext } from '../types.ts'
import { coercionFor, PARAMETER_TYPES, transformFor, type Coercion, type ParameterType } from './coerce.ts'

/** What a parameter path reads: the call's parameters (plus injected `org_domain`) or metadata. */
export interface ExtractionInput {
  readonly parameters: JsonValue
  readonly metadata: JsonObject
  readonly ctx: NormalizeContext
}

export type PathResolver = (input: ExtractionInput) => JsonValue | undefined

export type CompiledParameter =
  | {
      readonly name: string
      readonly kind: 'compute'
      readonly helper: HelperDef
      readonly args: readonly PathResolver[]
    }
  | {
      readonly name: string
      readonly kind: 'extract'
      readonly sources: readonly PathResolver[]
      readonly required: boolean
      readonly default?: JsonValue
      readonly coerce?: Coercion
      readonly transform?: Coercion
    }

export interface CompiledNormalizer {
  readonly id: string
  readonly priority: number
  /** Pack id (`owner/name`) and file path (relative to the packs root) it came from. */
  readonly pack: string
  readonly file: string
  readonly actionType: ActionType
  /** The vendor label (`normalize.source` in pack YAML). */
  readonly channel: string
  /** When the match requires one exact tool name, that name (used to index dispatch). */
  readonly exactTool?: string
  readonly match: Condition
  /** Sorted by name, so parameters come out with sorted keys. */
  readonly parameters: readonly CompiledParameter[]
  /**
   * `normalize.action_type_from`: the action type is read from a computed parameter (e.g. the
   * `action` of `shell_facts`) and must be one of `allowed`; anything else fails the call.
   */
  readonly derivedActionType?: DerivedActionType
}

export interface DerivedActionType {
  readonly segments: readonly PathSegment[]
  readonly source: string
  readonly allowed: ReadonlyMap<string, ActionType>
}

const TOP_KEYS = ['permit0_pack', 'id', 'priority', 'extends', 'api_version', 'match', 'normalize']
const NORMALIZE_KEYS = ['action_type', 'action_type_from', 'domain', 'verb', 'source', 'parameters']
const PARAM_KEYS = [
  'from', 'from_any', 'type', 'required', 'optional', 'default', 'lowercase', 'uppercase', 'trim',
  'compute', 'args',
]
const API_VERSION_KEYS = ['vendor', 'range', 'detected_from', 'sunset']

export interface CompileNormalizerResult {
  readonly normalizer?: CompiledNormalizer
  readonly issues: readonly ValidationIssue[]
  /** The declared action type string, when present (even if invalid), for coverage checks. */
  readonly declaredActionType?: string
  /** Every action type the normalizer may produce (`action_type` plus `action_type_from.allowed`). */
  readonly producedActionTypes?: readonly string[]
}

export function compileNormalizer(
  doc: unknown,
  where: { readonly pack: string; readonly file: string },
): CompileNormalizerResult {
  const r = new DocReader()
  const root = r.mapping(doc, [], 'a normalizer file')
  if (!root) return { issues: r.issues }
  r.keys(root, TOP_KEYS, [], 'a normalizer')
  r.string(root, 'permit0_pack', [], true)
  const id = r.string(root, 'id', [], true)
  const priority = r.int(root, 'priority', [], true)
  r.string(root, 'extends', [], false)
  if (Object.hasOwn(root, 'api_version')) {
    const av = r.mapping(root.api_version, ['api_version'], 'api_version')
    if (av) {
      r.keys(av, API_VERSION_KEYS, ['api_version'], 'api_version')
      for (const k of ['vendor', 'range', 'detected_from']) r.string(av, k, ['api_version'], true)
      r.string(av, 'sunset', ['api_version'], false)
    }
  }

  let match: Condition | undefined
  let exactTool: string | undefined
  if (!Object.hasOwn(root, 'match')) {
    r.error('missing_key', ['match'], `missing required key 'match'`, 'match')
  } else {
    const compiled = compileCondition(root.match, ['match'], { allowTool: true, metadataPaths: true })
    r.issues.push(...compiled.issues)
    match = compiled.condition
    exactTool = findExactTool(root.match)
  }

  const norm = Object.hasOwn(root, 'normalize')
    ? r.mapping(root.normalize, ['normalize'], "'normalize'")
    : (r.error('missing_key', ['normalize'], `missing required key 'normalize'`, 'normalize'), undefined)
  let actionType: ActionType | undefined
  let declaredActionType: string | undefined
  let channel: string | undefined
  let derived: DerivedActionType | undefined
  const parameters: CompiledParameter[] = []
  if (norm) {
    const np = ['normalize']
    r.keys(norm, NORMALIZE_KEYS, np, "'normalize'")
    declaredActionType = r.string(norm, 'action_type', np, true)
    const domain = r.string(norm, 'domain', np, true)
    const verb = r.string(norm, 'verb', np, true)
    channel = r.string(norm, 'source', np, true)
    if (declaredActionType !== undefined) {
      const parsed = parseActionType(declaredActionType)
      if (parsed.ok) {
        actionType = parsed.actionType
        if (domain !== undefined && domain !== parsed.actionType.domain) {
          r.error('inconsistent_action_type', [...np, 'domain'], `domain '${domain}' does not match action_type '${declaredActionType}'`, 'domain')
        }
        if (verb !== undefined && verb !== parsed.actionType.verb) {
          r.error('inconsistent_action_type', [...np, 'verb'], `verb '${verb}' does not match action_type '${declaredActionType}'`, 'verb')
        }
      } else {
        r.error('invalid_action_type', [...np, 'action_type'], `invalid action_type '${declaredActionType}': ${parsed.message}`, 'action_type')
      }
    }
    if (Object.hasOwn(norm, 'action_type_from')) {
      derived = compileDerivedActionType(norm.action_type_from, [...np, 'action_type_from'], r)
    }
    if (Object.hasOwn(norm, 'parameters') && norm.parameters !== null) {
      const params = r.mapping(norm.parameters, [...np, 'parameters'], "'parameters'")
      if (params) {
        for (const name of Object.keys(params).sort()) {
          const p = compileParameter(name, params[name], [...np, 'parameters', name], r)
          if (p) parameters.push(p)
        }
      }
    }
  }

  const hasErrors = r.issues.some((i) => i.severity === 'error')
  if (hasErrors || id === undefined || priority === undefined || !match || !actionType || channel === undefined) {
    return { issues: r.issues, ...(declaredActionType === undefined ? {} : { declaredActionType }) }
  }
  const produced = [actionType.name, ...(derived ? [...derived.allowed.keys()] : [])]
  return {
    issues: r.issues,
    declaredActionType: actionType.name,
    producedActionTypes: [...new Set(produced)],
    normalizer: {
      id,
      priority,
      pack: where.pack,
      file: where.file,
      actionType,
      channel,
      ...(exactTool === undefined ? {} : { exactTool }),
      match,
      parameters,
      ...(derived ? { derivedActionType: derived } : {}),
    },
  }
}

/** `action_type_from: { parameter: <path in the normalized parameters>, allowed: [domain.verb…] }` */
function compileDerivedActionType(
  raw: JsonValue | undefined,
  path: IssuePath,
  r: DocReader,
): DerivedActionType | undefined {
  const def = r.mapping(raw, path, "'action_type_from'")
  if (!def) return undefined
  const before = r.issues.length
  r.keys(def, ['parameter', 'allowed'], path, "'action_type_from'")
  const source = r.string(def, 'parameter', path, true)
  const list = r.stringList(def, 'allowed', path, true) ?? []
  const allowed = new Map<string, ActionType>()
  list.forEach((name, i) => {
    const parsed = parseActionType(name)
    if (parsed.ok) allowed.set(name, parsed.actionType)
    else r.error('invalid_action_type', [...path, 'allowed', i], `invalid action_type '${name}': ${parsed.message}`)
  })
  if (list.length === 0) r.error('empty_list', [...path, 'allowed'], `'allowed' must list at least one action type`, 'allowed')
  if (source === undefined || r.issues.length > before) return undefined
  return { segments: parsePath(source).segments, source, allowed }
}

function compileParameter(
  name: string,
  raw: JsonValue | undefined,
  path: IssuePath,
  r: DocReader,
): CompiledParameter | undefined {
  const def = r.mapping(raw, path, `parameter '${name}'`)
  if (!def) return undefined
  const before = r.issues.length
  r.keys(def, PARAM_KEYS, path, `parameter '${name}'`)
  const compute = r.string(def, 'compute', path, false)
  if (compute !== undefined) {
    for (const k of ['from', 'from_any', 'type', 'required', 'optional', 'default', 'lowercase', 'uppercase', 'trim']) {
      if (Object.hasOwn(def, k)) {
        r.error('ignored_key', [...path, k], `'${k}' has no effect with 'compute' (helper results are always inserted)`, k)
      }
    }
    const args = r.stringList(def, 'args', path, false) ?? []
    const helper = getHelper(compute)
    if (!helper) {
      r.error('unknown_helper', [...path, 'compute'], `unknown helper '${compute}'`, 'compute')
      return undefined
    }
    if (helper.variadic === true ? args.length < helper.arity : args.length !== helper.arity) {
      const takes = helper.variadic === true ? `at least ${helper.arity}` : String(helper.arity)
      r.error('helper_arity', [...path, 'args'], `helper '${compute}' takes ${takes} argument(s), got ${args.length}`, 'args')
      return undefined
    }
    if (r.issues.length > before) return undefined
    return { name, kind: 'compute', helper, args: args.map(compileParamPath) }
  }
  if (Object.hasOwn(def, 'args')) r.error('ignored_key', [...path, 'args'], `'args' needs 'compute'`, 'args')
  const from = r.string(def, 'from', path, false)
  const fromAny = r.stringList(def, 'from_any', path, false) ?? []
  const type = r.string(def, 'type', path, false)
  if (type !== undefined && !(PARAMETER_TYPES as readonly string[]).includes(type)) {
    r.error('unknown_parameter_type', [...path, 'type'], `unknown parameter type '${type}' (valid: ${PARAMETER_TYPES.join(', ')})`, 'type')
  }
  const required = r.bool(def, 'required', path) ?? false
  const optional = r.bool(def, 'optional', path) ?? false
  const trim = r.bool(def, 'trim', path)
  const lowercase = r.bool(def, 'lowercase', path)
  const uppercase = r.bool(def, 'uppercase', path)
  const hasDefault = Object.hasOwn(def, 'default') && def.default !== null
  if (required && optional) {
    r.error('conflicting_requirement', [...path, 'required'], `'${name}' has both required: true and optional: true`, 'required')
  }
  if (required && hasDefault) {
    r.error('required_with_default', [...path, 'default'], `required parameter '${name}' cannot have a default`, 'default')
  }
  if (lowercase && uppercase) {
    r.error('conflicting_transform', [...path, 'uppercase'], `'${name}' has both lowercase and uppercase`, 'uppercase')
  }
  if (from === undefined && fromAny.length === 0 && !hasDefault) {
    r.error('no_source', path, `parameter '${name}' needs 'from', 'from_any', 'compute' or a 'default'`)
  }
  if (r.issues.length > before) return undefined
  const coerce = coercionFor(type as ParameterType | undefined)
  const transform = transformFor({ trim, lowercase, uppercase })
  return {
    name,
    kind: 'extract',
    sources: [...(from === undefined ? [] : [from]), ...fromAny].map(compileParamPath),
    required,
    ...(hasDefault ? { default: def.default as JsonValue } : {}),
    ...(coerce ? { coerce } : {}),
    ...(transform ? { transform } : {}),
  }
}

/**
 * A `from`/`args` path. It reads the "effective parameters": the call's parameters (a
 * non-object is visible as `_raw`; `_params` is the whole value), with `org_domain` replaced by the context's org domain when
 * one is set (anti-spoofing), and `metadata.*` reading the call metadata.
 */
export function compileParamPath(source: string): PathResolver {
  const compiled = parsePath(source, { metadataPaths: true })
  const segs = compiled.segments
  if (compiled.root === 'metadata') return (input) => walkPath(input.metadata, segs)
  const first = (segs[0] as { key: string }).key
  // `_params`: the whole parameters value (for helpers that judge or digest every parameter).
  if (first === '_params' && segs.length === 1) return (input) => input.parameters
  return (input) => {
    if (first === 'org_domain' && input.ctx.orgDomain !== undefined) {
      return walkPath(input.ctx.orgDomain, segs, 1)
    }
    const params = input.parameters
    if (!isJsonObject(params)) return first === '_raw' ? walkPath(params, segs, 1) : undefined
    return walkPath(params, segs)
  }
}

/** The tool name a match requires, if it pins one (`tool: X` at the top or inside `all`). */
function findExactTool(node: unknown): string | undefined {
  if (!isJsonObject(node)) return undefined
  if (typeof node.tool === 'string' && !Object.hasOwn(node, 'all') && !Object.hasOwn(node, 'any') && !Object.hasOwn(node, 'not')) {
    return node.tool
  }
  if (Array.isArray(node.all) && Object.keys(node).length === 1) {
    for (const child of node.all) {
      const t = findExactTool(child)
      if (t !== undefined) return t
    }
  }
  return undefined
}

export type { ConditionEnv }
