import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../types.ts'
import { compileCondition, type ConditionEnv } from './compile-condition.ts'
import { createNamedSets } from './named-sets.ts'

function run(node: unknown, data: JsonValue, env: ConditionEnv = {}, opts = {}): boolean {
  const { condition, issues } = compileCondition(node, ['when'], opts)
  expect(issues).toEqual([])
  return condition(data, env)
}

function issuesOf(node: unknown, opts = {}) {
  return compileCondition(node, ['when'], opts).issues
}

describe('operators', () => {
  it.each([
    ['exact string', { a: 'x' }, { a: 'x' }, true],
    ['exact string miss', { a: 'x' }, { a: 'y' }, false],
    ['exact absent', { a: 'x' }, {}, false],
    ['exact null matches explicit null only', { a: null }, { a: null }, true],
    ['exact null vs missing', { a: null }, {}, false],
    ['string vs number loose', { a: 5 }, { a: '5.0' }, true],
    ['number vs string loose', { a: '5' }, { a: 5 }, true],
    ['bool vs "true" strict', { a: true }, { a: 'true' }, false],
    ['nested path', { 'a.b.1': 'y' }, { a: { b: ['x', 'y'] } }, true],
    ['arg. prefix', { 'arg.a': 1 }, { a: 1 }, true],
    ['index out of range', { 'a.5': 1 }, { a: [1] }, false],
    ['exists true', { a: { exists: true } }, { a: 0 }, true],
    ['exists true on null', { a: { exists: true } }, { a: null }, false],
    ['exists false on missing', { a: { exists: false } }, {}, true],
    ['contains on string', { a: { contains: 'ell' } }, { a: 'hello' }, true],
    ['contains on number', { a: { contains: '1' } }, { a: 12 }, true],
    ['contains does not search arrays', { a: { contains: '1' } }, { a: ['1'] }, false],
    ['starts_with', { a: { starts_with: 'he' } }, { a: 'hello' }, true],
    ['ends_with', { a: { ends_with: 'lo' } }, { a: 'hello' }, true],
    ['ends_with miss', { a: { ends_with: 'he' } }, { a: 'hello' }, false],
    ['regex', { a: { regex: '^h.l+o$' } }, { a: 'hello' }, true],
    ['regex inline flag', { a: { regex: '(?i)^HELLO' } }, { a: 'hello' }, true],
    ['regex unicode digit', { a: { regex: '^\\p{Nd}+$' } }, { a: '١٢٣' }, true],
    ['in', { a: { in: ['x', 'y'] } }, { a: 'y' }, true],
    ['in miss', { a: { in: ['x'] } }, { a: 'z' }, false],
    ['not_in', { a: { not_in: ['x'] } }, { a: 'z' }, true],
    ['not_in on missing is false', { a: { not_in: ['x'] } }, {}, false],
    ['gt', { a: { gt: 5 } }, { a: 6 }, true],
    ['gt string number', { a: { gt: 5 } }, { a: '6' }, true],
    ['gte', { a: { gte: 5 } }, { a: 5 }, true],
    ['lt', { a: { lt: 5 } }, { a: 5 }, false],
    ['lte', { a: { lte: 5 } }, { a: 5 }, true],
    ['gt non-numeric', { a: { gt: 5 } }, { a: 'abc' }, false],
    ['not_empty string', { a: { not_empty: true } }, { a: '' }, false],
    ['not_empty list', { a: { not_empty: true } }, { a: [1] }, true],
    ['not_empty number', { a: { not_empty: true } }, { a: 3 }, false],
    ['matches_url prefix', { u: { matches_url: { host: 'api.x.com', path: '/v1' } } }, { u: 'https://api.x.com:443/v1/a?q=1' }, true],
    ['matches_url exact', { u: { matches_url: { host: 'api.x.com', path: '/v1', path_exact: true } } }, { u: 'http://api.x.com/v1/a' }, false],
    ['matches_url no path', { u: { matches_url: { host: 'x.com', path: '/', path_exact: true } } }, { u: 'x.com' }, true],
    ['contains_any string', { a: { contains_any: ['pw', 'token'] } }, { a: 'my token' }, true],
    ['contains_any array exact', { a: { contains_any: ['b'] } }, { a: ['a', 'b'] }, true],
    ['contains_any array no substring', { a: { contains_any: ['b'] } }, { a: ['abc'] }, false],
    ['any_match', { a: { any_match: { field: 'role', value: 'admin' } } }, { a: [{ role: 'user' }, { role: 'admin' }] }, true],
    ['any_match miss', { a: { any_match: { field: 'role', value: 'admin' } } }, { a: [{ role: 'user' }] }, false],
    ['several operators', { a: { starts_with: 'a', ends_with: 'z' } }, { a: 'abcz' }, true],
    ['empty compound is present-and-non-null', { a: {} }, { a: 1 }, true],
  ] as const)('%s', (_name, node, data, expected) => {
    expect(run(node, data as JsonValue)).toBe(expected)
  })

  it('named sets: dotted suffix, case-insensitive, arrays, unknown set fails closed', () => {
    const namedSets = createNamedSets({ trusted: ['GitHub.com'] })
    const inSet = { host: { in_set: 'trusted' } }
    expect(run(inSet, { host: 'api.github.com' }, { namedSets })).toBe(true)
    expect(run(inSet, { host: 'evilgithub.com' }, { namedSets })).toBe(false)
    expect(run(inSet, { host: ['x.org', 'github.com'] }, { namedSets })).toBe(true)
    expect(run({ host: { in_set: 'nope' } }, { host: 'github.com' }, { namedSets })).toBe(false)
    expect(run({ host: { not_in_set: 'trusted' } }, { host: 'x.org' }, { namedSets })).toBe(true)
    expect(run({ host: { not_in_set: 'trusted' } }, {}, { namedSets })).toBe(false)
  })
})

describe('combinators and tool', () => {
  it('all / any / not', () => {
    expect(run({ all: [] }, {})).toBe(true)
    expect(run({ any: [] }, {})).toBe(false)
    expect(run({ all: [{ a: 1 }, { b: 2 }] }, { a: 1, b: 2 })).toBe(true)
    expect(run({ all: [{ a: 1 }, { b: 2 }] }, { a: 1, b: 3 })).toBe(false)
    expect(run({ any: [{ a: 1 }, { b: 2 }] }, { b: 2 })).toBe(true)
    expect(run({ not: { a: 1 } }, { a: 2 })).toBe(true)
    expect(run({}, {})).toBe(true)
  })

  it('tool compares the tool name when allowed', () => {
    expect(run({ tool: 'x' }, {}, { toolName: 'x' }, { allowTool: true })).toBe(true)
    expect(run({ tool: 'x' }, {}, { toolName: 'y' }, { allowTool: true })).toBe(false)
  })

  it('metadata paths read call metadata when enabled; arg.metadata reads parameters', () => {
    const opts = { metadataPaths: true }
    expect(run({ 'metadata.cwd': { starts_with: '/repo' } }, {}, { metadata: { cwd: '/repo/x' } }, opts)).toBe(true)
    expect(run({ 'arg.metadata.cwd': 'p' }, { metadata: { cwd: 'p' } }, { metadata: {} }, opts)).toBe(true)
    expect(run({ 'metadata.cwd': 'p' }, { metadata: { cwd: 'p' } })).toBe(true)
  })
})

describe('validation errors', () => {
  it.each([
    ['unknown operator', { a: { bogus: 1 } }, 'unknown_operator', ['when', 'a', 'bogus']],
    ['equals is not an operator', { a: { equals: 'x' } }, 'unknown_operator', ['when', 'a', 'equals']],
    ['equals_ctx unsupported', { a: { equals_ctx: 'org' } }, 'unknown_operator', ['when', 'a', 'equals_ctx']],
    ['sibling of combinator', { all: [], b: 2 }, 'combinator_sibling', ['when', 'b']],
    ['all not a list', { all: 5 }, 'invalid_condition', ['when', 'all']],
    ['not a mapping', ['a'], 'invalid_condition', ['when']],
    ['list predicate', { a: ['x', 'y'] }, 'list_predicate', ['when', 'a']],
    ['contains wrong type', { a: { contains: 5 } }, 'invalid_operator_value', ['when', 'a', 'contains']],
    ['in wrong type', { a: { in: 'x' } }, 'invalid_operator_value', ['when', 'a', 'in']],
    ['gt wrong type', { a: { gt: '3' } }, 'invalid_operator_value', ['when', 'a', 'gt']],
    ['exists wrong type', { a: { exists: 'yes' } }, 'invalid_operator_value', ['when', 'a', 'exists']],
    ['not_empty wrong type', { a: { not_empty: 1 } }, 'invalid_operator_value', ['when', 'a', 'not_empty']],
    ['regex invalid', { a: { regex: '(' } }, 'invalid_operator_value', ['when', 'a', 'regex']],
    ['regex look-around', { a: { regex: 'a(?=b)' } }, 'invalid_operator_value', ['when', 'a', 'regex']],
    ['contains_any wrong type', { a: { contains_any: [1] } }, 'invalid_operator_value', ['when', 'a', 'contains_any']],
    ['in_set wrong type', { a: { in_set: 3 } }, 'invalid_operator_value', ['when', 'a', 'in_set']],
    ['not_in_set wrong type', { a: { not_in_set: [] } }, 'invalid_operator_value', ['when', 'a', 'not_in_set']],
    ['matches_url wrong type', { a: { matches_url: 'x' } }, 'invalid_operator_value', ['when', 'a', 'matches_url']],
    ['matches_url unknown key', { a: { matches_url: { host: 'h', path: '/', port: 1 } } }, 'unknown_key', ['when', 'a', 'matches_url', 'port']],
    ['any_match wrong shape', { a: { any_match: { field: 1 } } }, 'invalid_operator_value', ['when', 'a', 'any_match']],
    ['exists false with others', { a: { exists: false, contains: 'x' } }, 'contradictory_operators', ['when', 'a', 'exists']],
    ['tool outside normalizers', { tool: 'x' }, 'tool_not_allowed', ['when', 'tool']],
  ] as const)('%s', (_name, node, code, path) => {
    const issues = issuesOf(node)
    expect(issues.map((i) => i.code)).toContain(code)
    expect(issues.find((i) => i.code === code)?.path).toEqual(path)
  })

  it('tool must be an exact string', () => {
    expect(issuesOf({ tool: { starts_with: 'x' } }, { allowTool: true })[0]?.code).toBe('invalid_predicate')
  })

  it('invalid parts evaluate to false (fail closed)', () => {
    const { condition } = compileCondition({ a: { bogus: 1 } }, [])
    expect(condition({ a: 1 }, {})).toBe(false)
  })
})
