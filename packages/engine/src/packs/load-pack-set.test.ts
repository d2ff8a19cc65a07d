import { describe, expect, it } from 'vitest'
import { buildLockfile, renderLockfile } from './lockfile.ts'
import { discoverPacks, loadPackSet, type PackFile } from './load-pack-set.ts'
import { matchesToolPattern } from './glob.ts'

const MANIFEST = 'pack_format: 2\npermit0_pack: acme/mail\nname: mail\nversion: "1.0"\naction_types: [email.send]\n'
const SEND = `permit0_pack: acme/mail
id: mail:acme_send
priority: 10
match:
  tool: acme_send
normalize:
  action_type: email.send
  domain: email
  verb: send
  source: acme
  parameters:
    to: { from: to, type: string }
`
const SOURCE = 'source: acme\ntool_pattern: "acme_*"\n'

function files(dir: string, extra: Record<string, string> = {}): PackFile[] {
  const base: Record<string, string> = {
    'pack.yaml': MANIFEST,
    'normalizers/acme/_source.yaml': SOURCE,
    'normalizers/acme/send.yaml': SEND,
    'risk_rules/send.yaml': 'permit0_pack: acme/mail\naction_type: email.send\nbase: { flags: {}, amplifiers: {} }\n',
    ...extra,
  }
  return Object.entries(base).map(([p, text]) => ({ path: dir === '' ? p : `${dir}/${p}`, text }))
}

function errors(r: ReturnType<typeof loadPackSet>) {
  return r.issues.filter((i) => i.severity === 'error')
}

describe('discovery', () => {
  it('finds flat and owner/name packs, skipping _ and . dirs and deeper layouts', () => {
    expect(
      discoverPacks(['flat/pack.yaml', 'acme/mail/pack.yaml', '_template/pack.yaml', '.x/y/pack.yaml', 'a/b/c/pack.yaml', 'flat/sub/pack.yaml']),
    ).toEqual(['acme/mail', 'flat'])
  })

  it('loads both layouts into one registry with risk-rule documents', () => {
    const r = loadPackSet([...files('acme/mail'), ...files('flat', { 'normalizers/acme/send.yaml': SEND.replace('priority: 10', 'priority: 11').replace(/acme_send/g, 'acme_send2') })])
    expect(errors(r)).toEqual([])
    if (!r.ok) return
    expect(r.packSet.packs.map((p) => p.dir)).toEqual(['acme/mail', 'flat'])
    expect(r.packSet.registry.normalizers.map((n) => n.priority)).toEqual([11, 10])
    expect(r.packSet.riskRules.map((d) => [d.pack, d.path])).toEqual([
      ['acme/mail', 'acme/mail/risk_rules/send.yaml'],
      ['acme/mail', 'flat/risk_rules/send.yaml'],
    ])
    expect(r.packSet.riskRules[0]?.locate(['action_type'])).toEqual({ line: 2, column: 1 })
  })
})

describe('validation issues name file, line and key', () => {
  it.each([
    ['broken YAML', { 'normalizers/acme/send.yaml': 'id: [unclosed\n' }, 'yaml_syntax', 'acme/mail/normalizers/acme/send.yaml', 2],
    ['duplicate key', { 'normalizers/acme/send.yaml': `${SEND}id: again\n` }, 'duplicate_key', 'acme/mail/normalizers/acme/send.yaml', 13],
    ['unknown top-level key', { 'normalizers/acme/send.yaml': `${SEND}extra: 1\n` }, 'unknown_key', 'acme/mail/normalizers/acme/send.yaml', 13],
    ['bad type', { 'normalizers/acme/send.yaml': SEND.replace('priority: 10', 'priority: high') }, 'invalid_type', 'acme/mail/normalizers/acme/send.yaml', 3],
    ['unknown helper', { 'normalizers/acme/send.yaml': `${SEND}    s: { compute: nope, args: [to] }\n` }, 'unknown_helper', 'acme/mail/normalizers/acme/send.yaml', 13],
    ['helper arity', { 'normalizers/acme/send.yaml': `${SEND}    s: { compute: recipient_scope, args: [to] }\n` }, 'helper_arity', 'acme/mail/normalizers/acme/send.yaml', 13],
    ['bad action type', { 'normalizers/acme/send.yaml': SEND.replace('action_type: email.send', 'action_type: email.sned') }, 'invalid_action_type', 'acme/mail/normalizers/acme/send.yaml', 7],
    ['domain/verb mismatch', { 'normalizers/acme/send.yaml': SEND.replace('verb: send', 'verb: draft') }, 'inconsistent_action_type', 'acme/mail/normalizers/acme/send.yaml', 9],
    ['unknown parameter type', { 'normalizers/acme/send.yaml': SEND.replace('type: string', 'type: str') }, 'unknown_parameter_type', 'acme/mail/normalizers/acme/send.yaml', 12],
    ['unknown operator in match', { 'normalizers/acme/send.yaml': SEND.replace('  tool: acme_send', '  tool: acme_send\n  to: { equals: x }') }, 'unknown_operator', 'acme/mail/normalizers/acme/send.yaml', 6],
    ['tool_pattern mismatch', { 'normalizers/acme/send.yaml': SEND.replace('tool: acme_send', 'tool: other_send') }, 'tool_pattern_mismatch', 'acme/mail/normalizers/acme/send.yaml', 5],
    ['manifest pack_format', { 'pack.yaml': MANIFEST.replace('pack_format: 2', 'pack_format: 1') }, 'schema_version', 'acme/mail/pack.yaml', 1],
    ['manifest trust tier', { 'pack.yaml': `${MANIFEST}trust_tier: built-in\n` }, 'trust_tier_mismatch', 'acme/mail/pack.yaml', 6],
    ['alias shape', { 'aliases.yaml': 'aliases:\n  - { tool: a, rewrite_as: b, when: [] }\n' }, 'alias_shape', 'acme/mail/aliases.yaml', 2],
    ['risk rule action type', { 'risk_rules/x.yaml': 'permit0_pack: acme/mail\naction_type: payments.charge\n' }, 'invalid_action_type', 'acme/mail/risk_rules/x.yaml', 2],
  ] as const)('%s', (_name, extra, code, file, line) => {
    const r = loadPackSet(files('acme/mail', extra))
    expect(r.ok).toBe(false)
    const found = errors(r).find((i) => i.code === code)
    expect(found, JSON.stringify(r.issues)).toBeDefined()
    expect(found?.file).toBe(file)
    expect(found?.line).toBe(line)
  })

  it('duplicate priorities and duplicate aliases are errors', () => {
    const dup = SEND.replace('id: mail:acme_send', 'id: mail:acme_send_b').replace(/tool: acme_send/, 'tool: acme_send_b')
    const r = loadPackSet(files('acme/mail', { 'normalizers/acme/send_b.yaml': dup }))
    expect(errors(r).map((i) => i.code)).toContain('priority_conflict')
    const a = loadPackSet(files('acme/mail', { 'aliases.yaml': 'aliases: [{ tool: a, rewrite_as: b }]\n', 'normalizers/acme/aliases.yaml': 'aliases: [{ tool: a, rewrite_as: c }]\n' }))
    expect(errors(a).map((i) => i.code)).toContain('alias_conflict')
  })
})

describe('lockfile', () => {
  const locked = (extra: Record<string, string> = {}): PackFile[] => {
    const fs = files('', extra)
    const lock = buildLockfile(fs, { permit0Pack: 'acme/mail', packVersion: '1.0', packFormat: 2, generatedAt: '2026-01-01T00:00:00Z' })
    return [...fs, { path: 'pack.lock.yaml', text: renderLockfile(lock) }]
  }

  it('lazy: absent lockfile is a warning; strict: an error', () => {
    const lazy = loadPackSet(files(''), { layout: 'single' })
    expect(lazy.ok).toBe(true)
    expect(lazy.issues.map((i) => [i.code, i.severity])).toContainEqual(['lockfile_missing', 'warning'])
    const strict = loadPackSet(files(''), { layout: 'single', lockfile: 'strict' })
    expect(strict.ok).toBe(false)
    expect(errors(strict).map((i) => i.code)).toEqual(['lockfile_missing'])
  })

  it('verifies hashes in both policies', () => {
    expect(loadPackSet(locked(), { layout: 'single', lockfile: 'strict' }).ok).toBe(true)
    const tampered = locked().map((f) => (f.path === 'normalizers/acme/send.yaml' ? { ...f, text: f.text.replace('to: {', 'tox: {') } : f))
    for (const lockfile of ['lazy', 'strict'] as const) {
      const r = loadPackSet(tampered, { layout: 'single', lockfile })
      expect(errors(r).map((i) => [i.code, i.file])).toEqual([['lockfile_mismatch', 'normalizers/acme/send.yaml']])
    }
  })

  it('reports files missing from the lockfile and listed files missing on disk', () => {
    const extra = [...locked(), { path: 'risk_rules/extra.yaml', text: 'permit0_pack: acme/mail\naction_type: email.read\nbase: {}\n' }]
    expect(errors(loadPackSet(extra, { layout: 'single' })).map((i) => i.code)).toContain('lockfile_drift')
    const missing = locked().filter((f) => f.path !== 'risk_rules/send.yaml')
    expect(errors(loadPackSet(missing, { layout: 'single' })).map((i) => i.code)).toContain('lockfile_drift')
  })

  it('rejects unsupported lockfile versions', () => {
    const fs = locked().map((f) => (f.path === 'pack.lock.yaml' ? { ...f, text: f.text.replace('lockfile_version: 1', 'lockfile_version: 2') } : f))
    expect(errors(loadPackSet(fs, { layout: 'single' })).map((i) => i.code)).toContain('lockfile_version')
  })
})

describe('tool_pattern glob', () => {
  it.each([
    ['gmail_*', 'gmail_send', true],
    ['gmail_*', 'gmail_', true],
    ['gmail_*', 'gmail', false],
    ['gmail_*', 'x_gmail_send', false],
    ['*_send', 'outlook_send', true],
    ['g*l_send', 'gmail_send', true],
    ['*', '', true],
    ['exact', 'exact', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
  ] as const)('%s ~ %s = %s', (p, n, expected) => {
    expect(matchesToolPattern(p, n)).toBe(expected)
  })
})
