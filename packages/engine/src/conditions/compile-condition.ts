/**
 * The match/condition language shared by normalizer `match:` and risk-rule `when:` (see
 * docs/packs-format.md). Conditions are compiled once into closures; every shape the reference
 * silently misreads (unknown operators, `equals:`, sibling keys next to `all`/`any`/`not`,
 * wrongly typed operator values, list predicates, inert operators) is a validation issue here.
 */
import { issue, type IssuePath, type ValidationIssue } from '../errors.ts'
import type { JsonObject, JsonValue } from '../types.ts'
import { inNamedSet, type NamedSets } from './named-sets.ts'
import { parsePath, walkPath, type CompiledPath } from './path.ts'
import { compileRegex } from './regex.ts'
import { asNumber, asString, isJsonObject, valuesEqual } from './values.ts'

/** Per-evaluation inputs besides the data root. */
export interface ConditionEnv {
  /** The tool name (normalizer `match` only); `tool:` leaves compare against it. */
  readonly toolName?: string
  /** Call metadata, read by `metadata.*` paths when compiled with `metadataPaths`. */
  readonly metadata?: JsonObject
  /** Named sets for `in_set` / `not_in_set` (risk rules; from the profile). */
  readonly namedSets?: NamedSets
  /**
   * Risk rules: the normalized parameters, read by `parameter.*` paths instead of a `parameter`
   * key of the data (saves copying the raw parameters per call). Set only when the data has no
   * own `parameter` key, which would win.
   */
  readonly parameter?: JsonObject
}

export type Condition = (data: JsonValue, env: ConditionEnv) => boolean

export interface CompileConditionOptions {
  /** Allow the `tool:` shorthand (normalizer `match`). Elsewhere it is an error. Default false. */
  readonly allowTool?: boolean
  /** Resolve `metadata.*` paths from `env.metadata` (normalizers). Default false. */
  readonly metadataPaths?: boolean
}

export interface CompileConditionResult {
  /** Always callable; parts that failed validation evaluate to false (fail closed). */
  readonly condition: Condition
  readonly issues: readonly ValidationIssue[]
}

/** The operators of a compound predicate, in evaluation order. */
export const CONDITION_OPERATORS = [
  'exists', 'contains', 'starts_with', 'ends_with', 'regex', 'in', 'not_in', 'gt', 'gte', 'lt',
  'lte', 'not_empty', 'matches_url', 'contains_any', 'in_set', 'not_in_set', 'any_match',
] as const
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number]

const OPERATOR_SET: ReadonlySet<string> = new Set(CONDITION_OPERATORS)
const COMBINATORS = ['all', 'any', 'not'] as const

const TRUE = (): boolean => true
const FALSE = (): boolean => false

type ValuePredicate = (value: JsonValue | undefined, env: ConditionEnv) => boolean

/**
 * Compiles a condition node (the parsed YAML value) found at `path` in its document.
 * Issues carry paths relative to the document root (i.e. prefixed with `path`).
 */
export function compileCondition(
  node: unknown,
  path: IssuePath,
  options: CompileConditionOptions = {},
): CompileConditionResult {
  const issues: ValidationIssue[] = []
  const condition = compileNode(node, path, options, issues)
  return { condition, issues }
}

function compileNode(
  node: unknown,
  path: IssuePath,
  opts: CompileConditionOptions,
  issues: ValidationIssue[],
): Condition {
  if (!isJsonObject(node)) {
    issues.push(
      issue('invalid_condition', path, `a condition must be a mapping, got ${describe(node)}`),
    )
    return FALSE
  }
  const keys = Object.keys(node)
  const combinator = COMBINATORS.find((c) => Object.hasOwn(node, c))
  if (combinator !== undefined) {
    const siblings = keys.filter((k) => k !== combinator)
    if (siblings.length > 0) {
      for (const k of siblings) {
        issues.push(
          issue(
            'combinator_sibling',
            [...path, k],
            `key '${k}' next to '${combinator}' would be ignored; move it into an 'all:' list`,
            { key: k },
          ),
        )
      }
      return FALSE
    }
    const value = node[combinator]
    const childPath = [...path, combinator]
    if (combinator === 'not') {
      const inner = compileNode(value, childPath, opts, issues)
      return (data, env) => !inner(data, env)
    }
    if (!Array.isArray(value)) {
      issues.push(
        issue('invalid_condition', childPath, `'${combinator}' takes a list of conditions, got ${describe(value)}`, {
          key: combinator,
        }),
      )
      return FALSE
    }
    const children = value.map((c, i) => compileNode(c, [...childPath, i], opts, issues))
    if (combinator === 'all') {
      if (children.length === 0) return TRUE
      if (children.length === 1) return children[0] as Condition
      return (data, env) => {
        for (const c of children) if (!c(data, env)) return false
        return true
      }
    }
    if (children.length === 0) return FALSE
    return (data, env) => {
      for (const c of children) if (c(data, env)) return true
      return false
    }
  }

  // Leaf: every field predicate must hold.
  const entries: Condition[] = []
  for (const field of keys) {
    entries.push(compileField(field, node[field], [...path, field], opts, issues))
  }
  if (entries.length === 0) return TRUE
  if (entries.length === 1) return entries[0] as Condition
  return (data, env) => {
    for (const e of entries) if (!e(data, env)) return false
    return true
  }
}

function compileField(
  field: string,
  predicate: JsonValue | undefined,
  path: IssuePath,
  opts: CompileConditionOptions,
  issues: ValidationIssue[],
): Condition {
  if (field === 'tool') {
    if (!opts.allowTool) {
      issues.push(
        issue('tool_not_allowed', path, `'tool' can only be matched in a normalizer 'match'; here it would never match`, {
          key: field,
        }),
      )
      return FALSE
    }
    if (typeof predicate !== 'string') {
      issues.push(
        issue('invalid_predicate', path, `'tool' must be an exact tool name (a string), got ${describe(predicate)}`, {
          key: field,
        }),
      )
      return FALSE
    }
    return (_data, env) => env.toolName === predicate
  }
  if (field === '') {
    issues.push(issue('invalid_path', path, 'empty field path', { key: field }))
    return FALSE
  }
  const compiled = parsePath(field, opts.metadataPaths ? { metadataPaths: true } : {})
  const test = compilePredicate(predicate, path, issues, field)
  const resolve = resolverFor(compiled)
  return (data, env) => test(resolve(data, env), env)
}

/** A resolver for a compiled path against the condition data root or the call metadata. */
export function resolverFor(
  compiled: CompiledPath,
): (data: JsonValue, env: ConditionEnv) => JsonValue | undefined {
  const { segments } = compiled
  if (compiled.root === 'metadata') {
    return (_data, env) => (env.metadata === undefined ? undefined : walkPath(env.metadata, segments))
  }
  const key = (segments[0] as { key: string }).key
  const fromData: (data: JsonValue) => JsonValue | undefined =
    segments.length === 1
      ? (data) => (isJsonObject(data) && Object.hasOwn(data, key) ? data[key] : walkPath(data, segments))
      : (data) => walkPath(data, segments)
  if (key !== 'parameter') return fromData
  return (data, env) => (env.parameter === undefined ? fromData(data) : walkPath(env.parameter, segments, 1))
}

function compilePredicate(
  predicate: JsonValue | undefined,
  path: IssuePath,
  issues: ValidationIssue[],
  field: string,
): ValuePredicate {
  if (Array.isArray(predicate)) {
    issues.push(
      issue(
        'list_predicate',
        path,
        `a list is not a predicate for '${field}'; use 'in: [...]' for membership or 'contains_any: [...]'`,
        { key: field },
      ),
    )
    return FALSE
  }
  if (predicate === undefined) {
    issues.push(issue('invalid_predicate', path, `missing predicate for '${field}'`, { key: field }))
    return FALSE
  }
  if (!isJsonObject(predicate)) {
    const expected = predicate
    return (value) => value !== undefined && valuesEqual(value, expected)
  }
  return compileCompound(predicate, path, issues)
}

type Check = (value: JsonValue, env: ConditionEnv) => boolean

function compileCompound(ops: JsonObject, path: IssuePath, issues: ValidationIssue[]): ValuePredicate {
  const before = issues.length
  const bad = (key: string, message: string): void => {
    issues.push(issue('invalid_operator_value', [...path, key], message, { key }))
  }
  for (const key of Object.keys(ops)) {
    if (OPERATOR_SET.has(key)) continue
    let message = `unknown operator '${key}' (known: ${CONDITION_OPERATORS.join(', ')})`
    if (key === 'equals') message = `'equals' is not an operator; write the value directly ('field: value') or use 'in: [value]'`
    if (key === 'equals_ctx') message = `'equals_ctx' is not supported (the reference parses it but never evaluates it)`
    issues.push(issue('unknown_operator', [...path, key], message, { key }))
  }

  const checks: Check[] = []
  let exists: boolean | undefined
  for (const op of CONDITION_OPERATORS) {
    if (!Object.hasOwn(ops, op)) continue
    const arg = ops[op] as JsonValue
    switch (op) {
      case 'exists':
        if (typeof arg !== 'boolean') bad(op, `'exists' takes true or false, got ${describe(arg)}`)
        else exists = arg
        break
      case 'contains':
      case 'starts_with':
      case 'ends_with': {
        if (typeof arg !== 'string') {
          bad(op, `'${op}' takes a string, got ${describe(arg)}`)
          break
        }
        const needle = arg
        if (op === 'contains') checks.push((v) => asString(v)?.includes(needle) ?? false)
        else if (op === 'starts_with') checks.push((v) => asString(v)?.startsWith(needle) ?? false)
        else checks.push((v) => asString(v)?.endsWith(needle) ?? false)
        break
      }
      case 'regex': {
        if (typeof arg !== 'string') {
          bad(op, `'regex' takes a pattern string, got ${describe(arg)}`)
          break
        }
        const compiled = compileRegex(arg)
        if (!compiled.ok) {
          bad(op, `invalid regex ${JSON.stringify(arg)}: ${compiled.message}`)
          break
        }
        const re = compiled.regex
        checks.push((v) => {
          const s = asString(v)
          return s !== undefined && re.test(s)
        })
        break
      }
      case 'in':
      case 'not_in': {
        if (!Array.isArray(arg)) {
          bad(op, `'${op}' takes a list of values, got ${describe(arg)}`)
          break
        }
        const items = arg
        if (op === 'in') checks.push((v) => items.some((item) => valuesEqual(v, item)))
        else checks.push((v) => !items.some((item) => valuesEqual(v, item)))
        break
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        if (typeof arg !== 'number') {
          bad(op, `'${op}' takes a number, got ${describe(arg)}`)
          break
        }
        const n = arg
        const cmp =
          op === 'gt'
            ? (x: number) => x > n
            : op === 'gte'
              ? (x: number) => x >= n
              : op === 'lt'
                ? (x: number) => x < n
                : (x: number) => x <= n
        checks.push((v) => {
          const x = asNumber(v)
          return x !== undefined && cmp(x)
        })
        break
      }
      case 'not_empty':
        if (typeof arg !== 'boolean') {
          bad(op, `'not_empty' takes true or false, got ${describe(arg)}`)
          break
        }
        if (arg) {
          checks.push((v) => (typeof v === 'string' || Array.isArray(v)) && v.length > 0)
        }
        break
      case 'matches_url': {
        const check = compileMatchesUrl(arg, [...path, op], issues)
        if (check) checks.push(check)
        break
      }
      case 'contains_any': {
        if (!Array.isArray(arg) || !arg.every((x) => typeof x === 'string')) {
          bad(op, `'contains_any' takes a list of strings, got ${describe(arg)}`)
          break
        }
        const needles = arg as string[]
        checks.push((v) => {
          if (Array.isArray(v)) return v.some((el) => typeof el === 'string' && needles.includes(el))
          const s = asString(v)
          return s !== undefined && needles.some((n) => s.includes(n))
        })
        break
      }
      case 'in_set':
      case 'not_in_set': {
        if (typeof arg !== 'string' || arg === '') {
          bad(op, `'${op}' takes a set name, got ${describe(arg)}`)
          break
        }
        const name = arg
        const member = (v: JsonValue, env: ConditionEnv): boolean => {
          if (Array.isArray(v)) {
            return v.some((el) => typeof el === 'string' && inNamedSet(env.namedSets, name, el))
          }
          const s = asString(v)
          return s !== undefined && inNamedSet(env.namedSets, name, s)
        }
        if (op === 'in_set') checks.push(member)
        else checks.push((v, env) => !member(v, env))
        break
      }
      case 'any_match': {
        const check = compileAnyMatch(arg, [...path, op], issues)
        if (check) checks.push(check)
        break
      }
    }
  }
  if (exists === false && Object.keys(ops).length > 1) {
    issues.push(
      issue(
        'contradictory_operators',
        [...path, 'exists'],
        `'exists: false' combined with other operators can never match`,
        { key: 'exists' },
      ),
    )
  }
  if (issues.length > before) return FALSE

  if (exists !== undefined && checks.length === 0 && Object.keys(ops).length === 1) {
    const want = exists
    return (v) => (v !== undefined && v !== null) === want
  }
  if (checks.length === 0) return (v) => v !== undefined && v !== null
  if (checks.length === 1) {
    const only = checks[0] as Check
    return (v, env) => v !== undefined && v !== null && only(v, env)
  }
  return (v, env) => {
    if (v === undefined || v === null) return false
    for (const c of checks) if (!c(v, env)) return false
    return true
  }
}

function compileMatchesUrl(arg: JsonValue, path: IssuePath, issues: ValidationIssue[]): Check | undefined {
  if (!isJsonObject(arg)) {
    issues.push(issue('invalid_operator_value', path, `'matches_url' takes {host, path, path_exact?}, got ${describe(arg)}`, { key: 'matches_url' }))
    return undefined
  }
  let ok = true
  for (const k of Object.keys(arg)) {
    if (k !== 'host' && k !== 'path' && k !== 'path_exact') {
      issues.push(issue('unknown_key', [...path, k], `unknown key '${k}' in matches_url (expected host, path, path_exact)`, { key: k }))
      ok = false
    }
  }
  const { host, path: urlPath, path_exact: exact = false } = arg
  if (typeof host !== 'string') {
    issues.push(issue('invalid_operator_value', [...path, 'host'], `'host' must be a string, got ${describe(host)}`, { key: 'host' }))
    ok = false
  }
  if (typeof urlPath !== 'string') {
    issues.push(issue('invalid_operator_value', [...path, 'path'], `'path' must be a string, got ${describe(urlPath)}`, { key: 'path' }))
    ok = false
  }
  if (typeof exact !== 'boolean') {
    issues.push(issue('invalid_operator_value', [...path, 'path_exact'], `'path_exact' must be true or false, got ${describe(exact)}`, { key: 'path_exact' }))
    ok = false
  }
  if (!ok) return undefined
  const wantHost = host as string
  const wantPath = urlPath as string
  return (v) => {
    if (typeof v !== 'string') return false
    const { host: h, path: p } = splitUrl(v)
    if (h !== wantHost) return false
    return exact ? p === wantPath : p.startsWith(wantPath)
  }
}

/** Host (cut at the first `:`) and path (up to `?`) of an http(s) URL-ish string. */
export function splitUrl(s: string): { host: string; path: string } {
  let rest = s.startsWith('https://') ? s.slice(8) : s.startsWith('http://') ? s.slice(7) : s
  const slash = rest.indexOf('/')
  let path = '/'
  if (slash >= 0) {
    path = rest.slice(slash)
    rest = rest.slice(0, slash)
    const q = path.indexOf('?')
    if (q >= 0) path = path.slice(0, q)
  }
  const colon = rest.indexOf(':')
  return { host: colon >= 0 ? rest.slice(0, colon) : rest, path }
}

function compileAnyMatch(arg: JsonValue, path: IssuePath, issues: ValidationIssue[]): Check | undefined {
  if (!isJsonObject(arg) || typeof arg.field !== 'string' || !Object.hasOwn(arg, 'value')) {
    issues.push(issue('invalid_operator_value', path, `'any_match' takes {field: <path>, value: <value>}, got ${describe(arg)}`, { key: 'any_match' }))
    return undefined
  }
  for (const k of Object.keys(arg)) {
    if (k !== 'field' && k !== 'value') {
      issues.push(issue('unknown_key', [...path, k], `unknown key '${k}' in any_match (expected field, value)`, { key: k }))
      return undefined
    }
  }
  const { segments } = parsePath(arg.field)
  const want = arg.value as JsonValue
  return (v) =>
    Array.isArray(v) &&
    v.some((el) => {
      const got = walkPath(el, segments)
      return got !== undefined && valuesEqual(got, want)
    })
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`
  return `${typeof v} ${String(v)}`
}

