import { describe, expect, it } from 'vitest'
import { createNamedSets } from '../conditions/index.ts'
import { DEFAULT_SCORING_CONFIG } from '../scoring/config.ts'
import { createHybridScorer } from '../scoring/hybrid.ts'
import type { JsonObject, JsonValue } from '../types.ts'
import { assessRisk } from './assess.ts'
import { compileRiskRule } from './compile-risk-rule.ts'

const compiled = compileRiskRule({
  permit0_pack: 'test/pack',
  action_type: 'email.send',
  base: { flags: { OUTBOUND: 'primary' }, amplifiers: { scope: 5 } },
  rules: [
    { when: { 'parameter.recipient_scope': 'external' }, then: [{ add_flag: { flag: 'EXPOSURE', role: 'primary' } }] },
    { when: { parameter: { exists: true }, to: { ends_with: '@x.example' } }, then: [{ add_flag: { flag: 'MUTATION', role: 'secondary' } }] },
    { when: { _raw: 'plain' }, then: [{ add_flag: { flag: 'DESTRUCTION', role: 'secondary' } }] },
  ],
})
const rule = compiled.rule
if (!rule) throw new Error(JSON.stringify(compiled.issues))
const scorer = createHybridScorer(DEFAULT_SCORING_CONFIG)
const sets = createNamedSets({})

const flags = (raw: JsonValue, parameters: JsonObject): readonly string[] =>
  assessRisk(rule, { actionType: 'email.send', parameters, rawParameters: raw }, scorer, sets).flags

describe('risk-rule data: raw parameters plus `parameter` = the normalized parameters', () => {
  it.each([
    ['normalized parameters under parameter.*', { to: 'a@x.example' }, { recipient_scope: 'external' }, ['OUTBOUND', 'EXPOSURE', 'MUTATION']],
    ['internal scope does not match', { to: 'a@y.example' }, { recipient_scope: 'internal' }, ['OUTBOUND']],
    ["the raw call's own `parameter` wins", { parameter: { recipient_scope: 'internal' }, to: 'a@x.example' }, { recipient_scope: 'external' }, ['OUTBOUND', 'MUTATION']],
    ['a non-object call is visible as _raw', 'plain', { recipient_scope: 'external' }, ['OUTBOUND', 'EXPOSURE', 'DESTRUCTION']],
  ] as const)('%s', (_label, raw, parameters, expected) => {
    expect(flags(raw as JsonValue, parameters as JsonObject)).toEqual(expected)
  })

  it('does not modify the raw parameters', () => {
    const raw = { to: 'a@x.example' }
    flags(raw, { recipient_scope: 'external' })
    expect(raw).toEqual({ to: 'a@x.example' })
  })
})

describe('gate reasons quote the call; floor sets the lowest tier', () => {
  const r = compileRiskRule({
    permit0_pack: 'test/pack',
    action_type: 'process.run',
    base: { flags: { EXECUTION: 'secondary' }, amplifiers: { scope: 1 } },
    rules: [
      { when: { 'parameter.shell.deny': true }, then: [{ gate: 'bash: {parameter.shell.deny_reasons} ({parameter.shell.none})' }] },
      { when: { 'parameter.shell.ask': true }, then: [{ floor: 'medium' }] },
    ],
  }).rule
  if (!r) throw new Error('rule did not compile')
  const score = (shell: JsonObject) =>
    assessRisk(r, { actionType: 'process.run', parameters: { shell }, rawParameters: {} }, scorer, sets)

  it('fills {parameter.…} placeholders (lists joined, missing as ?)', () => {
    expect(score({ deny: true, deny_reasons: ['a', 'b'] })).toMatchObject({ blocked: true, tier: 'CRITICAL', blockReason: 'bash: a; b (?)' })
  })

  it('lifts a low score to the floor and never lowers a higher one', () => {
    expect(score({}).tier).toBe('MINIMAL')
    expect(score({ ask: true }).tier).toBe('MEDIUM')
    expect(score({ ask: true, deny: true, deny_reasons: [] }).tier).toBe('CRITICAL')
  })

  it('rejects an unknown floor tier', () => {
    const bad = compileRiskRule({ permit0_pack: 'a/b', action_type: 'process.run', base: { flags: {} }, rules: [{ when: {}, then: [{ floor: 'critical' }] }] })
    expect(bad.issues.map((i) => i.code)).toContain('invalid_mutation')
  })
})
