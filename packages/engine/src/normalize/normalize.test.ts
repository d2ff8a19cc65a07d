import { describe, expect, it } from 'vitest'
import { loadPackSet, type PackFile } from '../packs/load-pack-set.ts'
import type { JsonObject, JsonValue, NormAction } from '../types.ts'
import { stripClientPrefix, requireClientKind, parseClientKind } from './client.ts'
import { normalize } from './normalize.ts'
import { sha256Hex } from '../canonical/norm-hash.ts'

const normalizer = (id: string, priority: number, body: string): string =>
  `permit0_pack: t/p\nid: ${id}\npriority: ${priority}\n${body}`

function pack(extra: Record<string, string>): PackFile[] {
  return [
    { path: 't/p/pack.yaml', text: 'pack_format: 2\npermit0_pack: t/p\nname: p\nversion: "1"\n' },
    ...Object.entries(extra).map(([path, text]) => ({ path: `t/p/${path}`, text })),
  ]
}

function load(files: PackFile[]) {
  const r = loadPackSet(files)
  if (!r.ok) throw new Error(JSON.stringify(r.issues, null, 1))
  return r.packSet.registry
}

const SEND = normalizer(
  'a:send',
  10,
  `match: { tool: x_send }
normalize:
  action_type: email.send
  domain: email
  verb: send
  source: x
  parameters:
    to: { from: to, from_any: [recipient, rcpt.0], type: string }
    count: { from: n, type: number }
    flag: { from: f, type: boolean }
    subject: { from: subject, trim: true, lowercase: true }
    loud: { from: subject, uppercase: true, optional: true }
    kind: { from: kind, default: plain }
    id: { from: id, required: true }
    cwd: { from: metadata.cwd }
    org: { from: org_domain }
    scope: { compute: recipient_scope, args: [to, org_domain] }
`,
)

function norm(toolName: string, parameters: JsonValue, opts: { org?: string; metadata?: JsonObject; files?: Record<string, string> } = {}) {
  const registry = load(pack(opts.files ?? { 'normalizers/send.yaml': SEND }))
  return normalize(registry, { toolName, parameters, metadata: opts.metadata ?? {} }, opts.org ? { orgDomain: opts.org } : {})
}

function ok(r: ReturnType<typeof norm>): NormAction {
  if (!r.ok) throw r.error
  return r.action
}

describe('parameter extraction', () => {
  it('extracts, coerces, transforms, defaults, computes; keys sorted', () => {
    const a = ok(norm('x_send', { to: 5, n: '42', f: 'yes', subject: '  Hi THERE ', id: 'm1' }, { org: 'acme.com', metadata: { cwd: '/w' } }))
    expect(a.actionType).toBe('email.send')
    expect(a.channel).toBe('x')
    expect(a.parameters).toEqual({ cwd: '/w', count: 42, flag: true, id: 'm1', kind: 'plain', loud: '  HI THERE ', org: 'acme.com', scope: 'unknown', subject: 'hi there', to: '5' })
    expect(Object.keys(a.parameters)).toEqual([...Object.keys(a.parameters)].sort())
    expect(a.execution).toEqual({ surfaceTool: 'x_send', surfaceCommand: 'x_send' })
    expect(a.normHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('from_any: null counts as absent, array index paths', () => {
    expect(ok(norm('x_send', { to: null, recipient: 'r@x.y', id: 1 })).parameters.to).toBe('r@x.y')
    expect(ok(norm('x_send', { rcpt: ['z@x.y'], id: 1 })).parameters.to).toBe('z@x.y')
  })

  it('coercion failure keeps the key with null (dropped from the hash)', () => {
    const a = ok(norm('x_send', { id: 1, n: 'abc', f: 'maybe' }))
    expect(a.parameters.count).toBeNull()
    expect(a.parameters.flag).toBeNull()
    const b = ok(norm('x_send', { id: 1 }))
    expect(a.normHash).toBe(b.normHash)
  })

  it.each([
    ['string', { to: true }, 'to', 'true'],
    ['number from bool', { n: false }, 'count', 0],
    ['number keeps numbers', { n: 2.5 }, 'count', 2.5],
    ['number rejects inf', { n: 'inf' }, 'count', null],
    ['number rejects whitespace', { n: ' 5' }, 'count', null],
    ['number accepts 5.', { n: '5.' }, 'count', 5],
    ['number from list', { n: [1] }, 'count', null],
    ['bool from number', { f: 1.5 }, 'flag', true],
    ['bool from "0"', { f: '0' }, 'flag', false],
    ['bool from ""', { f: '' }, 'flag', false],
    ['bool "True" is not a bool', { f: 'True' }, 'flag', null],
    ['bool from object', { f: {} }, 'flag', null],
    ['string keeps lists', { to: ['a'] }, 'to', ['a']],
  ] as const)('coercion: %s', (_n, params, key, expected) => {
    expect(ok(norm('x_send', { id: 1, ...params } as JsonValue)).parameters[key]).toEqual(expected)
  })

  it('missing required field is an error naming the field and tool (no fall-through)', () => {
    const r = norm('x_send', {})
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('ENGINE_MISSING_REQUIRED_FIELD')
      expect(r.error.message).toBe("missing required field 'id' in tool call 'x_send'")
    }
  })

  it('ctx org_domain overrides a spoofed parameter; without ctx the parameter is visible', () => {
    expect(ok(norm('x_send', { id: 1, to: 'b@x.com', org_domain: 'x.com' }, { org: 'acme.com' })).parameters.scope).toBe('external')
    expect(ok(norm('x_send', { id: 1, to: 'b@x.com', org_domain: 'x.com' })).parameters.scope).toBe('self')
  })

  it('surface_command: method + url, then command', () => {
    expect(ok(norm('x_send', { id: 1, method: 'GET', url: 'http://a' })).execution.surfaceCommand).toBe('GET http://a')
    expect(ok(norm('x_send', { id: 1, command: 'ls -la' })).execution.surfaceCommand).toBe('ls -la')
  })

  it('non-object parameters are visible as _raw', () => {
    const files = {
      'normalizers/raw.yaml': normalizer('a:raw', 1, 'match: { tool: r }\nnormalize: { action_type: process.run, domain: process, verb: run, source: r, parameters: { v: { from: _raw } } }\n'),
    }
    expect(ok(norm('r', 'echo', { files })).parameters).toEqual({ v: 'echo' })
  })
})

describe('dispatch', () => {
  const generic = normalizer('g:any', 50, 'match: { any: [ { cmd: { starts_with: "rm" } }, { "metadata.cwd": "/danger" } ] }\nnormalize: { action_type: file.delete, domain: file, verb: delete, source: shell }\n')
  const files = { 'normalizers/send.yaml': SEND, 'normalizers/generic.yaml': generic }

  it('falls back to unknown.unclassified with the original name', () => {
    const a = ok(norm('gmail_summarize_inbox', { max: 20, a: 'x' }, { files }))
    expect(a.actionType).toBe('unknown.unclassified')
    expect(a.channel).toBe('gmail_summarize_inbox')
    expect(a.parameters).toEqual({ raw_tool_name: 'gmail_summarize_inbox', raw_parameters_sha256: sha256Hex('{"a":"x","max":20}') })
    expect(a.execution.surfaceCommand).toBe('{"a":"x","max":20}')
  })

  it("an unknown tool's norm_hash covers every parameter, nested ones included, and not their order", () => {
    const hash = (p: JsonValue): string => ok(norm('acme_runner', p, { files })).normHash
    const base = hash({ cmd: 'echo hi', opts: { cwd: '/tmp', env: ['A=1'] } })
    expect(hash({ opts: { env: ['A=1'], cwd: '/tmp' }, cmd: 'echo hi' })).toBe(base)
    expect(hash({ cmd: 'rm -rf ~', opts: { cwd: '/tmp', env: ['A=1'] } })).not.toBe(base)
    expect(hash({ cmd: 'echo hi', opts: { cwd: '/', env: ['A=1'] } })).not.toBe(base)
    expect(hash({ cmd: 'echo hi', opts: { cwd: '/tmp', env: ['A=2'] } })).not.toBe(base)
    expect(hash({ cmd: 'echo hi', opts: { cwd: '/tmp', env: ['A=1'] }, extra: null })).not.toBe(base)
    expect(ok(norm('other_runner', { cmd: 'echo hi', opts: { cwd: '/tmp', env: ['A=1'] } }, { files })).normHash).not.toBe(base)
  })

  it('generic (non exact-tool) normalizers match any tool, metadata included', () => {
    expect(ok(norm('Bash', { cmd: 'rm -rf /' }, { files })).actionType).toBe('file.delete')
    expect(ok(norm('Bash', { cmd: 'ls' }, { files, metadata: { cwd: '/danger' } })).actionType).toBe('file.delete')
    expect(ok(norm('Bash', { cmd: 'ls' }, { files })).actionType).toBe('unknown.unclassified')
  })

  it('higher priority wins between exact and generic candidates', () => {
    // x_send (10) is lower than the generic (50): a call that matches both goes to the generic.
    expect(ok(norm('x_send', { id: 1, cmd: 'rm x' }, { files })).actionType).toBe('file.delete')
    expect(ok(norm('x_send', { id: 1 }, { files })).actionType).toBe('email.send')
  })

  it('aliases: flat, conditional (list membership and substring), default, one hop', () => {
    const aliases = `aliases:
  - { tool: sendIt, rewrite_as: x_send }
  - { tool: hop, rewrite_as: sendIt }
  - tool: label
    when:
      - { if: { param: labels, contains: SPAM }, rewrite_as: x_send }
      - default: nowhere
`
    const f = { 'normalizers/send.yaml': SEND, 'aliases.yaml': aliases }
    const viaAlias = ok(norm('sendIt', { id: 1 }, { files: f }))
    expect(viaAlias.actionType).toBe('email.send')
    expect(viaAlias.execution.surfaceTool).toBe('x_send')
    expect(ok(norm('hop', { id: 1 }, { files: f })).actionType).toBe('unknown.unclassified')
    expect(ok(norm('label', { id: 1, labels: ['SPAM'] }, { files: f })).actionType).toBe('email.send')
    expect(ok(norm('label', { id: 1, labels: 'MY_SPAM_X' }, { files: f })).actionType).toBe('email.send')
    const fallback = ok(norm('label', { id: 1, labels: ['INBOX'] }, { files: f }))
    expect(fallback.actionType).toBe('unknown.unclassified')
    expect(fallback.channel).toBe('label')
  })
})

describe('client prefix stripping', () => {
  it.each([
    ['claude-code', 'mcp__permit0-outlook__outlook_create_mailbox', 'outlook_create_mailbox'],
    ['claude_code', 'mcp__weird', 'mcp__weird'],
    ['claude-code', 'Bash', 'Bash'],
    ['claude-desktop', 'mcp__a__b', 'mcp__a__b'],
    ['openclaw', 'gmail.create_label', 'create_label'],
    ['open_claw', 'server.tool.with.dots', 'tool.with.dots'],
    ['openclaw', '.tool', 'tool'],
    ['raw', 'mcp__a__b', 'mcp__a__b'],
    ['none', 'a.b', 'a.b'],
  ] as const)('%s: %s → %s', (client, name, expected) => {
    expect(stripClientPrefix(name, requireClientKind(client))).toBe(expected)
  })

  it('unknown clients are rejected', () => {
    expect(parseClientKind('cursor')).toBeUndefined()
    expect(() => requireClientKind('cursor')).toThrow(/unknown client 'cursor' \(supported: claude-code/)
  })
})
